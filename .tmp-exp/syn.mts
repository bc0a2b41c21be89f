import { sendExport, primed } from '../src/http/exports.ts';
import { keysetPages } from '../src/db/keyset.ts';
const N = 1_000_000, PAGE = 2000;
const mode = process.env.MODE ?? 'A';
const mk = (i: number) => ({ id: i, createdAt: new Date(), code: 'commission.earn', amountFen: 1234, key: `commission:earn:${i}`, memo: 'row ' + i, a: String(i * 7), b: String(i * 13), c: 'x' + i });
async function* gen() { for (let i = 0; i < N; i += PAGE) { await new Promise((r) => setImmediate(r)); yield Array.from({ length: PAGE }, (_, k) => mk(i + k)); } }
const pageFn = async (after: number | undefined) => { await new Promise((r) => setTimeout(r, 1)); const s = (after ?? 0) + 1; return s > N ? [] : Array.from({ length: Math.min(PAGE, N - s + 1) }, (_, k) => mk(s + k)); };
let batches: AsyncIterable<any[]> = mode === 'A' ? gen() : keysetPages(pageFn, (r: any) => r.id, PAGE);
if (mode === 'C') batches = await primed(batches);
let stream: any;
const reply: any = { header() { return this; }, send(s: any) { stream = s; return this; }, log: { warn() {}, error: console.error } };
sendExport(reply, 'csv', { name: 'x', sheet: 'S', columns: [
  { header: 'id', value: (r: any) => r.id }, { header: 'code', value: (r: any) => r.code }, { header: 'amt', value: (r: any) => r.amountFen, money: true },
  { header: 'key', value: (r: any) => r.key }, { header: 'memo', value: (r: any) => r.memo }, { header: 'a', value: (r: any) => r.a }, { header: 'b', value: (r: any) => r.b }, { header: 'c', value: (r: any) => r.c }], batches }, async () => {});
let bytes = 0;
for await (const chunk of stream) bytes += chunk.length;
console.log('bytes', bytes, 'rss', process.memoryUsage().rss / 1e6);
