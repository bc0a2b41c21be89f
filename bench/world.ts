// Set-based loading of benchmark worlds straight into the schema of src/db/migrations: a tree is
// given as (id, parent, depth) rows, sent in a few array parameters (unnest), and the database
// derives members, their five ledger accounts, bindings and the closure table (self-row distance 0)
// in single statements. Triggers and foreign-key checks are off for the loading session only
// (session_replication_role = replica); the data is consistent by construction, and
// reconciliation checks it afterwards.
import type pg from 'pg';
import { log } from './lib.js';

export const MEMBER_PURPOSES = ['commission_pending', 'commission_frozen', 'commission_available', 'payout_withdrawing', 'commission_debt'];

/** Sends a tree into temp table bench_tree(id, parent, depth). */
export async function sendTree(client: pg.Client, ids: Int32Array | number[], parents: Int32Array | number[], depths: Int32Array | number[]) {
  await client.query('drop table if exists bench_tree');
  await client.query('create temp table bench_tree (id bigint primary key, parent bigint, depth int not null)');
  const chunk = 200_000;
  for (let i = 0; i < ids.length; i += chunk) {
    const slice = (a: Int32Array | number[]) => Array.from(a.slice(i, i + chunk));
    await client.query(
      `insert into bench_tree (id, parent, depth) select id, nullif(parent, 0), depth from unnest($1::bigint[], $2::bigint[], $3::int[]) as u(id, parent, depth)`,
      [slice(ids), slice(parents), slice(depths)],
    );
  }
  await client.query('analyze bench_tree');
}

/**
 * Members, ledger accounts, bindings and closure rows for every row of bench_tree.
 * rebuildClosureIndexes drops the closure's two indexes during the load and builds them after.
 */
export async function loadTree(client: pg.Client, options: { rebuildClosureIndexes?: boolean } = {}) {
  await client.query('set session_replication_role = replica');
  let t = Date.now();
  await client.query(`
    insert into members (id, phone, password_hash, nickname, invite_code, distributor_status, distributor_since, created_at)
    select id, '1' || lpad(id::text, 10, '0'), 'bench-no-login', 'b' || id, 'B' || lpad(upper(to_hex(id)), 8, '0'), 'active', now(), now()
    from bench_tree`);
  await client.query(`select setval('members_id_seq', (select max(id) from members))`);
  log(`  members: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  t = Date.now();
  await client.query(
    `insert into ledger_accounts (owner_type, owner_id, purpose, allow_negative)
     select 'member', b.id, p.purpose, p.purpose = 'commission_debt' from bench_tree b cross join unnest($1::text[]) with ordinality as p(purpose, n) order by b.id, p.n`,
    [MEMBER_PURPOSES],
  );
  log(`  ledger accounts: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  t = Date.now();
  await client.query(`insert into referral_bindings (member_id, referrer_id, source, bound_at) select id, parent, 'bench', now() from bench_tree where parent is not null`);
  await client.query(`
    insert into referral_binding_history (member_id, old_referrer_id, new_referrer_id, source, created_at)
    select id, null, parent, 'bench', now() from bench_tree where parent is not null`);
  log(`  bindings: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  t = Date.now();
  if (options.rebuildClosureIndexes) {
    await client.query('alter table referral_closure drop constraint referral_closure_pkey');
    await client.query('drop index referral_closure_descendant_idx');
  }
  // every member's ancestors, walked up the parent links level by level (distance 0 = self)
  await client.query(`
    insert into referral_closure (ancestor_id, descendant_id, distance)
    with recursive up(anc, des, dist) as (
      select id, id, 0 from bench_tree
      union all
      select b.parent, up.des, up.dist + 1 from up join bench_tree b on b.id = up.anc where b.parent is not null)
    select anc, des, dist from up`);
  log(`  closure rows: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  if (options.rebuildClosureIndexes) {
    t = Date.now();
    await client.query('alter table referral_closure add primary key (ancestor_id, descendant_id)');
    await client.query('create index referral_closure_descendant_idx on referral_closure (descendant_id, distance)');
    log(`  closure indexes: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  await client.query('set session_replication_role = origin');
}

/** A product with `skuCount` SKUs (split into products of 50), plenty of stock; returns the SKU ids. */
export async function loadSkus(client: pg.Client, skuCount: number, priceFen: (i: number) => number): Promise<number[]> {
  const ids: number[] = [];
  for (let p = 0; p * 50 < skuCount; p++) {
    const product = await client.query(`insert into products (title, category) values ($1, 'bench') returning id`, [`压测商品 ${p + 1}`]);
    const n = Math.min(50, skuCount - p * 50);
    const prices = Array.from({ length: n }, (_, i) => priceFen(p * 50 + i));
    const rows = await client.query(
      `insert into product_skus (product_id, name, price_fen, stock) select $1, '规格' || n, price, 10000000 from unnest($2::bigint[]) with ordinality as u(price, n) returning id`,
      [product.rows[0].id, prices],
    );
    ids.push(...rows.rows.map((r) => Number(r.id)));
  }
  return ids;
}

/**
 * A power-law tree: each new member attaches to an existing one with probability proportional to
 * (1 + its children) — preferential attachment, so fan-out follows a power law — never deeper than
 * maxDepth. The deepest branch is then extended to exactly maxDepth so the deepest case is measured.
 * Ids are 1..n; parent 0 = none.
 */
export function powerLawTree(n: number, maxDepth: number, seed = 42): { parents: Int32Array; depths: Int32Array } {
  let state = seed >>> 0;
  const rand = () => {
    // xorshift32
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4_294_967_296;
  };
  const parents = new Int32Array(n + 1);
  const depths = new Int32Array(n + 1);
  const extend = Math.min(maxDepth, Math.max(0, n - 2));
  const grown = n - extend;
  const targets = new Int32Array(2 * n + 2);
  let tlen = 0;
  targets[tlen++] = 1;
  for (let id = 2; id <= grown; id++) {
    let parent = 1;
    for (let attempt = 0; attempt < 8; attempt++) {
      const candidate = targets[Math.floor(rand() * tlen)];
      if (depths[candidate] < maxDepth) {
        parent = candidate;
        break;
      }
    }
    parents[id] = parent;
    depths[id] = depths[parent] + 1;
    targets[tlen++] = id;
    targets[tlen++] = parent;
  }
  let deepest = 1;
  for (let id = 1; id <= grown; id++) if (depths[id] > depths[deepest]) deepest = id;
  for (let id = grown + 1; id <= n; id++) {
    if (depths[deepest] >= maxDepth) {
      parents[id] = 1;
      depths[id] = 1;
      continue;
    }
    parents[id] = deepest;
    depths[id] = depths[deepest] + 1;
    deepest = id;
  }
  return { parents, depths };
}

/** Subtree sizes (descendants, excluding self) of a tree whose parents always have smaller ids. */
export function descendantCounts(parents: Int32Array): Int32Array {
  const counts = new Int32Array(parents.length);
  for (let id = parents.length - 1; id >= 2; id--) {
    const p = parents[id];
    if (p > 0) counts[p] += counts[id] + 1;
  }
  return counts;
}

/** The team roll-up for a tree and sales loaded by bulk SQL (the services keep it as they go). */
export async function rebuildTeamTotals(client: pg.Client): Promise<void> {
  await client.query('truncate referral_team_totals, referral_team_deltas');
  await client.query(`
    insert into referral_team_totals (member_id, team_size, direct_count, team_sales_fen, max_depth)
    select c.ancestor_id, count(*), count(*) filter (where c.distance = 1), coalesce(sum(s.paid_fen - s.refunded_fen), 0), max(c.distance)
    from referral_closure c left join referral_member_sales s on s.member_id = c.descendant_id
    where c.distance > 0
    group by c.ancestor_id`);
}
