import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'common/**/*.test.ts',
      'docs/**/*.test.ts',
      'e2e/**/*.test.ts',
      'main/**/*.test.ts',
      'measure/**/*.test.ts',
      'migrations/**/*.test.ts',
      'preload/**/*.test.ts',
      'renderer/**/*.test.ts',
      'scripts/**/*.test.ts',
      'security/**/*.test.ts',
      '*.test.ts',
    ],
    // Real SQLite files, worker threads and child processes: give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
