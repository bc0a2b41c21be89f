import ExcelJS from 'exceljs';
import { PassThrough } from 'node:stream';
for (const useStyles of [true, false]) {
  const out = new PassThrough(); let bytes = 0; out.on('data', (c) => (bytes += c.length));
  const t0 = Date.now();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles, useSharedStrings: false });
  const sh: any = wb.addWorksheet('S');
  sh.columns = Array.from({ length: 21 }, (_, i) => ({ header: 'h' + i, width: 12, ...(i === 4 ? { style: { numFmt: '0.00' } } : {}) }));
  for (let r = 0; r < 30000; r++) sh.addRow([r, '2026-12-05 03:57:12', 'commission.earn', '分销佣金入账', 12.34, 1, '平台佣金支出', null, null, 44, '待结算佣金', 3, '链2', '20261120120000882439331723', null, null, null, 'commission_earning', r, 'commission:earn:' + r, 'row ' + r]).commit();
  sh.commit(); await wb.commit();
  console.log({ useStyles, ms: Date.now() - t0, bytes });
}
