import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'examples/**/test/**/*.test.{ts,js}'],
    // A real Prometheus: `npm run test:prometheus` (it installs Debian's package when missing; CI runs it).
    exclude: ['test/prometheus/**', '**/node_modules/**'],
    setupFiles: ['test/setup.ts'],
    // A fresh temp directory per run, checked empty at the end (no test may leave a folder or status file).
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 15_000,
    hookTimeout: 15_000,
    // Two cores on CI; spawn-heavy CLI tests do better with bounded parallelism.
    maxWorkers: 2,
  },
});
