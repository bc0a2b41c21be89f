// The demo's product pictures, drawn here rather than downloaded: flat SVG illustrations on a
// gradient card with the product's name (CJK through the system's Noto Sans CJK), rendered by sharp
// in the media module's upload pipeline (the same renditions and storage as a console upload; SVG is
// accepted there only from the server itself) — a main picture, a gallery
// picture of selling points and a detail picture (详情图) — then set as the product's pictures.
import type { Services } from '../services.js';

export interface DemoProduct {
  id: number;
  title: string;
  category: string;
  skus: Array<{ name: string }>;
}

interface Look {
  from: string;
  to: string;
  ink: string;
  art: string;
  points: [string, string, string];
  origin: string;
}

const FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', sans-serif";

const TEA = `<circle r="250" fill="#7a4b2a"/><circle r="250" fill="none" stroke="#5e3a20" stroke-width="12"/>
  <circle r="195" fill="none" stroke="#a0714a" stroke-width="5" stroke-dasharray="3 18"/><circle r="140" fill="none" stroke="#a0714a" stroke-width="5" stroke-dasharray="3 18"/>
  <rect x="-110" y="-62" width="220" height="124" rx="12" fill="#f4e6c8"/>
  <g stroke="#7a4b2a" stroke-width="10" stroke-linecap="round"><line x1="-74" y1="-22" x2="20" y2="-22"/><line x1="-74" y1="6" x2="0" y2="6"/><line x1="-74" y1="34" x2="20" y2="34"/></g>
  <rect x="42" y="-34" width="44" height="44" rx="4" fill="#c0392b"/>
  <path d="M150 -200 C 230 -330 360 -300 380 -260 C 330 -190 230 -170 150 -200 Z" fill="#58a55c"/>
  <path d="M155 -202 C 240 -240 300 -258 372 -261" stroke="#3f7f43" stroke-width="6" fill="none"/>`;

const RICE = `<path d="M-200 -190 L200 -190 L245 225 Q245 262 208 262 L-208 262 Q-245 262 -245 225 Z" fill="#fbf6ea"/>
  <path d="M-200 -190 Q0 -245 200 -190 L188 -140 Q0 -185 -188 -140 Z" fill="#dccfa9"/>
  <rect x="-165" y="-70" width="330" height="210" rx="26" fill="#3f8f5a"/>
  <path d="M-95 60 Q-40 -40 0 -40 Q40 -40 95 60" stroke="#e8f5e9" stroke-width="14" fill="none" stroke-linecap="round"/>
  <circle cx="0" cy="-40" r="20" fill="#f9d976"/>
  <g fill="#fffaf0" stroke="#e0d6bd" stroke-width="3"><ellipse cx="-320" cy="215" rx="15" ry="28" transform="rotate(35 -320 215)"/>
  <ellipse cx="-285" cy="245" rx="15" ry="28" transform="rotate(-20 -285 245)"/><ellipse cx="300" cy="235" rx="15" ry="28" transform="rotate(15 300 235)"/></g>`;

const GELATIN = `<g transform="rotate(-8)"><rect x="-250" y="60" width="330" height="120" rx="22" fill="#6d1a26"/>
  <rect x="-170" y="-60" width="330" height="120" rx="22" fill="#8b2332"/><rect x="-90" y="-180" width="330" height="120" rx="22" fill="#a32b3b"/></g>
  <g fill="#f1d4a8"><circle cx="-180" cy="110" r="12"/><circle cx="-110" cy="140" r="9"/><circle cx="-40" cy="100" r="11"/>
  <circle cx="-90" cy="-10" r="10"/><circle cx="-10" cy="20" r="12"/><circle cx="60" cy="-20" r="9"/>
  <circle cx="0" cy="-140" r="11"/><circle cx="80" cy="-110" r="9"/><circle cx="150" cy="-150" r="12"/></g>
  <path d="M230 170 C 250 110 300 90 330 100 C 320 150 280 180 230 170 Z" fill="#e57373"/>`;

const BEDDING = `<rect x="-270" y="70" width="540" height="120" rx="28" fill="#dfe8f5"/><rect x="-250" y="-50" width="500" height="120" rx="28" fill="#9fb9df"/>
  <rect x="-230" y="-170" width="460" height="120" rx="28" fill="#f7f3ec"/>
  <g stroke="#ffffff" stroke-width="10" stroke-opacity=".55"><line x1="-190" y1="-50" x2="-190" y2="70"/><line x1="-110" y1="-50" x2="-110" y2="70"/>
  <line x1="-30" y1="-50" x2="-30" y2="70"/><line x1="50" y1="-50" x2="50" y2="70"/><line x1="130" y1="-50" x2="130" y2="70"/><line x1="210" y1="-50" x2="210" y2="70"/></g>
  <rect x="-40" y="-200" width="80" height="400" fill="#e8a87c" opacity=".9"/>`;

const APPLE = `<path d="M0 -150 C -90 -230 -270 -190 -270 10 C -270 190 -130 290 -60 270 C -25 260 25 260 60 270 C 130 290 270 190 270 10 C 270 -190 90 -230 0 -150 Z" fill="#e0393e"/>
  <path d="M0 -150 C 60 -200 200 -190 240 -60 C 180 -150 80 -160 0 -150 Z" fill="#f26b5b"/>
  <path d="M-160 -70 C -200 -10 -200 50 -180 100" stroke="#ffffff" stroke-opacity=".5" stroke-width="26" stroke-linecap="round" fill="none"/>
  <path d="M0 -150 C -5 -200 10 -240 30 -272" stroke="#6b4226" stroke-width="16" stroke-linecap="round" fill="none"/>
  <path d="M28 -232 C 80 -302 170 -292 192 -262 C 140 -200 62 -200 28 -232 Z" fill="#58a55c"/>`;

const GIFT = `<rect x="-230" y="-70" width="460" height="320" rx="22" fill="#ff8a65"/><rect x="-260" y="-150" width="520" height="95" rx="20" fill="#ff7043"/>
  <rect x="-36" y="-150" width="72" height="400" fill="#ffd54f"/>
  <path d="M0 -150 C -60 -260 -190 -230 -150 -170 C -120 -135 -50 -150 0 -150 Z M0 -150 C 60 -260 190 -230 150 -170 C 120 -135 50 -150 0 -150 Z" fill="#ffca28"/>`;

const LOOKS: Record<string, Look> = {
  茶饮: { from: '#f6d365', to: '#c98b4e', ink: '#5e3a20', art: TEA, points: ['云南古树原料', '传统石磨压制', '越陈越香'], origin: '云南 西双版纳' },
  粮油: { from: '#d4fc79', to: '#5fb37a', ink: '#2e6b41', art: RICE, points: ['当季新米', '黑土地种植', '真空锁鲜'], origin: '黑龙江 五常' },
  滋补: { from: '#fbc2a4', to: '#c2485a', ink: '#7b1f2b', art: GELATIN, points: ['古法熬制', '真材实料', '独立小包装'], origin: '山东 东阿' },
  家纺: { from: '#c2e9fb', to: '#7f9fd6', ink: '#2f4b7c', art: BEDDING, points: ['100% 长绒棉', '亲肤透气', '久洗不起球'], origin: '江苏 南通' },
  生鲜: { from: '#ffd3a5', to: '#f0654f', ink: '#8c2a1c', art: APPLE, points: ['产地直发', '脆甜多汁', '坏果包赔'], origin: '新疆 阿克苏' },
};
const DEFAULT_LOOK: Look = { from: '#ffe29f', to: '#ff719a', ink: '#8a2c4a', art: GIFT, points: ['品质保障', '正品直供', '售后无忧'], origin: '全国' };

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** a font size at which the text fits the width (CJK characters about 1 em, Latin about 0.55) */
const fit = (text: string, width: number, max: number) => Math.min(max, Math.floor(width / [...text].reduce((n, c) => n + (/[\u0000-\u00ff]/.test(c) ? 0.56 : 1), 0)));

function svg(width: number, height: number, look: Look, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
  <defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${look.from}"/><stop offset="1" stop-color="${look.to}"/></linearGradient></defs>
  <rect width="${width}" height="${height}" fill="url(#bg)"/>${body}</svg>`;
}

/** The main picture: the illustration and the product's name on a card. */
function mainPicture(p: DemoProduct, look: Look): string {
  return svg(1080, 1080, look, `
  <circle cx="900" cy="160" r="230" fill="#ffffff" opacity=".14"/><circle cx="120" cy="700" r="170" fill="#ffffff" opacity=".10"/>
  <ellipse cx="540" cy="715" rx="300" ry="38" fill="#000000" opacity=".12"/>
  <g transform="translate(540 430)">${look.art}</g>
  <rect x="90" y="790" width="900" height="210" rx="40" fill="#ffffff" opacity=".93"/>
  <text x="540" y="888" font-family="${FONT}" font-size="${fit(p.title, 820, 66)}" font-weight="700" fill="${look.ink}" text-anchor="middle">${escape(p.title)}</text>
  <text x="540" y="956" font-family="${FONT}" font-size="34" fill="${look.ink}" opacity=".7" text-anchor="middle">${escape(p.category || '精选')} · 分销优选</text>`);
}

/** The gallery picture: the selling points beside a smaller illustration. */
function pointsPicture(p: DemoProduct, look: Look): string {
  const rows = look.points
    .map((text, i) => `<g transform="translate(560 ${360 + i * 150})"><circle r="34" fill="#ffffff" opacity=".9"/>
      <text y="14" font-family="${FONT}" font-size="38" font-weight="700" fill="${look.ink}" text-anchor="middle">${i + 1}</text>
      <text x="64" y="16" font-family="${FONT}" font-size="52" font-weight="700" fill="#ffffff">${escape(text)}</text></g>`)
    .join('');
  return svg(1080, 1080, look, `
  <text x="90" y="190" font-family="${FONT}" font-size="${fit(p.title, 900, 72)}" font-weight="700" fill="#ffffff">${escape(p.title)}</text>
  <text x="90" y="260" font-family="${FONT}" font-size="38" fill="#ffffff" opacity=".85">产地 ${escape(look.origin)}</text>
  <g transform="translate(280 560) scale(.68)">${look.art}</g>${rows}
  <rect x="90" y="900" width="900" height="100" rx="50" fill="#ffffff" opacity=".2"/>
  <text x="540" y="966" font-family="${FONT}" font-size="38" fill="#ffffff" text-anchor="middle">正品保障 · 48 小时发货 · 满 99 包邮</text>`);
}

/** The detail picture (详情图): a specification sheet, 750 px wide as detail pictures usually are. */
function detailPicture(p: DemoProduct, look: Look): string {
  const rows: Array<[string, string]> = [
    ['品名', p.title],
    ['分类', p.category || '精选'],
    ['规格', p.skus.map((s) => s.name).join(' / ') || '—'],
    ['产地', look.origin],
    ['发货', '下单后 48 小时内发出'],
  ];
  const table = rows
    .map(([k, v], i) => `<rect x="50" y="${560 + i * 96}" width="650" height="84" rx="14" fill="${i % 2 ? '#ffffff' : '#f6f6f6'}"/>
      <text x="80" y="${613 + i * 96}" font-family="${FONT}" font-size="30" fill="#999999">${k}</text>
      <text x="190" y="${613 + i * 96}" font-family="${FONT}" font-size="${fit(v, 480, 30)}" fill="#333333">${escape(v)}</text>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="750" height="1100" viewBox="0 0 750 1100">
  <defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${look.from}"/><stop offset="1" stop-color="${look.to}"/></linearGradient></defs>
  <rect width="750" height="1100" fill="#ffffff"/><rect width="750" height="500" fill="url(#bg)"/>
  <text x="375" y="90" font-family="${FONT}" font-size="44" font-weight="700" fill="#ffffff" text-anchor="middle">商品详情</text>
  <g transform="translate(375 290) scale(.55)">${look.art}</g>${table}
  <text x="375" y="1060" font-family="${FONT}" font-size="26" fill="#bbbbbb" text-anchor="middle">图片为示意，以实物为准</text></svg>`;
}

async function upload(services: Services, drawing: string): Promise<number> {
  return (await services.media.uploadDrawing(drawing)).id;
}

/** Colours a spec value may name, drawn as the background of its SKU's picture. */
const SWATCHES: Record<string, { from: string; to: string }> = {
  米白: { from: '#f7f1e6', to: '#d8c7a8' },
  雾蓝: { from: '#c9d8ea', to: '#6f8fb5' },
};

/** Gives each SKU of a product with a 颜色 attribute a picture in that colour (the spec picker shows it). */
export async function seedSkuPictures(services: Services, p: Omit<DemoProduct, 'skus'> & { specs: Array<{ name: string; values: string[] }>; skus: Array<{ name: string; specValues: string[]; priceFen: number; stock: number }> }): Promise<void> {
  const colour = p.specs.findIndex((a) => a.name === '颜色');
  if (colour < 0) return;
  const base = LOOKS[p.category] ?? DEFAULT_LOOK;
  const pictures = new Map<string, number>();
  for (const value of p.specs[colour]!.values) {
    const swatch = SWATCHES[value];
    if (swatch) pictures.set(value, await upload(services, mainPicture({ ...p, title: `${p.title} · ${value}` }, { ...base, ...swatch })));
  }
  await services.catalog.setSpecs(p.id, { attributes: p.specs, skus: p.skus.map((k) => ({ specValues: k.specValues, priceFen: k.priceFen, stock: k.stock, imageMediaId: pictures.get(k.specValues[colour]!) ?? null })) });
}

/** Draws and stores each product's pictures (main, one gallery, one detail) and sets them. */
export async function seedProductPictures(services: Services, products: DemoProduct[]): Promise<void> {
  await Promise.all(
    products.map(async (p) => {
      const look = LOOKS[p.category] ?? DEFAULT_LOOK;
      const [main, gallery, detail] = await Promise.all([mainPicture(p, look), pointsPicture(p, look), detailPicture(p, look)].map((d) => upload(services, d)));
      await services.catalog.setImages(p.id, { main, gallery: [gallery], detail: [detail] });
    }),
  );
}
