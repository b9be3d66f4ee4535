import { describe, expect, it } from 'vitest';
import { verifyPlan } from '../../src/problem/verify.js';
import { MAX_SEED, solve } from '../../src/solve/solve.js';
import { randomProblem } from '../helpers/problems.js';

describe('solve(): the seed is checked as the CLI checks --seed (0..2^32-1)', () => {
  const problem = randomProblem(40, 3);

  it('refuses a seed that is not an integer from 0 to 2^32-1 with a RangeError naming it', () => {
    // 2^32 was cut to 32 bits (seed 0's plan); 1.5, -1 and NaN were turned into other seeds.
    for (const seed of [2 ** 32, 1.5, -1, NaN, Infinity, 2 ** 53]) {
      expect(() => solve(problem, { method: 'local-search', seed })).toThrow(RangeError);
      expect(() => solve(problem, { method: 'local-search', seed })).toThrow(`not ${String(seed)}`);
    }
    // From JavaScript, where nothing checks the type: a string is refused too, shown quoted.
    expect(() => solve(problem, { seed: '7' as unknown as number })).toThrow(/seed must be an integer from 0 to 4294967295 .*not "7"/);
  });

  it('takes both ends of the range, and no seed at all (1), each giving a verified plan', () => {
    for (const seed of [0, 1, MAX_SEED, undefined]) {
      const r = solve(problem, { method: 'local-search', iterations: 2000, ...(seed !== undefined ? { seed } : {}) });
      expect(verifyPlan(problem, r.offsets, r.peak).errors).toEqual([]);
    }
    const dflt = solve(problem, { method: 'local-search', iterations: 2000 });
    const one = solve(problem, { method: 'local-search', iterations: 2000, seed: 1 });
    expect(dflt.offsets).toEqual(one.offsets);
  });
});
