import { describe, expect, it, vi } from 'vitest';
import type { Problem } from '../../src/problem/types.js';

vi.mock('../../src/problem/validate.js', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../src/problem/validate.js')>();
  return { ...m, validateProblem: vi.fn(m.validateProblem) };
});

const { validateProblem } = await import('../../src/problem/validate.js');
const { solve } = await import('../../src/solve/solve.js');
const { splitInTime } = await import('../../src/solve/decompose.js');

/** How many times solve() validated `problem` itself (the parts it splits into are problems of their own). */
function validations(problem: Problem, method: 'auto' | 'heuristic', validated?: boolean): number {
  vi.mocked(validateProblem).mockClear();
  solve(problem, { method, maxNodes: 1000, ...(validated !== undefined ? { validated } : {}) });
  return vi.mocked(validateProblem).mock.calls.filter(([p]) => p === problem).length;
}

describe('solve() validates a problem once', () => {
  // Two parts in time (no buffer crosses step 2); what is counted is validation, whichever part a solve reaches.
  const split: Problem = {
    buffers: [
      { id: 'a', size: 3, start: 0, end: 1 },
      { id: 'b', size: 2, start: 0, end: 2 },
      { id: 'c', size: 2, start: 1, end: 2 },
      { id: 'd', size: 3, start: 2, end: 3 },
      { id: 'e', size: 2, start: 2, end: 4 },
      { id: 'f', size: 2, start: 3, end: 4 },
    ],
  };

  it('when it splits the problem in time (the report rows solve the whole problem again)', () => {
    expect(splitInTime(split).length).toBe(2);
    expect(validations(split, 'auto')).toBe(1);
  });

  it('when it solves it as one piece', () => {
    expect(validations(split, 'heuristic')).toBe(1);
    expect(validations({ buffers: [{ id: 'a', size: 4, start: 0, end: 2 }] }, 'auto')).toBe(1);
  });

  it('not at all when the caller did (validated: the CLI), its capacity still checked', () => {
    expect(validations(split, 'auto', true)).toBe(0);
    expect(validations(split, 'heuristic', true)).toBe(0);
    expect(validations(split, 'heuristic', false)).toBe(1);
    expect(() => solve({ ...split, capacity: -4 }, { method: 'heuristic', validated: true })).toThrow(/capacity must be a positive/);
  });

  it('and still refuses a bad problem', () => {
    expect(() => solve({ buffers: [{ id: 'a', size: 0, start: 0, end: 1 }] })).toThrow(/size/);
  });
});
