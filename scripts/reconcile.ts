// `npm run reconcile`: checks every ledger invariant against the business records and prints
// each difference, then the provider statements' open differences (provider, day, kind, amounts).
// Exits 1 when anything is off, an open statement difference included.
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { reconcile } from '../src/jobs/reconcile.js';
import { formatYuan } from '../src/money.js';

const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? undefined : `${config.dataDir}/pglite` });
await migrate(database);
const report = await reconcile(database.db);
console.log(`reconciliation over ${report.transfers} ledger transfers at ${report.checkedAt.toISOString()}`);
for (const check of report.checks) {
  console.log(`${check.differences.length === 0 ? 'ok  ' : 'DIFF'} ${check.name}: ${check.description}`);
  for (const diff of check.differences.slice(0, 20)) console.log(`     ${JSON.stringify(diff)}`);
  if (check.differences.length > 20) console.log(`     … and ${check.differences.length - 20} more`);
}
// provider statements (对账单): each open difference on one line, with its numbers in fen and yuan
const fen = (v: unknown) => (v === null || v === undefined ? '—' : `${formatYuan(Number(v))} (${String(v)} fen)`);
const statementDiffs = report.checks.find((c) => c.name === 'statement_differences')?.differences ?? [];
const unfetched = report.checks.find((c) => c.name === 'statements_fetched')?.differences ?? [];
console.log(`statements: ${statementDiffs.length === 0 ? 'no open differences' : `${statementDiffs.length} open difference(s)`}${unfetched.length ? `, ${unfetched.length} bill(s) not stored` : ''}`);
for (const d of statementDiffs) {
  const states = d.our_state || d.their_state ? `  state ours ${String(d.our_state ?? '—')} theirs ${String(d.their_state ?? '—')}` : '';
  console.log(`     ${String(d.provider)} ${String(d.bill_date)} ${String(d.kind)} ${String(d.reference)}  ours ${fen(d.our_fen)}  theirs ${fen(d.their_fen)}${states}${d.note ? `  (${String(d.note)})` : ''}`);
}
for (const b of unfetched) console.log(`     ${String(b.provider)} ${String(b.bill_date)} bill ${String(b.status)} after ${String(b.attempts)} attempt(s): ${String(b.last_error ?? '')}`);
console.log(report.ok ? 'all invariants hold' : 'DIFFERENCES FOUND');
await database.close();
process.exit(report.ok ? 0 : 1);
