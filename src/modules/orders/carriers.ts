// The express companies a parcel can name. Our carrier code is 快递100's company code (its 编码表,
// always lower case), so a code goes to the tracking provider unchanged and what it pushes back
// matches the parcel without a translation table.
// Codes checked against 快递100's published code list and its official SDK (kuaidi100-api/java-demo,
// CompanyConstant.java). 德邦 has two codes there: debangkuaidi (德邦快递, parcels) and
// debangwuliu (德邦物流, freight); both are listed.

export const CARRIER_CODES = [
  'shunfeng',
  'jd',
  'ems',
  'youzhengguonei',
  'zhongtong',
  'yuantong',
  'shentong',
  'yunda',
  'jtexpress',
  'debangkuaidi',
  'debangwuliu',
  'huitongkuaidi',
  'zhaijisong',
  'youshuwuliu',
  'annengwuliu',
  'kuayue',
  'shunfengkuaiyun',
  'zhongtongkuaiyun',
  'jingdongkuaiyun',
  'fengwang',
  'danniao',
] as const;

export type CarrierCode = (typeof CARRIER_CODES)[number];

export interface Carrier {
  code: CarrierCode;
  zh: string;
  en: string;
  /** 快递100 answers for these only with the consignee's (or sender's) phone; the last four digits suffice */
  phoneRequired: boolean;
}

// a Record so the compiler insists every code has its names, and no name lacks a code
const NAMES: Record<CarrierCode, { zh: string; en: string; phone?: true }> = {
  shunfeng: { zh: '顺丰速运', en: 'SF Express', phone: true },
  jd: { zh: '京东物流', en: 'JD Logistics' },
  ems: { zh: 'EMS', en: 'EMS' },
  youzhengguonei: { zh: '邮政快递包裹', en: 'China Post Parcel' },
  zhongtong: { zh: '中通快递', en: 'ZTO Express', phone: true },
  yuantong: { zh: '圆通速递', en: 'YTO Express' },
  shentong: { zh: '申通快递', en: 'STO Express' },
  yunda: { zh: '韵达快递', en: 'Yunda Express' },
  jtexpress: { zh: '极兔速递', en: 'J&T Express' },
  debangkuaidi: { zh: '德邦快递', en: 'Deppon Express' },
  debangwuliu: { zh: '德邦物流', en: 'Deppon Logistics' },
  huitongkuaidi: { zh: '百世快递', en: 'Best Express' },
  zhaijisong: { zh: '宅急送', en: 'ZJS Express' },
  youshuwuliu: { zh: '优速快递', en: 'UC Express' },
  annengwuliu: { zh: '安能物流', en: 'ANE Logistics' },
  kuayue: { zh: '跨越速运', en: 'KY Express' },
  shunfengkuaiyun: { zh: '顺丰快运', en: 'SF Freight', phone: true },
  zhongtongkuaiyun: { zh: '中通快运', en: 'ZTO Freight' },
  jingdongkuaiyun: { zh: '京东快运', en: 'JD Freight' },
  fengwang: { zh: '丰网速运', en: 'Fengwang Express', phone: true },
  danniao: { zh: '丹鸟', en: 'Danniao' },
};

export const CARRIERS: readonly Carrier[] = CARRIER_CODES.map((code) => ({
  code,
  zh: NAMES[code].zh,
  en: NAMES[code].en,
  phoneRequired: NAMES[code].phone === true,
}));

const KNOWN = new Set<string>(CARRIER_CODES);

export function isCarrierCode(code: unknown): code is CarrierCode {
  return typeof code === 'string' && KNOWN.has(code);
}

/** The carrier's name to show; an unknown code is shown as it is (a parcel may name a carrier we do not list). */
export function carrierName(code: string, locale: 'zh' | 'en' = 'zh'): string {
  return isCarrierCode(code) ? NAMES[code][locale] : code;
}

export function carrierNeedsPhone(code: string): boolean {
  return isCarrierCode(code) && NAMES[code].phone === true;
}

/** The known carrier a typed code or name means (shunfeng, 顺丰 → 顺丰速运, 中通 → 中通快递, SF Express), if any. */
export function carrierNamed(typed: string): Carrier | undefined {
  const text = typed.trim();
  if (!text) return undefined;
  return CARRIERS.find((c) => c.code === text.toLowerCase() || c.zh === text || c.zh.startsWith(text) || c.en.toLowerCase() === text.toLowerCase());
}
