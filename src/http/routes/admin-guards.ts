// The HQ roles each console route admits; every route checks one on the server.
import type { HqRole } from '../../modules/members/index.js';
import type { Auth } from '../auth.js';
import { ALL_HQ_ROLES } from '../auth.js';

/** Each guard's roles, for what must agree with the guards (the dashboard's 待办 counts only what the caller can act on). */
export const GUARD_ROLES = {
  anyHq: ALL_HQ_ROLES,
  operators: ['owner', 'operator'],
  finance: ['owner', 'finance'],
  support: ['owner', 'support'],
  fulfilment: ['owner', 'operator', 'support'],
  owner: ['owner'],
  auditors: ['owner', 'auditor'],
} as const satisfies Record<string, readonly HqRole[]>;

export function adminGuards(auth: Auth) {
  return {
    anyHq: auth.requireRoles(...GUARD_ROLES.anyHq),
    operators: auth.requireRoles(...GUARD_ROLES.operators),
    finance: auth.requireRoles(...GUARD_ROLES.finance),
    support: auth.requireRoles(...GUARD_ROLES.support),
    fulfilment: auth.requireRoles(...GUARD_ROLES.fulfilment),
    owner: auth.requireRoles(...GUARD_ROLES.owner),
    auditors: auth.requireRoles(...GUARD_ROLES.auditors),
  };
}
