import { sendExport } from '../src/http/exports.ts';
import { openDatabase } from '../src/db/database.ts';
import { ledgerExportRows } from '../src/modules/analytics/index.ts';
import { ledgerColumns } from '../src/http/routes/admin-exports.ledger-columns.ts';
const h = await openDatabase({ databaseUrl: process.env.URL! });
const mode = process.env.MODE ?? 'D';
let batches: AsyncIterable<any[]>;
if (mode === 'D') batches = ledgerExportRows(h.db, {});
else {
  // E: plain select * pages through Kysely, no joins
  const { keysetPages } = await import('../src/db/keyset.ts');
  batches = keysetPages((after?: number) => h.db.selectFrom('ledger_transfers').selectAll().where('id', '>', after ?? 0).orderBy('id').limit(2000).execute(), (r: any) => r.id, 2000);
}
let stream: any;
const reply: any = { header() { return this; }, send(s: any) { stream = s; return this; }, log: { warn() {}, error: console.error } };
const cols = mode === 'D' ? ledgerColumns('zh') : [{ header: 'id', value: (r: any) => r.id }, { header: 'code', value: (r: any) => r.code }, { header: 'k', value: (r: any) => r.idempotency_key }];
sendExport(reply, 'csv', { name: 'x', sheet: 'S', columns: cols as any, batches }, async () => {});
let bytes = 0;
for await (const chunk of stream) bytes += chunk.length;
console.log('bytes', bytes, 'rss', process.memoryUsage().rss / 1e6);
await h.close();
