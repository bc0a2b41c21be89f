// Keyset pagination for reads too large to hold at once (the console's exports): each page is one
// query for the rows past the last key seen (`where id > last order by id limit n`, or `<` going
// down). No cursor or transaction is held between pages, so it works alike on PGlite and PostgreSQL,
// through a transaction-mode pooler, and never pins the ledger's fold horizon (a long transaction
// would: ledger/service.ts foldCheckpoints). Pages are not one snapshot: a row changed meanwhile is
// read as it is when its page is read.

/** rows per page of an export: one query each; small enough that a page is never much memory */
export const EXPORT_BATCH_ROWS = 2_000;

/**
 * Pages of `size` rows: `page(after)` reads the rows after the key `after` (undefined: from the
 * start) in key order, at most `size`; a shorter page is the last one. Empty pages are not yielded.
 */
export async function* keysetPages<T, K>(page: (after: K | undefined) => Promise<T[]>, keyOf: (row: T) => K, size = EXPORT_BATCH_ROWS): AsyncGenerator<T[], void, undefined> {
  let after: K | undefined;
  for (;;) {
    let rows: T[] | null = await page(after);
    const full = rows.length === size;
    if (full) after = keyOf(rows[rows.length - 1]!);
    if (rows.length > 0) yield rows;
    // not held while the next page is read: one page in memory at a time
    rows = null;
    if (!full) return;
    // let the event loop through between pages: PGlite answers in this thread, and while the socket
    // takes every byte at once nothing else would wait, so a long read would hold up other requests
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
