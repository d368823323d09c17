import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end suites spawn the built CLI; give them room on a 2-core CI machine.
    testTimeout: 30_000,
    pool: 'forks',
    globalSetup: ['test/global-tmp.ts'],
  },
});
