// Reading the console's exports back in tests: the file as the API answers it (inject), the CSV
// parsed (RFC 4180, after the BOM the exports start with), the XLSX's sheets as rows, and rows as
// header → value records.
import ExcelJS from 'exceljs';
import { Readable } from 'node:stream';
import { expect } from 'vitest';
import type { TestApp } from './harness.js';

/** RFC 4180 with the BOM the exports start with. */
export function parseCsv(buffer: Buffer): string[][] {
  expect([...buffer.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = buffer.subarray(3).toString('utf8');
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

/** The sheet as header → value records. */
export function records(rows: unknown[][]): Array<Record<string, unknown>> {
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header!.map((h, i) => [String(h), r[i] ?? null])));
}

/** Every sheet of the workbook, by name, as rows of cell values (the header row first). */
export async function xlsxSheets(buffer: Buffer): Promise<Array<{ name: string; rows: unknown[][] }>> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  return workbook.worksheets.map((sheet) => {
    const rows: unknown[][] = [];
    // columnCount walks every row: once per sheet, not once per cell
    const columns = sheet.columnCount;
    sheet.eachRow({ includeEmpty: false }, (row) => {
      const values: unknown[] = [];
      for (let c = 1; c <= columns; c++) {
        const v = row.getCell(c).value;
        values.push(v === undefined ? null : v);
      }
      rows.push(values);
    });
    return { name: sheet.name, rows };
  });
}

/** The first sheet's rows, read as a stream (large files: no workbook model is built). */
export async function xlsxStreamedRows(buffer: Buffer): Promise<unknown[][]> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([buffer]), { sharedStrings: 'cache', styles: 'ignore', hyperlinks: 'ignore', worksheets: 'emit' });
  for await (const sheet of reader) {
    const rows: unknown[][] = [];
    for await (const row of sheet as AsyncIterable<ExcelJS.Row>) rows.push((row.values as unknown[]).slice(1));
    return rows;
  }
  return [];
}

/** The first sheet's rows. */
export async function xlsxRows(buffer: Buffer): Promise<unknown[][]> {
  return (await xlsxSheets(buffer))[0]!.rows;
}

/** A GET with the token, as the file it answers (or the error's JSON). */
export async function fetchFile(app: TestApp, url: string, token: string) {
  const res = await app.http.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  let json: any;
  try {
    json = JSON.parse(res.body);
  } catch {
    /* a file */
  }
  return { status: res.statusCode, type: String(res.headers['content-type'] ?? ''), disposition: String(res.headers['content-disposition'] ?? ''), buffer: res.rawPayload, json };
}

/** fen summed from yuan cells, blanks skipped */
export const sumYuan = (values: unknown[]) => values.filter((v) => v !== '' && v !== null).reduce<number>((s, v) => s + Math.round(Number(v) * 100), 0);
