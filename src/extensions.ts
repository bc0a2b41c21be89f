// What feature modules add to the core without the core knowing them: periodic jobs and the
// "parties" a member acts for (supplier, dealer, agent, store staff) that open console pages.
import type { Executor } from './db/database.js';

export interface FeatureJob {
  name: string;
  /** idempotent and safe on several instances at once, like every sweep */
  run(): Promise<unknown>;
}

/** A party a member acts for, shown by /api/me and used by the console to open that party's pages. */
export interface Party {
  kind: string;
  id: number;
  name: string;
}

export type PartyResolver = (ex: Executor, memberId: number) => Promise<Party[]>;

export class Extensions {
  readonly jobs: FeatureJob[] = [];
  readonly partyResolvers: PartyResolver[] = [];
  addJob(job: FeatureJob): void {
    this.jobs.push(job);
  }
  addPartyResolver(resolver: PartyResolver): void {
    this.partyResolvers.push(resolver);
  }
  async partiesOf(ex: Executor, memberId: number): Promise<Party[]> {
    return (await Promise.all(this.partyResolvers.map((resolve) => resolve(ex, memberId)))).flat();
  }
}
