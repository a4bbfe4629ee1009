import { defineConfig } from 'vitest/config';

/** The real-Prometheus tests: run by `npm run test:prometheus` (which installs Debian's prometheus when missing). */
export default defineConfig({
  test: {
    include: ['test/prometheus/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 90_000,
    fileParallelism: false,
  },
});
