// Shapes of the channels API (agents, levels, targets, stores) as the console uses them.
import type { ItemOf, ResponseOf } from '../../../../shared/api';
export type AgentState = 'active' | 'upcoming' | 'expired' | 'suspended';

// answers typed from /openapi.json
export type Agent = ItemOf<ResponseOf<'/api/admin/agents'>>;
export type AgentLevel = ItemOf<ResponseOf<'/api/admin/agent-levels'>>;
export type TargetProgress = ResponseOf<'/api/agent/targets'>;
export type QuarterProgress = TargetProgress['quarters'][number];
export type AgentEarnings = ResponseOf<'/api/agent/earnings'>;
export type AgentEarning = AgentEarnings['items'][number];
export type AgentOrder = ItemOf<ResponseOf<'/api/agent/orders'>>;
export type Store = ItemOf<ResponseOf<'/api/admin/stores'>>;
export type StoreSummary = ResponseOf<'/api/admin/stores/{id}/summary'>;
export type StoreOrder = ItemOf<ResponseOf<'/api/admin/stores/{id}/orders'>>;
export type StoreCustomer = ItemOf<ResponseOf<'/api/admin/stores/{id}/customers'>>;
