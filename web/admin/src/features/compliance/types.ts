// The compliance report's shape, as src/http/routes/compliance.ts answers (typed from /openapi.json).
import type { ResponseOf } from '../../../../shared/api';

export type ComplianceReport = ResponseOf<'/api/admin/compliance/report'>;
export type ComplianceOverride = ComplianceReport['overrides'][number];
export type ComplianceFinding = ComplianceReport['findings'][number];
