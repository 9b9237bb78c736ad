import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.{ts,tsx}'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: a fresh PGlite per file is memory- and CPU-heavy, keep the pool small.
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
  },
});
