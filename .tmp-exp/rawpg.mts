import pg from 'pg';
const c = new pg.Client({ connectionString: process.env.URL! }); await c.connect();
let after = 0, n = 0;
const rowMode = process.env.ARR ? 'array' : undefined;
for (;;) {
  const r: any = await c.query({ text: `select * from ledger_transfers where id > $1 order by id limit ${Number(process.env.LIM ?? 2000)}`, values: [after], rowMode } as any);
  if (r.rows.length === 0) break;
  n += r.rows.length;
  const last = r.rows[r.rows.length - 1];
  after = Number(rowMode ? last[0] : last.id);
  await new Promise((res) => setImmediate(res));
}
console.log('rows', n, 'rss', process.memoryUsage().rss / 1e6);
await c.end();
