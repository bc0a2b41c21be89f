// Model-based: random sequences of money events through the HTTP API, checked after every step
// against a reference model and the ledger's reconciliation. PGlite always; PostgreSQL too when
// TEST_DATABASE_URL is set. REL_MODEL_RUNS / REL_MODEL_STEPS / REL_MODEL_SEED tune it.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase, startTestApp, type TestApp } from '../support/harness.js';
import { emptyStats, MODEL_RULES, opArbitrary, type Op, runSequence, setupModelEnv, type ModelEnv } from '../support/ledger-model.js';

const RUNS = Number(process.env.REL_MODEL_RUNS ?? 12);
const MAX_STEPS = Number(process.env.REL_MODEL_STEPS ?? 40);
const PAID_OPENING: Op[] = [
  { t: 'checkout', buyer: 0, items: [{ sku: 0, qty: 1 }] },
  { t: 'deliver', order: 0, attempt: 0, variant: 'first' },
];

describeEachDatabase('model: the ledger equals a reference model after every step', (kind) => {
  let app: TestApp;
  let env: ModelEnv;

  beforeAll(async () => {
    app = await startTestApp(kind, { rules: MODEL_RULES });
    env = await setupModelEnv(app);
  });
  afterAll(async () => app?.close());

  it('random orders, callbacks, refunds, completions, unfreezes, withdrawals and adjustments', async () => {
    const stats = emptyStats();
    await fc.assert(
      // each sequence opens with one order paid, so every run reaches the states that move money
      fc.asyncProperty(fc.array(opArbitrary, { minLength: 5, maxLength: MAX_STEPS }).map((ops) => [...PAID_OPENING, ...ops]), async (ops) => {
        await runSequence(env, ops, stats);
      }),
      { numRuns: RUNS, seed: process.env.REL_MODEL_SEED ? Number(process.env.REL_MODEL_SEED) : undefined, endOnFailure: true },
    );
    if (process.env.REL_VERBOSE) console.log(kind, stats);
    // the sequences did reach the interesting states
    expect(stats.paidOrders).toBeGreaterThan(0);
    expect(stats.fenDifference).toBe(0);
  });
});
