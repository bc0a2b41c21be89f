// The house rules, read from the source (test/support/boundaries.ts): a module alone writes its tables,
// other code imports a module only through its face (index.ts), and a module reads another's tables
// only where this file says so. `npx tsx test/support/boundaries.ts` prints what the scanner sees.
import { describe, expect, it } from 'vitest';
import {
  crossReads,
  crossWrites,
  internalImports,
  moduleImports,
  SHARED_SCHEMA,
  sourceFiles,
  tableOwners,
  tableUses,
  type SourceFile,
} from '../support/boundaries.js';

/** Read models: they exist to read everyone's tables (dashboards, value analytics, statements, reconciliation) — and the demo seed. */
const READ_MODELS = new Set(['analytics', 'insights', 'statements', 'jobs', 'demo']);

/** Tables any module may read, to show who or what a row is about. */
const REFERENCE_TABLES: Record<string, string> = {
  members: "a member's nickname, phone and status, to show who a row is about",
  products: "a product's title and image, to show what a row is about",
  product_skus: "a SKU's name and price, to show what a row is about",
};

/**
 * Every other cross-module read, as reader → tables. Each is debt the owner's face should answer
 * (a read function taking the caller's transaction); the list may only shrink: a pair that no longer
 * occurs fails until it is removed here.
 */
const CROSS_READS: Record<string, string[]> = {
  agents: ['commission_earnings', 'order_lines', 'orders', 'referral_closure', 'stores'],
  commission: ['ledger_accounts', 'ledger_transfers', 'orders'],
  contests: ['commission_earnings', 'order_lines', 'orders', 'points_transactions', 'referral_binding_history', 'refund_lines', 'refunds'],
  dealers: ['commission_earnings', 'order_lines', 'orders'],
  growth: ['commission_earnings', 'distributor_tiers', 'ledger_transfers', 'order_lines', 'orders', 'referral_binding_history', 'referral_bindings', 'referral_closure', 'referral_member_sales'],
  orders: ['rule_versions'],
  payments: ['orders', 'refunds'],
  payouts: ['member_wechat_identities'],
  promotions: ['commission_earnings', 'orders'],
  // the risk rules judge earnings against their orders and refunds; the sweep reads new withdrawals' payout accounts
  risk: ['commission_earnings', 'orders', 'payouts', 'refunds'],
  stores: ['orders', 'pickup_codes'],
  suppliers: ['commission_earnings', 'order_lines', 'orders'],
};

const files = sourceFiles();
const owners = tableOwners(files);
const uses = tableUses(files, owners);

function where(list: Array<{ file: string; line: number }>): string[] {
  return list.map((u) => `${u.file}:${u.line}`);
}

describe('module boundaries', () => {
  it('every table belongs to the module that declares it in its tables.ts; db/schema.ts declares none', () => {
    const shared = [...owners].filter(([, owner]) => owner === SHARED_SCHEMA).map(([table]) => table);
    expect(shared).toEqual([]);
    // the scanner did find the tables (a broken pattern would pass the rest vacuously)
    expect(owners.get('orders')).toBe('orders');
    expect(owners.get('ledger_transfers')).toBe('ledger');
    expect(owners.size).toBeGreaterThan(90);
  });

  it('only the owning module writes a table', () => {
    const wrong = crossWrites(uses, owners).map((u) => `${u.module} writes ${u.table} (${owners.get(u.table)}'s) at ${u.file}:${u.line}`);
    expect(wrong).toEqual([]);
  });

  it("other code imports a module through its face (index.ts), never its internals", () => {
    const wrong = internalImports(moduleImports(files)).map((i) => `${i.file}:${i.line} imports ${i.target}`);
    expect(wrong).toEqual([]);
  });

  it('a module reads another module’s tables only as listed here, and the list holds no pair that is gone', () => {
    const pairs = crossReads(uses, owners);
    const unlisted: string[] = [];
    const seen = new Set<string>();
    for (const [key, list] of pairs) {
      const { module, table } = list[0];
      if (READ_MODELS.has(module) || table in REFERENCE_TABLES) continue;
      if (CROSS_READS[module]?.includes(table)) {
        seen.add(`${module} → ${table}`);
        continue;
      }
      unlisted.push(`${key}: ${where(list).join(', ')}`);
    }
    expect(unlisted).toEqual([]);
    const stale = Object.entries(CROSS_READS).flatMap(([module, tables]) => tables.map((t) => `${module} → ${t}`)).filter((k) => !seen.has(k));
    expect(stale).toEqual([]);
  });
});

describe('the scanner finds what the rules forbid (planted violations)', () => {
  const planted = (rel: string, text: string): SourceFile => ({ rel, owner: rel.split('/')[2], text });

  it('a write to another module’s table, through Kysely or raw SQL', () => {
    const fake = [
      planted('src/modules/loyalty/planted.ts', "await tx.updateTable('orders').set({ status: 'paid' }).execute();"),
      planted('src/modules/growth/planted.ts', 'await sql`insert into ledger_transfers (amount_fen) values (1)`.execute(tx);'),
      planted('src/modules/orders/planted.ts', "await tx.insertInto('orders').values(row).execute(); // orders may write its own"),
    ];
    const found = crossWrites(tableUses(fake, owners), owners).map((u) => `${u.module} → ${u.table}`);
    expect(found).toEqual(['loyalty → orders', 'growth → ledger_transfers']);
  });

  it('a read of another module’s table, and a table named only in a comment is not one', () => {
    const fake = [
      planted('src/modules/loyalty/planted.ts', "// select from orders\nconst r = await ex.selectFrom('payouts').selectAll().execute();\nawait sql`select 1 from refunds r join orders o on o.id = r.order_id`.execute(ex);"),
    ];
    expect([...crossReads(tableUses(fake, owners), owners).keys()]).toEqual(['loyalty → payouts', 'loyalty → refunds', 'loyalty → orders']);
  });

  it('an import of another module’s internals, but not of its face or by db/schema.ts of tables.ts', () => {
    const fake = [
      planted('src/modules/loyalty/planted.ts', "import { OrdersService } from '../orders/service.js';\nimport type { PaidOrder } from '../orders/index.js';"),
      { rel: 'src/http/routes/planted.ts', owner: 'http', text: "import { planRegionalAwards } from '../../modules/agents/differential.js';" },
      { rel: 'src/db/schema.ts', owner: 'db', text: "import type { OrdersTables } from '../modules/orders/tables.js';" },
    ];
    expect(internalImports(moduleImports(fake)).map((i) => `${i.file} → ${i.target}`)).toEqual([
      'src/modules/loyalty/planted.ts → src/modules/orders/service.ts',
      'src/http/routes/planted.ts → src/modules/agents/differential.ts',
    ]);
  });
});
