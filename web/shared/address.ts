// The consignee of an express order or a points-mall redemption, as the API takes and answers it
// (province / city / district with the district's 6-digit GB/T 2260 code).
import type { BodyOf } from './api';

export type ShippingAddress = NonNullable<BodyOf<'/api/orders', 'post'>['shippingAddress']>;

/** "name phone · province city district detail", or "—". */
export const formatAddress = (a: Omit<ShippingAddress, 'regionCode'> | null | undefined): string =>
  a ? `${a.name} ${a.phone} · ${a.province}${a.city}${a.district}${a.detail}` : '—';
