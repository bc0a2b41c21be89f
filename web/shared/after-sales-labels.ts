// The after-sales kinds and reasons as both apps show them (the server's codes: AFTER_SALES_KINDS,
// AFTER_SALES_REASONS), in one place so the buyer and the reviewer read the same words.
type Label = { zh: string; en: string };

export const AFTER_SALES_KIND_LABELS: Record<'refund_only' | 'return_refund', Label> = {
  refund_only: { zh: '仅退款', en: 'Refund only' },
  return_refund: { zh: '退货退款', en: 'Return and refund' },
};

export const AFTER_SALES_REASON_LABELS: Record<'no_longer_needed' | 'not_received' | 'damaged' | 'wrong_item' | 'quality' | 'not_as_described' | 'other', Label> = {
  no_longer_needed: { zh: '不想要了（七天无理由）', en: 'No longer needed (7-day return)' },
  not_received: { zh: '未收到货', en: 'Not received' },
  damaged: { zh: '商品破损', en: 'Arrived damaged' },
  wrong_item: { zh: '发错货 / 少件', en: 'Wrong or missing item' },
  quality: { zh: '质量问题', en: 'Quality problem' },
  not_as_described: { zh: '与描述不符', en: 'Not as described' },
  other: { zh: '其他', en: 'Other' },
};

/** afterSales.kind.<kind> and afterSales.reason.<code> for an app's dictionary */
export function afterSalesLabelEntries(locale: 'zh' | 'en'): Record<string, string> {
  return {
    ...Object.fromEntries(Object.entries(AFTER_SALES_KIND_LABELS).map(([k, l]) => [`afterSales.kind.${k}`, l[locale]])),
    ...Object.fromEntries(Object.entries(AFTER_SALES_REASON_LABELS).map(([k, l]) => [`afterSales.reason.${k}`, l[locale]])),
  };
}
