// `npm run reconcile`: checks every ledger invariant against the business records and prints
// each difference. Exits 1 when anything is off.
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { reconcile } from '../src/jobs/reconcile.js';

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
console.log(report.ok ? 'all invariants hold' : 'DIFFERENCES FOUND');
await database.close();
process.exit(report.ok ? 0 : 1);
