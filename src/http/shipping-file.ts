// The batch-shipping file (批量发货): an XLSX workbook or a CSV (UTF-8, or GBK as Excel saves it on a
// Chinese Windows) whose first row names the columns 订单号, 快递公司, 运单号 (or Order No, Carrier,
// Tracking No), in any order; what the orders module ships is read from it here. The type is told by
// the bytes, not the name: a zip is a workbook, text is a CSV, anything else (an old .xls, a picture)
// is refused with 415. The template is a workbook with those headers, text-formatted so Excel keeps
// long tracking numbers as typed, and a sheet listing the carriers it knows.
import ExcelJS from 'exceljs';
import { AppError, badRequest } from '../errors.js';
import { CARRIERS, SHIPPING_BATCH_MAX_ROWS, type ShippingRow } from '../modules/orders/index.js';
import type { UploadedFile } from './uploads.js';

/** a file of 2,000 rows is about 100 KB as CSV and less as XLSX: ten times that is plenty */
export const SHIPPING_FILE_MAX_BYTES = 1_048_576;

const COLUMNS = [
  { key: 'orderNo', zh: '订单号', en: 'order no', width: 32 },
  { key: 'carrier', zh: '快递公司', en: 'carrier', width: 16 },
  { key: 'trackingNo', zh: '运单号', en: 'tracking no', width: 24 },
] as const;

type Key = (typeof COLUMNS)[number]['key'];

/** The file's data rows; 400/413/415 with a code when it is no shipping file or too long. */
export async function readShippingFile(file: UploadedFile): Promise<ShippingRow[]> {
  const table = isZip(file.bytes) ? await xlsxCells(file.bytes) : csvCells(textOf(file.bytes));
  const header = table[0] ?? [];
  const at = {} as Record<Key, number>;
  const missing: string[] = [];
  for (const column of COLUMNS) {
    const i = header.findIndex((h) => h.trim() === column.zh || h.trim().toLowerCase().replace(/[\s_.]+/g, ' ') === column.en);
    if (i < 0) missing.push(column.zh);
    at[column.key] = i;
  }
  if (missing.length) throw badRequest('BATCH_FILE_COLUMNS_MISSING', `the first row must name the columns 订单号, 快递公司, 运单号; missing: ${missing.join(', ')}`);
  const rows: ShippingRow[] = [];
  table.forEach((cells, i) => {
    if (i === 0 || cells.every((c) => !c.trim())) return;
    rows.push({ row: i + 1, orderNo: cells[at.orderNo] ?? '', carrier: cells[at.carrier] ?? '', trackingNo: cells[at.trackingNo] ?? '' });
  });
  if (rows.length === 0) throw badRequest('BATCH_FILE_EMPTY', 'the file has no rows under its header');
  if (rows.length > SHIPPING_BATCH_MAX_ROWS) {
    throw new AppError(413, 'BATCH_TOO_MANY_ROWS', `a file ships at most ${SHIPPING_BATCH_MAX_ROWS} rows; this one has ${rows.length}`, { maxRows: SHIPPING_BATCH_MAX_ROWS });
  }
  return rows;
}

/** The template to fill in: the three columns as text, and the carriers it takes. */
export async function shippingTemplate(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Fenxiao';
  const sheet = workbook.addWorksheet('批量发货');
  sheet.columns = COLUMNS.map((c) => ({ header: c.zh, key: c.key, width: c.width, style: { numFmt: '@' } }));
  sheet.getRow(1).font = { bold: true };
  const carriers = workbook.addWorksheet('快递公司');
  carriers.columns = [
    { header: '快递公司', key: 'zh', width: 16 },
    { header: '编码', key: 'code', width: 20 },
    { header: 'Carrier', key: 'en', width: 20 },
  ];
  carriers.getRow(1).font = { bold: true };
  for (const c of CARRIERS) carriers.addRow({ zh: c.zh, code: c.code, en: c.en });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const unsupported = () => new AppError(415, 'BATCH_FILE_TYPE', 'send an .xlsx workbook or a .csv file (an old .xls: save it as .xlsx first)');

function isZip(bytes: Buffer): boolean {
  return bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50;
}

/** CSV text: UTF-8 (with or without its BOM), else GBK as Excel writes it on a Chinese system; binary is refused. */
function textOf(bytes: Buffer): string {
  const head = bytes.subarray(0, 4096);
  // a NUL is never in a text file of either encoding (UTF-16 text, an .xls, a picture)
  if (head.includes(0)) throw unsupported();
  const start = bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])) ? 3 : 0;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start));
  } catch {
    return new TextDecoder('gbk').decode(bytes);
  }
}

/** Rows of cells: commas, quotes ("" inside quotes) and line breaks inside quotes as RFC 4180 says. */
function csvCells(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      rows.push([...row, cell]);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  // Excel's ="0123" keeps digits as text; a tab some exporters pad cells with goes too
  return rows.map((r) => r.map((v) => v.replace(/^="(.*)"$/, '$1').trim()));
}

/** The first sheet's rows of cells as text. */
async function xlsxCells(bytes: Buffer): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw badRequest('BATCH_FILE_UNREADABLE', 'the workbook cannot be read: save it again as .xlsx');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw badRequest('BATCH_FILE_EMPTY', 'the workbook has no sheet');
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, n) => {
    const values = row.values as ExcelJS.CellValue[];
    // row.values is 1-based: index 0 is empty
    rows[n - 1] = values.slice(1).map(cellText);
  });
  return Array.from(rows, (r) => r ?? []);
}

/** What a cell shows as text: a number in full (a tracking number typed as digits), a formula's result, rich text's runs. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return String(value).trim();
  if (value instanceof Date) return value.toISOString();
  if ('richText' in value) return value.richText.map((t) => t.text).join('').trim();
  if ('text' in value) return String(value.text).trim();
  if ('result' in value) return cellText((value.result ?? null) as ExcelJS.CellValue);
  return '';
}
