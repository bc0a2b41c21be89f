// Idempotent creates that race: two requests with the same key may both miss the lookup and both
// insert; the unique index lets one win. The loser must answer with the winner's record, not 409.

export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: string; constraint?: string };
  return e?.code === '23505' && e.constraint === constraint;
}

/** Runs create(); when it loses a race on `constraint`, answers with findExisting() instead. */
export async function createOnce<T>(constraint: string, create: () => Promise<T>, findExisting: () => Promise<T | undefined>): Promise<T> {
  try {
    return await create();
  } catch (error) {
    if (!isUniqueViolation(error, constraint)) throw error;
    const existing = await findExisting();
    if (existing === undefined) throw error;
    return existing;
  }
}
