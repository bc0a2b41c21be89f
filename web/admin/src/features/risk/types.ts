// The risk API shapes, as src/http/routes/risk.ts answers (typed from /openapi.json).
import type { BodyOf, ItemOf, ResponseOf } from '../../../../shared/api';

export type HoldsAnswer = ResponseOf<'/api/admin/risk/holds'>;
export type RiskHold = ItemOf<HoldsAnswer>;
export type RiskReason = RiskHold['reasons'][number];
export type HoldDetail = ResponseOf<'/api/admin/risk/holds/{id}'>;
export type RiskGraph = HoldDetail['graph'];
export type RiskRulesAnswer = ResponseOf<'/api/admin/risk/rules'>;
export type RiskRulesConfig = RiskRulesAnswer['current']['config'];
export type DryRunAnswer = ResponseOf<'/api/admin/risk/rules/dry-run', 'post'>;
export type DryRunBody = BodyOf<'/api/admin/risk/rules/dry-run'>;
export type HoldStatus = RiskHold['status'];
