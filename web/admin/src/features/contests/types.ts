// Shapes of the contests API as the console reads them.
import type { ItemOf, ResponseOf } from '../../../../shared/api';
import type { ContestMetric, ContestState } from '../../../../shared/types';


// answers typed from /openapi.json
export type { ContestMetric, ContestState };
export type SquadRow = ItemOf<ResponseOf<'/api/admin/squads'>>;
export type SquadDetail = ResponseOf<'/api/admin/squads/{id}'>;
export type Candidate = ItemOf<ResponseOf<'/api/admin/squads/captain-candidates'>>;
export type Contest = ItemOf<ResponseOf<'/api/admin/contests'>>;
export type Standings = ResponseOf<'/api/admin/contests/{id}/standings'>;
