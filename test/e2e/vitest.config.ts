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
    pool: 'forks',
    // one fork, one file at a time: the suite shares one server and one browser
    maxWorkers: 1,
    fileParallelism: false,
    // the fork keeps its module cache from file to file (the app and PGlite load once); each file
    // still starts its own world (server, database, browser) and stops it
    isolate: false,
  },
});
