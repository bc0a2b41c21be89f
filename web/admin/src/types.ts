// The console's lists of API values; the API's shapes are in web/shared/types.ts (generated where the
// route has a response schema, else hand-written in web/shared/legacy-types.ts).
import type { DistributorStatus, HqRole, OrderStatus, PayoutStatus } from '../../shared/types';

export type * from '../../shared/types';

export const HQ_ROLES: HqRole[] = ['owner', 'operator', 'finance', 'support', 'auditor'];
export const DISTRIBUTOR_STATUSES: DistributorStatus[] = ['none', 'applied', 'active', 'rejected', 'disabled'];
export const ORDER_STATUSES: OrderStatus[] = ['pending_payment', 'paid', 'shipped', 'completed', 'closed', 'refunded'];
export const PAYOUT_STATUSES: PayoutStatus[] = ['reviewing', 'processing', 'paid', 'rejected', 'failed'];
