import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TestModule } from 'vitest/node';
import SummaryReporter from './summary-reporter.js';

/** A stand-in for vitest's TestModule: the parts the reporter reads. */
function fakeModule(id: string, state: string, tests: string[], errors = 0): TestModule {
  return {
    relativeModuleId: id,
    state: () => state,
    errors: () => Array.from({ length: errors }, () => ({ message: 'boom' })),
    children: { allTests: () => tests.map((s) => ({ result: () => ({ state: s }) }))[Symbol.iterator]() },
  } as unknown as TestModule;
}

function summary(modules: TestModule[], unhandled = 0): string {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  try {
    new SummaryReporter().onTestRunEnd(modules, Array.from({ length: unhandled }, () => ({ message: 'late' })));
  } finally {
    spy.mockRestore();
  }
  return out.trim();
}

describe('the summary line', () => {
  afterEach(() => vi.restoreAllMocks());

  it('counts tests', () => {
    expect(summary([fakeModule('a.test.ts', 'passed', ['passed', 'failed', 'skipped', 'passed'])])).toBe('tests: 2 passed, 1 failed, 1 skipped');
  });

  it('counts a file that failed to load, or failed in a hook with its tests passed, and unhandled errors: never "0 failed"', () => {
    const line = summary(
      [fakeModule('ok.test.ts', 'passed', ['passed']), fakeModule('load.test.ts', 'failed', [], 1), fakeModule('hook.test.ts', 'failed', ['passed'])],
      1,
    );
    expect(line).toMatch(/^tests: 2 passed, 3 failed, 0 skipped \(2 test file\(s\) failed outside any test: load\.test\.ts, hook\.test\.ts; 1 unhandled error\(s\)\)$/);
  });

  it('a file whose failures are its failed tests is not counted twice', () => {
    expect(summary([fakeModule('f.test.ts', 'failed', ['failed', 'passed'])])).toBe('tests: 1 passed, 1 failed, 0 skipped');
  });
});
