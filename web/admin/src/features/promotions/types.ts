// Shapes of the promotions API as the console reads them.
import type { ItemOf, ResponseOf } from '../../../../shared/api';
import type { CouponKind } from '../../../../shared/types';


// answers typed from /openapi.json
export type { CouponKind };
export type CouponTemplate = ItemOf<ResponseOf<'/api/admin/coupon-templates'>>;
export type MemberLevel = ItemOf<ResponseOf<'/api/admin/member-levels'>>;
