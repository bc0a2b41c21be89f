import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // each fork keeps its module cache from file to file: the app's module graph (about 4 s to load)
    // and PGlite's WebAssembly are loaded once per fork, not once per file. Every suite still starts
    // its own app on its own database (test/support/harness.ts).
    isolate: false,
  },
});
