// Response shapes of /api/admin/insights/* (src/http/routes/insights.ts).
import type { ItemOf, ResponseOf } from '../../../../shared/api';

export type CycleSpan = 'fan_to_member' | 'member_to_first_order' | 'fan_to_first_order' | 'first_order_to_distributor' | 'member_to_distributor' | 'fan_to_distributor';

// answers typed from /openapi.json
export type MemberValueRow = ItemOf<ResponseOf<'/api/admin/insights/members'>>;
export type MemberValueDetail = ResponseOf<'/api/admin/insights/members/{id}'>;
export type Trends = ResponseOf<'/api/admin/insights/trends'>;
export type TrendDay = Trends['days'][number];
export type Funnel = ResponseOf<'/api/admin/insights/funnel'>;
export type CycleTimes = ResponseOf<'/api/admin/insights/cycle-times'>;
export type Channels = ResponseOf<'/api/admin/insights/channels'>;
export type ModeFigures = Channels['modes'][number];
export type DeliveryFigures = Channels['delivery'];
