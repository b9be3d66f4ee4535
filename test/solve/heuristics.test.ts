import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { liveBound } from '../../src/problem/bounds.js';
import type { Buffer, Problem } from '../../src/problem/types.js';
import { verifyPlan } from '../../src/problem/verify.js';
import { ASSIGN_METHODS, PLACE_METHODS, type MethodName } from '../../src/solve/methods.js';
import { greedySizeReference } from '../../src/solve/reference/greedy-size.js';
import { solve } from '../../src/solve/solve.js';
import { bruteForceMinPeak } from '../helpers/brute-force.js';
import { arbProblem, rng } from '../helpers/problems.js';

const ALL: MethodName[] = [...PLACE_METHODS, ...ASSIGN_METHODS];
const quick = { iterations: 500, timeLimitMs: 60_000 };

function expectValid(problem: Problem, offsets: number[], peak: number): void {
  const v = verifyPlan(problem, offsets, peak);
  expect(v.errors).toEqual([]);
}

describe('every method on random problems', () => {
  it('gives a valid plan, never below the live bound, the same twice', () => {
    fc.assert(
      fc.property(arbProblem(), (problem) => {
        const lb = liveBound(problem);
        for (const method of ALL) {
          const a = solve(problem, { method, ...quick });
          expectValid(problem, a.offsets, a.peak);
          expect(a.peak).toBeGreaterThanOrEqual(lb);
          const b = solve(structuredClone(problem), { method, ...quick });
          expect(b.offsets).toEqual(a.offsets);
        }
      }),
      { numRuns: 150, seed: 20261123 },
    );
  });

  it('auto keeps the lowest peak of the methods it ran and labels it honestly', () => {
    fc.assert(
      fc.property(arbProblem(), (problem) => {
        const r = solve(problem, quick);
        expectValid(problem, r.offsets, r.peak);
        expect(r.peak).toBe(Math.min(...r.methods.map((m) => m.peak).filter(Number.isFinite)));
        expect(r.status).toBe(r.peak === r.bound ? 'optimal' : 'feasible');
        // auto searches until the plan is proven optimal (these are small): nothing is left open.
        expect(r.status).toBe('optimal');
        expect(r.bound).toBeGreaterThanOrEqual(r.liveBound);
      }),
      { numRuns: 100, seed: 7 },
    );
  });

  it('handles sizes up to 2^40 exactly, without 32-bit truncation', () => {
    const big = 2 ** 40 - 3;
    const p: Problem = {
      buffers: [
        { id: 'a', size: big, start: 0, end: 2 },
        { id: 'b', size: big, start: 1, end: 3 },
        { id: 'c', size: 5, start: 0, end: 3, align: 8 },
      ],
    };
    for (const method of ALL) {
      const r = solve(p, { method, ...quick });
      expectValid(p, r.offsets, r.peak);
      expect(r.peak).toBeGreaterThan(2 * big);
    }
  });
});

describe('the plain-TypeScript greedy-size reference', () => {
  it('gives exactly the WASM kernel plan', () => {
    fc.assert(
      fc.property(arbProblem({ maxBuffers: 40 }), (problem) => {
        const wasm = solve(problem, { method: 'greedy-size' });
        const ts = greedySizeReference(problem);
        expect(wasm.offsets).toEqual(ts.offsets);
        expect(wasm.peak).toBe(ts.peak);
      }),
      { numRuns: 200, seed: 42 },
    );
  });
});

describe('against the brute-force optimum (<= 7 buffers)', () => {
  it('no heuristic beats it, and how often each one matches it', () => {
    const matches = new Map<string, number>();
    const cases = 300;
    fc.assert(
      fc.property(arbProblem({ maxBuffers: 7, maxSize: 200 }), (problem) => {
        const opt = bruteForceMinPeak(problem);
        for (const method of ALL) {
          const r = solve(problem, { method, iterations: 2000 });
          expect(r.peak).toBeGreaterThanOrEqual(opt);
          if (r.peak === opt) matches.set(method, (matches.get(method) ?? 0) + 1);
        }
        const auto = solve(problem, { iterations: 2000 });
        expect(auto.peak).toBeGreaterThanOrEqual(opt);
        if (auto.peak === opt) matches.set('auto', (matches.get('auto') ?? 0) + 1);
      }),
      { numRuns: cases, seed: 1234 },
    );
    const table = [...ALL, 'auto'].map((m) => `${m}: ${(((matches.get(m) ?? 0) / cases) * 100).toFixed(0)}%`);
    console.log(`matches the brute-force optimum on ${cases} problems of <= 7 buffers: ${table.join(', ')}`);
    // Measured with this seed: auto 100%, local-search 100%, greedy-size 88%. Floors below those.
    expect(matches.get('auto') ?? 0).toBeGreaterThanOrEqual(cases * 0.97);
    expect(matches.get('greedy-size') ?? 0).toBeGreaterThanOrEqual(cases * 0.8);
  });
});

describe('statuses', () => {
  const p: Problem = {
    buffers: [
      { id: 'a', size: 10, start: 0, end: 2 },
      { id: 'b', size: 10, start: 1, end: 3 },
    ],
  };
  it('optimal at the live bound, infeasible when the live bytes exceed the capacity', () => {
    expect(solve(p).status).toBe('optimal');
    const fits = solve({ ...p, capacity: 20 });
    expect(fits.fits).toBe(true);
    const over = solve({ ...p, capacity: 19 });
    expect(over.status).toBe('infeasible');
    expect(over.fits).toBe(false);
  });
  it('unknown when no plan fits though none is proven impossible', () => {
    // naive alone needs 30 bytes; the live bound is 20.
    const q: Problem = { buffers: [...p.buffers, { id: 'c', size: 10, start: 2, end: 4 }], capacity: 25 };
    const r = solve(q, { method: 'naive' });
    expect(r.peak).toBe(30);
    expect(r.status).toBe('unknown');
  });
  it('empty problems plan to nothing', () => {
    const r = solve({ buffers: [] });
    expect(r.peak).toBe(0);
    expect(r.status).toBe('optimal');
  });
});

describe('larger random problems', () => {
  it('every method valid on 2000 buffers with alignment and fixed offsets', () => {
    const r = rng(99);
    const buffers: Buffer[] = Array.from({ length: 2000 }, (_, i) => {
      const start = Math.floor(r() * 3000);
      return {
        id: String(i),
        size: 1 + Math.floor(r() ** 3 * 100000),
        start,
        end: start + 1 + Math.floor(r() * 60),
        align: 2 ** Math.floor(r() * 7),
      };
    });
    buffers[0] = { ...buffers[0]!, offset: 0, align: 1 };
    const p: Problem = { buffers };
    for (const method of ALL) {
      const res = solve(p, { method, iterations: 300 });
      expectValid(p, res.offsets, res.peak);
    }
  });
});
