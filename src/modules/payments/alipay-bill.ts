// Alipay's trade bill (业务明细): the zip archive it downloads as, and the CSV inside.
import zlib from 'node:zlib';
import { AlipayApiError, yuanToFen } from './alipay-answers.js';

export interface TradeBillRow {
  outTradeNo: string;
  tradeNo: string;
  type: '交易' | '退款';
  /** |商家实收|: what moved in (交易) or out (退款) */
  amountFen: number;
  refundRequestNo?: string;
  /** 完成时间, Beijing time */
  time: string;
}

/** The few zip features Alipay's bill archives use: stored or deflated entries, GBK or UTF-8 names. */
export function unzip(buf: Buffer): Array<{ name: string; data: Buffer }> {
  const bad = () => new AlipayApiError('bill.download', 'INVALID_RESPONSE', undefined, false);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i -= 1) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw bad();
  const files: Array<{ name: string; data: Buffer }> = [];
  let p = buf.readUInt32LE(eocd + 16);
  for (let n = buf.readUInt16LE(eocd + 10); n > 0; n -= 1) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw bad();
    const flags = buf.readUInt16LE(p + 8);
    const methodId = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const skip = nameLen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const rawName = buf.subarray(p + 46, p + 46 + nameLen);
    const name = flags & 0x800 ? rawName.toString('utf8') : new TextDecoder('gbk').decode(rawName);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + size);
    const data = methodId === 8 ? zlib.inflateRawSync(raw) : methodId === 0 ? raw : undefined;
    if (!data || zlib.crc32(data) !== crc) throw bad();
    files.push({ name, data });
    p += 46 + skip;
  }
  return files;
}

/** One CSV line; quotes honoured ("" escapes). Alipay pads fields with a tab so Excel keeps them text. */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i += 1; } else if (c === '"') quoted = false; else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { out.push(cur.trim()); cur = ''; } else cur += c;
  }
  out.push(cur.trim());
  return out;
}

/** The rows of a trade bill's 业务明细 CSV; columns found by their header names, '#' lines skipped. */
export function parseTradeBill(csv: string): TradeBillRow[] {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() && !l.startsWith('#'));
  const headerAt = lines.findIndex((l) => l.includes('支付宝交易号') && l.includes('商户订单号'));
  if (headerAt < 0) throw new TypeError('not an Alipay trade bill: no header line');
  const header = csvFields(lines[headerAt]);
  const col = (prefix: string) => {
    const i = header.findIndex((h) => h.startsWith(prefix));
    if (i < 0) throw new TypeError(`not an Alipay trade bill: no ${prefix} column`);
    return i;
  };
  const c = { tradeNo: col('支付宝交易号'), outTradeNo: col('商户订单号'), type: col('业务类型'), time: col('完成时间'), amount: col('商家实收'), refundNo: col('退款批次号') };
  return lines.slice(headerAt + 1).map((line) => {
    const f = csvFields(line);
    const type = f[c.type];
    if (type !== '交易' && type !== '退款') throw new TypeError('unknown 业务类型 in bill');
    return {
      outTradeNo: f[c.outTradeNo],
      tradeNo: f[c.tradeNo],
      type,
      amountFen: Math.abs(yuanToFen(f[c.amount])),
      refundRequestNo: f[c.refundNo] || undefined,
      time: f[c.time],
    };
  });
}
