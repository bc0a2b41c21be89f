// Response schemas of the member-tag, squad and contest routes (routes/contests.ts).
import { z } from 'zod';
import { dateTime, itemsOf } from './common.responses.js';

const total = z.number();

export const memberTags = itemsOf(z.object({ tag: z.string(), members: z.number() }));
export const taggedMembers = z.object({
  total,
  items: z.array(z.object({ memberId: z.number(), nickname: z.string(), phone: z.string(), tags: z.array(z.string()) })),
});
export const memberTagsSet = z.object({ memberId: z.number(), tags: z.array(z.string()) });
export const captainCandidates = itemsOf(
  z.object({
    memberId: z.number(),
    nickname: z.string(),
    phone: z.string(),
    distributorStatus: z.enum(['none', 'applied', 'active', 'rejected', 'disabled']),
    tags: z.array(z.string()),
    squadId: z.number().nullable(),
    salesFen: z.number(),
  }),
);

const squadMember = z.object({ memberId: z.number(), nickname: z.string(), joinedAt: dateTime, isCaptain: z.boolean() });
const squadCore = {
  id: z.number(),
  name: z.string(),
  captainId: z.number(),
  captainNickname: z.string(),
  locked: z.boolean(),
  createdAt: dateTime,
};
/** A squad with its members, as HQ sees it (with the invite code). */
export const squad = z.object({ ...squadCore, inviteCode: z.string(), members: z.array(squadMember) });
/** A squad with its members, as its members see it (no invite code). */
export const memberSquad = z.object({ ...squadCore, members: z.array(squadMember) });
export const squads = z.object({
  total,
  items: z.array(z.object({ ...squadCore, inviteCode: z.string(), memberCount: z.number() })),
});
export const squadPreview = z.object({ id: z.number(), name: z.string(), captainNickname: z.string(), memberCount: z.number(), locked: z.boolean() });

const metric = z.enum(['sales', 'invites', 'points']);
export const contest = z.object({
  id: z.number(),
  name: z.string(),
  metric,
  startAt: dateTime,
  deadline: dateTime,
  state: z.enum(['scheduled', 'running', 'closing', 'finished']),
  finalizedAt: dateTime.nullable(),
  squads: z.array(z.object({ id: z.number(), name: z.string() })),
  prizes: z.array(
    z.object({
      rank: z.number(),
      kind: z.enum(['cash', 'points', 'honour']),
      amountFen: z.number().describe('cash prizes; 0 for points and honours'),
      points: z.number().nullable(),
      title: z.string().nullable(),
    }),
  ),
  prizeTotalFen: z.number().describe('the cash prizes'),
  prizeTotalPoints: z.number(),
  complianceOverride: z.object({ reason: z.string(), byId: z.number().nullable(), at: dateTime }).nullable().describe('lets an invites contest pay cash prizes'),
  prizesWithheldAt: dateTime.nullable().describe('an invites contest without an override: its cash prizes were kept unpaid at the deadline'),
  prizesReleasedAt: dateTime.nullable(),
  createdAt: dateTime,
});
export const prizesReleased = z.object({ releasedFen: z.number(), members: z.number(), contest });
export const contests = z.object({ total, items: z.array(contest) });

const standingCore = {
  squadId: z.number(),
  name: z.string(),
  captainId: z.number(),
  captainNickname: z.string(),
  rank: z.number(),
  value: z.number(),
  prizeFen: z.number(),
  prizePoints: z.number(),
  honour: z.string().nullable(),
};
const memberValue = z.object({ memberId: z.number(), nickname: z.string(), value: z.number(), prizeFen: z.number(), prizePoints: z.number() });
const squadStanding = z.object({ ...standingCore, members: z.array(memberValue) });
export const standings = z.object({ contest, asOf: dateTime, squads: z.array(squadStanding) });
/** A member's view: every squad's total, the member's own squad in full, and the member's share. */
export const memberStandings = z.object({
  contest,
  asOf: dateTime,
  squads: z.array(z.object({ ...standingCore, mine: z.boolean() })),
  mySquad: squadStanding.nullable(),
  me: memberValue,
});

/** Without a squad: `{ squad: null, isCaptain: false, contests: [] }` (no invite). */
export const mySquad = z.object({
  squad: memberSquad.nullable(),
  isCaptain: z.boolean(),
  /** the captain's invite link; null for members */
  invite: z.object({ code: z.string(), path: z.string() }).nullable().optional(),
  contests: z.array(contest),
});

export const myResults = itemsOf(
  z.object({
    contestId: z.number(),
    name: z.string(),
    metric,
    deadline: dateTime,
    squadName: z.string(),
    value: z.number(),
    rank: z.number(),
    prizeFen: z.number(),
    prizePoints: z.number(),
    honour: z.string().nullable(),
    prizesWithheldAt: dateTime.nullable(),
    prizesReleasedAt: dateTime.nullable(),
  }),
);
