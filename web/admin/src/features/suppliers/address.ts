// The consignee as the suppliers API returns it (masked in lists, whole on one order).
export interface ShippingAddressView {
  name: string;
  phone: string;
  province: string;
  city: string;
  district: string;
  detail: string;
  regionCode: string;
}

export const formatAddress = (a: ShippingAddressView | null): string => (a ? `${a.name} ${a.phone} · ${a.province}${a.city}${a.district}${a.detail}` : '—');
