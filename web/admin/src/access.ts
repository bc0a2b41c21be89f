// Who sees which screen and which button. The server enforces the same roles (src/http/routes/admin.ts);
// this only keeps people from being offered what they will be refused.
import type { HqRole } from './types';

export type Screen =
  | 'dashboard'
  | 'members'
  | 'applications'
  | 'tiers'
  | 'rules'
  | 'dryRun'
  | 'products'
  | 'orders'
  | 'refunds'
  | 'refundRequests'
  | 'payouts'
  | 'adjustments'
  | 'reconciliation'
  | 'audit'
  | 'security';

export type Action =
  | 'members.write' // rebind, tier, group, distributor status, applications, tiers and groups
  | 'members.role'
  | 'rules.write'
  | 'products.write'
  | 'orders.fulfil' // ship, complete
  | 'orders.refund' // refunds and refund-request review
  | 'payouts.write'
  | 'adjustments.write'
  | 'jobs.unfreeze';

const ALL: HqRole[] = ['owner', 'operator', 'finance', 'support', 'auditor'];

const screens: Record<Screen, HqRole[]> = {
  dashboard: ALL,
  members: ['owner', 'operator', 'auditor'],
  applications: ['owner', 'operator', 'auditor'],
  tiers: ['owner', 'operator', 'auditor'],
  rules: ['owner', 'operator', 'finance', 'auditor'],
  dryRun: ['owner', 'operator', 'auditor'],
  products: ['owner', 'operator', 'auditor'],
  orders: ['owner', 'operator', 'support', 'auditor'],
  refunds: ['owner', 'operator', 'support', 'auditor'],
  refundRequests: ['owner', 'support', 'auditor'],
  payouts: ['owner', 'finance', 'auditor'],
  adjustments: ['owner', 'finance', 'auditor'],
  reconciliation: ['owner', 'finance', 'auditor'],
  audit: ['owner', 'auditor'],
  security: ALL,
};

const actions: Record<Action, HqRole[]> = {
  'members.write': ['owner', 'operator'],
  'members.role': ['owner'],
  'rules.write': ['owner', 'operator', 'finance'], // finance: money limits only (src/modules/rules/limits.ts)
  'products.write': ['owner', 'operator'],
  'orders.fulfil': ['owner', 'operator', 'support'],
  'orders.refund': ['owner', 'support'],
  'payouts.write': ['owner', 'finance'],
  'adjustments.write': ['owner', 'finance'],
  'jobs.unfreeze': ['owner', 'finance'],
};

export function canSee(role: HqRole | null | undefined, screen: Screen): boolean {
  return !!role && screens[screen].includes(role);
}

export function can(role: HqRole | null | undefined, action: Action): boolean {
  return !!role && actions[action].includes(role);
}
