// End-to-end suite: the real server in-process, the built web apps, Debian's Chromium.
// Run: npx vitest run --config test/e2e/vitest.config.ts
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // a screen polled for what it shows: vitest's 1 s default is shorter than a first load of a
    // console screen (its strings chunk, then its data) with two files running at once; as long as
    // playwright's own waits (15 s, world.ts)
    expect: { poll: { timeout: 15_000 } },
    globalSetup: ['test/e2e/global-setup.ts'],
    pool: 'forks',
    // two files at a time: each file starts its own world (server, in-memory database, browser) on
    // its own port, so two forks share nothing but the built web apps (built once, above) and the
    // screenshot folder (each file writes its own names)
    maxWorkers: 2,
    // the fork keeps its module cache from file to file (the app and PGlite load once)
    isolate: false,
  },
});
