import ExcelJS from 'exceljs';
import { PassThrough } from 'node:stream';
const out = new PassThrough({ highWaterMark: 256 * 1024 });
const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
const sheet: any = wb.addWorksheet('S');
sheet.columns = [{ header: 'a' }, { header: 'b' }];
let bytes = 0;
out.on('data', (c) => (bytes += c.length));
for (let b = 0; b < 30; b++) {
  for (let i = 0; i < 2000; i++) sheet.addRow([b * 2000 + i, 'commission:earn:' + i + '测试备注测试备注']).commit();
  const st = sheet.stream;
  const p = st.pipes?.[0];
  console.log(b, 'pipes', st.pipes?.length, p?.constructor?.name, 'needDrain', p?.writableNeedDrain, 'wlen', p?.writableLength, 'bufs', st.buffers.length, 'out', bytes, 'rss', Math.round(process.memoryUsage().rss / 1e6));
  await new Promise((r) => setImmediate(r));
}
