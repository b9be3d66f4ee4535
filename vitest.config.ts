import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    testTimeout: 60_000,
    // vitest's default is one file at a time on 2 cores (cores - 1), but many files spend much of their
    // time waiting on a child process (the built CLI, TFLM in Python, Chromium) while the other core
    // idles: at least 2 files run at once. Files stay isolated (a process each: vi.mock is used).
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
