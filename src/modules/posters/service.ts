// Share posters (专属海报): a PNG drawn on the server with the sharer's name, a product (or the
// shop), its price and a QR code of the sharer's link — or, for the mini-program, the sharer's
// 小程序码 (its scene carries the invite code). Scanning it opens the link or the mini-program and binds.
// The product's picture is its uploaded main picture's bytes (picture.ts reads them from the media
// storage), else a data: URL set by hand, drawn cover-fit; without either, or when it does not
// decode, a placeholder.
import { existsSync } from 'node:fs';
import { createCanvas, GlobalFonts, loadImage, type Image, type SKRSContext2D } from '@napi-rs/canvas';
import QRCode from 'qrcode';
import type { Logger } from 'pino';
import { formatYuan } from '../../money.js';

const CJK_FONT_FILES = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc',
  '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
  '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc',
];
const FAMILY = 'FenxiaoPoster';
const WIDTH = 750;
const HEIGHT = 1200;
/** where the product's picture goes */
export const PICTURE_BOX = { x: 40, y: 190, width: WIDTH - 80, height: 520 } as const;

export interface PosterInput {
  sharerName: string;
  shareUrl: string;
  /** a 小程序码 (PNG) to carry instead of the link's QR code */
  miniProgramCode?: Buffer;
  product?: {
    title: string;
    /** the lowest SKU price */
    priceFen: number;
    /** a data:image/ URL is drawn when there are no picture bytes; any other URL is never fetched */
    imageUrl: string | null;
    /** the uploaded main picture's bytes (a stored WebP rendition) */
    picture?: Buffer;
  };
}

export class PosterService {
  readonly cjkFontLoaded: boolean;

  constructor(private readonly log: Logger) {
    let loaded = false;
    for (const file of CJK_FONT_FILES) {
      if (existsSync(file) && GlobalFonts.registerFromPath(file, FAMILY)) loaded = true;
    }
    this.cjkFontLoaded = loaded;
    // without a CJK font Chinese would render as boxes: say so once, and draw only what renders
    if (!loaded) log.warn('no CJK font found (install Debian package fonts-noto-cjk): posters will omit Chinese text');
  }

  /** Text the poster can show: everything with a CJK font, otherwise the characters that would not be boxes. */
  private printable(text: string, fallback: string): string {
    if (this.cjkFontLoaded) return text;
    const ascii = text.replace(/[^\x20-\x7e]/g, '').trim();
    return ascii.length > 0 ? ascii : fallback;
  }

  async render(input: PosterInput): Promise<Buffer> {
    const canvas = createCanvas(WIDTH, HEIGHT);
    const ctx = canvas.getContext('2d');
    const font = (size: number, bold = false) => `${bold ? 'bold ' : ''}${size}px ${this.cjkFontLoaded ? FAMILY : 'sans-serif'}`;

    // background and header band
    ctx.fillStyle = '#fff7f0';
    ctx.fillRect(0, 0, WIDTH, HEIGHT);
    const band = ctx.createLinearGradient(0, 0, WIDTH, 0);
    band.addColorStop(0, '#ff4d2e');
    band.addColorStop(1, '#ff8a3d');
    ctx.fillStyle = band;
    ctx.fillRect(0, 0, WIDTH, 150);
    ctx.fillStyle = '#ffffff';
    ctx.font = font(40, true);
    ctx.fillText(this.printable(`${input.sharerName} 的小店`, 'My shop'), 40, 75);
    ctx.font = font(26);
    ctx.fillText(this.printable('好物推荐 · 扫码即可购买', 'Scan to shop'), 40, 120);

    // product picture (or a soft placeholder), title and price
    await this.drawPicture(ctx, input.product, PICTURE_BOX.x, PICTURE_BOX.y, PICTURE_BOX.width, PICTURE_BOX.height);
    ctx.fillStyle = '#222222';
    ctx.font = font(34, true);
    const title = this.printable(input.product?.title ?? '精选好物，邀你一起逛', 'Featured products');
    wrapText(ctx, title, 40, 770, WIDTH - 80, 46, 2);
    if (input.product && Number.isFinite(input.product.priceFen)) {
      ctx.fillStyle = '#ff4d2e';
      ctx.font = font(52, true);
      ctx.fillText(`¥${formatYuan(input.product.priceFen)}`, 40, 900);
    }

    // QR code of the share link, or the mini-program's own code
    const qrPng = input.miniProgramCode ?? (await QRCode.toBuffer(input.shareUrl, { errorCorrectionLevel: 'M', margin: 2, width: 240, color: { dark: '#000000', light: '#ffffff' } }));
    const qr = await loadImage(qrPng);
    ctx.drawImage(qr, WIDTH - 40 - 240, HEIGHT - 40 - 240, 240, 240);
    ctx.fillStyle = '#666666';
    ctx.font = font(26);
    ctx.fillText(this.printable(input.miniProgramCode ? '长按识别小程序码' : '长按识别二维码', input.miniProgramCode ? 'Open the mini-program' : 'Scan the QR code'), 40, HEIGHT - 160);
    ctx.fillText(this.printable(`来自 ${input.sharerName} 的分享`, 'Shared with you'), 40, HEIGHT - 115);
    return canvas.toBuffer('image/png');
  }

  private async drawPicture(ctx: SKRSContext2D, product: PosterInput['product'], x: number, y: number, w: number, h: number) {
    // the stored picture's bytes, else a data: image; the server never fetches remote URLs on a user's behalf
    const sources: Array<Buffer | string> = [];
    if (product?.picture) sources.push(product.picture);
    if (product?.imageUrl?.startsWith('data:image/')) sources.push(product.imageUrl);
    for (const source of sources) {
      let image: Image;
      try {
        image = await loadImage(source);
      } catch (error) {
        this.log.warn({ err: error, source: typeof source === 'string' ? 'data-url' : 'media' }, 'poster picture did not decode');
        continue;
      }
      if (!image.width || !image.height) continue;
      drawCover(ctx, image, x, y, w, h);
      return;
    }
    const fill = ctx.createLinearGradient(x, y, x + w, y + h);
    fill.addColorStop(0, '#ffe1cc');
    fill.addColorStop(1, '#ffd0b0');
    ctx.fillStyle = fill;
    ctx.fillRect(x, y, w, h);
    ctx.fillStyle = '#ff8a3d';
    ctx.beginPath();
    ctx.arc(x + w / 2, y + h / 2, 90, 0, Math.PI * 2);
    ctx.fill();
  }
}

/** The picture scaled to cover the box (aspect ratio kept), centred, its overflow cropped; transparency shows white. */
function drawCover(ctx: SKRSContext2D, image: Image, x: number, y: number, w: number, h: number) {
  const scale = Math.max(w / image.width, h / image.height);
  const sw = w / scale;
  const sh = h / scale;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(x, y, w, h);
  ctx.drawImage(image, (image.width - sw) / 2, (image.height - sh) / 2, sw, sh, x, y, w, h);
}

function wrapText(ctx: SKRSContext2D, text: string, x: number, y: number, maxWidth: number, lineHeight: number, maxLines: number) {
  let line = '';
  let lines = 0;
  for (const ch of [...text]) {
    if (ctx.measureText(line + ch).width > maxWidth) {
      ctx.fillText(lines === maxLines - 1 ? `${line.slice(0, -1)}…` : line, x, y + lines * lineHeight);
      lines += 1;
      if (lines >= maxLines) return;
      line = ch;
    } else {
      line += ch;
    }
  }
  if (line) ctx.fillText(line, x, y + lines * lineHeight);
}
