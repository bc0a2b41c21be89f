// The jobs API shapes, as src/http/routes/jobs.ts answers (typed from /openapi.json).
import type { ItemOf, ResponseOf } from '../../../../shared/api';

export type JobsAnswer = ResponseOf<'/api/admin/jobs'>;
export type JobStatus = ItemOf<JobsAnswer>;
