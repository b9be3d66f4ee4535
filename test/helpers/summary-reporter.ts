import type { SerializedError } from 'vitest';
import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends the run with a plain `tests: N passed, N failed, N skipped` line that any CI can read. `failed`
 * counts failed tests plus every test file that failed without a failed test to show for it (it did
 * not load, threw while collecting, or a hook such as afterAll failed) plus errors vitest caught
 * outside any test, so a run with a broken file never reads "0 failed". Failed files are named below.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError> = []): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const brokenFiles: string[] = [];
    for (const m of modules) {
      let failedHere = 0;
      for (const t of m.children.allTests()) {
        const s = t.result().state;
        if (s === 'passed') passed++;
        else if (s === 'failed') failedHere++;
        else skipped++;
      }
      failed += failedHere;
      if (failedHere === 0 && (m.state() === 'failed' || m.errors().length > 0)) brokenFiles.push(m.relativeModuleId);
    }
    failed += brokenFiles.length + unhandledErrors.length;
    const notes = [
      ...(brokenFiles.length > 0 ? [`${brokenFiles.length} test file(s) failed outside any test: ${brokenFiles.join(', ')}`] : []),
      ...(unhandledErrors.length > 0 ? [`${unhandledErrors.length} unhandled error(s)`] : []),
    ];
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped${notes.length > 0 ? ` (${notes.join('; ')})` : ''}\n`);
  }
}
