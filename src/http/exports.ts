// CSV and XLSX exports for the console. CSV carries a BOM so Excel opens Chinese text correctly,
// and cells that look like formulas are neutralised (CSV injection). Money columns hold fen: CSV
// writes them as yuan text (12.34), XLSX as numbers shown with two decimals, so a column sums.
// toCsv / toXlsx build a small file in memory; sendExport streams a large one: rows arrive in pages
// (db/keyset.ts) and are written to the response as they come, waiting whenever the client is slower
// than the database, so memory holds about one page whatever the file's size (bench/export.ts).
import ExcelJS from 'exceljs';
import type { FastifyReply } from 'fastify';
import { PassThrough, type Writable } from 'node:stream';
import { formatYuan } from '../money.js';

export interface ExportColumn<T> {
  header: string;
  value: (row: T) => string | number | null;
  width?: number;
  /** the value is fen (an integer) */
  money?: boolean;
}

export const CSV_TYPE = 'text/csv; charset=utf-8';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function csvCell(value: string | number | null, money = false): string {
  if (value === null) return '';
  // yuan from integer fen, never a formula: a negative amount stays a number
  if (money && typeof value === 'number') return formatYuan(value);
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const csvHeader = <T>(columns: ExportColumn<T>[]) => `${columns.map((c) => csvCell(c.header)).join(',')}\r\n`;
const csvLine = <T>(columns: ExportColumn<T>[], row: T) => `${columns.map((c) => csvCell(c.value(row), c.money)).join(',')}\r\n`;
/** a row's cells as XLSX holds them: money as yuan numbers */
const xlsxValues = <T>(columns: ExportColumn<T>[], row: T) =>
  columns.map((c) => {
    const value = c.value(row);
    return c.money && typeof value === 'number' ? value / 100 : value;
  });
const xlsxColumns = <T>(columns: ExportColumn<T>[]) => columns.map((c) => ({ header: c.header, width: c.width ?? 16, ...(c.money ? { style: { numFmt: '0.00' } } : {}) }));

export function toCsv<T>(columns: ExportColumn<T>[], rows: T[]): Buffer {
  return Buffer.concat([BOM, Buffer.from(csvHeader(columns) + rows.map((row) => csvLine(columns, row)).join(''), 'utf8')]);
}

export async function toXlsx<T>(sheetName: string, columns: ExportColumn<T>[], rows: T[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Fenxiao';
  const sheet = workbook.addWorksheet(sheetName);
  sheet.columns = xlsxColumns(columns);
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) sheet.addRow(xlsxValues(columns, row));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** An instant as Asia/Shanghai wall time, `YYYY-MM-DD HH:mm:ss`; none stays empty. */
export function shanghaiDateTime(at: Date | string | null): string | null {
  if (at === null) return null;
  return new Date(new Date(at).getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

// --- streaming ---------------------------------------------------------------------------------

/** the most data rows one XLSX sheet holds (1 048 576 rows with the header); more go on to the next sheet */
export const XLSX_SHEET_ROWS = 1_048_575;
/** what the response stream buffers before the writer waits for the client */
const OUT_BUFFER = 256 * 1024;

export interface ExportFile<T> {
  /** the attachment's name, without the extension */
  name: string;
  sheet: string;
  columns: ExportColumn<T>[];
  /** the rows, a page at a time, read as the file is written */
  batches: AsyncIterable<T[]>;
  /** data rows per XLSX sheet (tests make it small) */
  sheetRows?: number;
}

/** How the file went: every row written (complete), or cut off after `rows` (the client left, or a read failed). */
export type ExportEnd = (outcome: { rows: number; complete: boolean }) => Promise<void>;

/**
 * Reads the first page now, so a filter the database refuses (or a database that is down) is
 * answered as an error before any byte of the file is sent; the rest is read as it is written.
 */
export async function primed<T>(batches: AsyncIterable<T[]>): Promise<AsyncIterable<T[]>> {
  const it = batches[Symbol.asyncIterator]();
  let first: IteratorResult<T[]> | null = await it.next();
  return {
    async *[Symbol.asyncIterator]() {
      try {
        // a page is let go of as soon as it is handed on (see eachPage)
        let next: IteratorResult<T[]> | null = first;
        first = null;
        while (next && !next.done) {
          let page: T[] | null = next.value;
          next = null;
          yield page;
          page = null;
          next = await it.next();
        }
      } finally {
        await it.return?.();
      }
    },
  };
}

/**
 * Hands each page to `use`, and lets go of it before the next is read (so one page, not two, is
 * held at a time). Returns false when `use` does (the client left); stopping early closes the
 * pages, so no further query runs.
 */
async function eachPage<T>(batches: AsyncIterable<T[]>, use: (rows: T[]) => Promise<boolean>): Promise<boolean> {
  const pages = batches[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      let next: IteratorResult<T[]> | null = await pages.next();
      if (next.done) {
        finished = true;
        return true;
      }
      let rows: T[] | null = next.value;
      next = null;
      const more = await use(rows);
      rows = null;
      if (!more) return false;
    }
  } finally {
    if (!finished) await pages.return?.();
  }
}

/** Resolves once a stream wants more ('drain') or is gone ('close', 'error'); `also` may end the wait too (the response closing). */
function writable(stream: Writable, also?: Writable): Promise<void> {
  return new Promise((resolve) => {
    const streams = also ? [stream, also] : [stream];
    const done = () => {
      stream.off('drain', done);
      for (const s of streams) s.off('close', done).off('error', done);
      resolve();
    };
    stream.on('drain', done);
    for (const s of streams) s.on('close', done).on('error', done);
  });
}

/** Writes a chunk, waiting while the client is behind; false once the response is gone. */
async function put(out: PassThrough, chunk: Buffer): Promise<boolean> {
  if (out.destroyed) return false;
  if (!out.write(chunk)) await writable(out);
  return !out.destroyed;
}

/** what a writer is told: rows written so far, and all rows are written (the file is not finished yet) */
interface Progress {
  written(rows: number): void;
  allWritten(): Promise<void>;
}

/** characters of CSV per chunk: a page goes out as several chunks, none of them a string large enough for V8's large-object space */
const CSV_CHUNK_CHARS = 16 * 1024;

/** A page as chunks of CSV lines. */
function* csvChunks<T>(columns: ExportColumn<T>[], rows: T[]): Generator<Buffer> {
  let text = '';
  for (const row of rows) {
    text += csvLine(columns, row);
    if (text.length >= CSV_CHUNK_CHARS) {
      yield Buffer.from(text, 'utf8');
      text = '';
    }
  }
  if (text !== '') yield Buffer.from(text, 'utf8');
}

async function writeCsv<T>(out: PassThrough, file: ExportFile<T>, progress: Progress): Promise<boolean> {
  if (!(await put(out, Buffer.concat([BOM, Buffer.from(csvHeader(file.columns), 'utf8')])))) return false;
  const all = await eachPage(file.batches, async (rows) => {
    for (const chunk of csvChunks(file.columns, rows)) if (!(await put(out, chunk))) return false;
    progress.written(rows.length);
    return true;
  });
  if (!all) return false;
  await progress.allWritten();
  out.end();
  return true;
}

type SheetWriter = ExcelJS.Worksheet & { commit(): void };

function openSheet<T>(workbook: ExcelJS.stream.xlsx.WorkbookWriter, file: ExportFile<T>, n: number): SheetWriter {
  const sheet = workbook.addWorksheet(n === 1 ? file.sheet : `${file.sheet.slice(0, 24)} (${n})`) as SheetWriter;
  sheet.columns = xlsxColumns(file.columns);
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  return sheet;
}

/**
 * Waits until what was committed has gone on. exceljs's sheet stream writes into the zip without
 * heeding backpressure ("write returns false (which it won't)", utils/stream-buf.js), so the zip's
 * input (the sheet stream's pipe) is watched as well as the response: otherwise a slow client would
 * let uncompressed XML pile up there.
 */
async function caughtUp(sheet: SheetWriter, out: PassThrough): Promise<boolean> {
  // a readable-stream PassThrough (archiver-utils wraps the sheet stream in one): no writableNeedDrain, hence its state
  const zipInput = (sheet as unknown as { stream?: { pipes?: Array<Writable & { _writableState?: { needDrain?: boolean } }> } }).stream?.pipes?.[0];
  if (zipInput?._writableState?.needDrain && !out.destroyed) await writable(zipInput, out);
  if (out.writableNeedDrain && !out.destroyed) await writable(out);
  return !out.destroyed;
}

async function writeXlsx<T>(out: PassThrough, file: ExportFile<T>, progress: Progress): Promise<boolean> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Fenxiao';
  const perSheet = file.sheetRows ?? XLSX_SHEET_ROWS;
  let sheets = 1;
  let sheet = openSheet(workbook, file, sheets);
  let inSheet = 0;
  const all = await eachPage(file.batches, async (rows) => {
    for (const row of rows) {
      if (inSheet === perSheet) {
        sheet.commit();
        sheet = openSheet(workbook, file, ++sheets);
        inSheet = 0;
      }
      sheet.addRow(xlsxValues(file.columns, row)).commit();
      inSheet += 1;
    }
    progress.written(rows.length);
    return caughtUp(sheet, out);
  });
  if (!all) return false;
  sheet.commit();
  await progress.allWritten();
  // commit resolves when the response has taken the whole zip; a client leaving first ends the wait
  await Promise.race([workbook.commit(), new Promise((resolve) => out.once('close', resolve))]);
  return out.writableFinished;
}

/**
 * Streams the rows as an attachment named `<name>.<format>`. `ended` hears how it went: once every
 * row is written and before the file's end is sent (so a download that completes was recorded
 * complete), or when it was cut off — the client left, or a read failed midway. A failed read is
 * logged and destroys the response: the client sees a failed download, never a short file that
 * looks whole.
 */
export function sendExport<T>(reply: FastifyReply, format: 'csv' | 'xlsx', file: ExportFile<T>, ended?: ExportEnd) {
  const out = new PassThrough({ highWaterMark: OUT_BUFFER });
  let rows = 0;
  const tell = async (complete: boolean) => {
    try {
      await ended?.({ rows, complete });
    } catch (err) {
      reply.log.error({ err, export: file.name }, 'export: recording how it ended failed');
    }
  };
  const progress: Progress = { written: (n) => void (rows += n), allWritten: () => tell(true) };
  void (format === 'xlsx' ? writeXlsx(out, file, progress) : writeCsv(out, file, progress)).then(
    async (complete) => {
      if (complete) return;
      reply.log.warn({ export: file.name, rows }, 'export: the client left before the file was complete');
      await tell(false);
    },
    async (err: unknown) => {
      reply.log.error({ err, export: file.name, rows }, 'export: a read failed midway; the download is cut off');
      out.destroy(err instanceof Error ? err : new Error(String(err)));
      await tell(false);
    },
  );
  const type = format === 'xlsx' ? XLSX_TYPE : CSV_TYPE;
  return reply.header('content-type', type).header('content-disposition', `attachment; filename="${file.name}.${format}"`).send(out);
}
