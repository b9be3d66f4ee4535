import { expect } from 'vitest';
import type { Problem } from '../../src/problem/types.js';
import { verifyPlan } from '../../src/problem/verify.js';
import { solve, type SolveOptions, type SolveResult } from '../../src/solve/solve.js';

/** solve(), and the independent verifier on what it returns (the test fails on a faulty plan). */
export function solveVerified(problem: Problem, options: SolveOptions = {}): SolveResult {
  const r = solve(problem, options);
  expect(verifyPlan(problem, r.offsets, r.peak).errors).toEqual([]);
  return r;
}
