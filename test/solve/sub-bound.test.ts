import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lowerBound } from '../../src/problem/bounds.js';
import type { Problem } from '../../src/problem/types.js';
import { certifyLowerBound } from '../../src/solve/certify.js';
import { solve } from '../../src/solve/solve.js';
import { subInstanceBound } from '../../src/solve/sub-bound.js';
import { bruteForceMinPeak } from '../helpers/brute-force.js';
import { arbProblem } from '../helpers/problems.js';

/**
 * Three 1-byte buffers live together at step 0, two of them aligned to 4: live bound 3, but the two
 * aligned ones sit 4 bytes apart, so the optimum is 5 (0, 1, 4). Two more buffers later in time (live
 * 2 at most) keep the window of step 0 a proper subset of the problem.
 */
const MIXED: Problem = {
  buffers: [
    { id: 'a', size: 1, start: 0, end: 1, align: 4 },
    { id: 'b', size: 1, start: 0, end: 1, align: 4 },
    { id: 'c', size: 1, start: 0, end: 1 },
    { id: 'd', size: 1, start: 2, end: 4 },
    { id: 'e', size: 1, start: 3, end: 5 },
  ],
};

/** The buffers of `p` live anywhere in steps [from, to), as subInstanceBound builds a window. */
function windowOf(p: Problem, from: number, to: number): Problem {
  return { buffers: p.buffers.filter((b) => b.start < to && b.end > from) };
}

describe('subInstanceBound', () => {
  it('proves the optimum of the window at the heaviest step: strictly above the live bound, equal to brute force', () => {
    expect(lowerBound(MIXED)).toBe(3);
    expect(bruteForceMinPeak(MIXED)).toBe(5);
    const s = subInstanceBound(MIXED);
    expect(s.bound).toBe(5);
    expect(s.raised).toBe(true);
    expect(s.window).toMatchObject({ from: 0, to: 1, buffers: 3, outcome: 'optimum', peak: 5 });
    expect(s.proof).toBe('sub-instance: the 3 buffers live in steps [0, 1) have no plan with peak < 5');
    // The whole problem is never a window: the exact search of the whole is certifyLowerBound's job.
    expect(s.windows.every((w) => w.buffers < MIXED.buffers.length)).toBe(true);
  });

  it('is a lower bound never below the cheap bounds; each window proven is the brute-force optimum of its buffers, each met one packs within the bound', () => {
    let raised = 0;
    let windows = 0;
    fc.assert(
      fc.property(arbProblem({ maxBuffers: 8, maxSize: 200 }), (problem) => {
        const opt = bruteForceMinPeak(problem);
        const s = subInstanceBound(problem);
        expect(s.bound).toBeLessThanOrEqual(opt);
        expect(s.bound).toBeGreaterThanOrEqual(lowerBound(problem));
        for (const w of s.windows) {
          if (w.outcome === 'optimum') expect(w.peak).toBe(bruteForceMinPeak(windowOf(problem, w.from, w.to)));
          if (w.outcome === 'above bound') expect(w.peak).toBeLessThanOrEqual(bruteForceMinPeak(windowOf(problem, w.from, w.to)));
          if (w.outcome === 'meets bound') expect(bruteForceMinPeak(windowOf(problem, w.from, w.to))).toBeLessThanOrEqual(s.bound);
          if (w.outcome === 'optimum') windows++;
        }
        if (s.raised) {
          expect(s.bound).toBeGreaterThan(lowerBound(problem));
          raised++;
        }
      }),
      { numRuns: 300, seed: 15 },
    );
    // The property must have met windows that prove something, and bounds they raise.
    expect(windows).toBeGreaterThan(10);
    expect(raised).toBeGreaterThan(0);
  });

  it('is deterministic, and keeps to its budgets: a stop at once leaves the cheap bound, unsearched', () => {
    const p: Problem = {
      buffers: Array.from({ length: 40 }, (_, i) => ({ id: `b${i}`, size: 8 + ((i * 37) % 50), start: (i * 7) % 30, end: ((i * 7) % 30) + 1 + (i % 6), ...(i % 3 === 0 ? { align: 16 } : {}) })),
    };
    const one = subInstanceBound(p, { maxNodesPerWindow: 2000, maxNodes: 10_000 });
    expect(subInstanceBound(p, { maxNodesPerWindow: 2000, maxNodes: 10_000 })).toEqual(one);
    expect(one.nodes).toBeLessThanOrEqual(10_000);
    for (const w of one.windows) expect(w.nodes).toBeLessThanOrEqual(2000);
    const stopped = subInstanceBound(p, { stop: () => true });
    expect(stopped).toMatchObject({ bound: lowerBound(p), raised: false, windows: [], nodes: 0 });
  });

  it('starts from a given bound and stops at a known plan; leaves problems with aliases alone', () => {
    const met = subInstanceBound(MIXED, { upper: 3 });
    expect(met.windows).toEqual([]);
    const given = subInstanceBound(MIXED, { from: 5 });
    expect(given).toMatchObject({ bound: 5, raised: false, proof: 'given bound' });
    const tied = subInstanceBound({ buffers: [{ id: 'a', size: 8, start: 0, end: 2 }, { id: 'v', size: 4, start: 0, end: 2, aliasOf: 'a' }] });
    expect(tied).toMatchObject({ raised: false, windows: [] });
  });
});

describe('the sub-instance bound in certifyLowerBound and solve()', () => {
  const frozen = (): number => 0;

  it('certifyLowerBound starts from it: the optimum is proven without a probe', () => {
    const c = certifyLowerBound(MIXED, { clock: frozen, maxWorkPerProbe: 1e6 });
    expect(c).toMatchObject({ bound: 5, best: 5, optimal: true, bySubInstance: true, bySearch: false, probes: [] });
    expect(c.proof).toMatch(/^sub-instance: /);
    const without = certifyLowerBound(MIXED, { clock: frozen, maxWorkPerProbe: 1e6, subInstances: false });
    expect(without).toMatchObject({ bound: 5, bySubInstance: false, bySearch: true });
    expect(without.subInstance).toBeUndefined();
  });

  it('solve() raises its bound with it only when asked (subInstanceBound: true)', () => {
    const plain = solve(MIXED, { method: 'heuristic' });
    expect(plain).toMatchObject({ peak: 5, bound: 3, status: 'feasible' });
    const asked = solve(MIXED, { method: 'heuristic', subInstanceBound: true });
    expect(asked).toMatchObject({ peak: 5, bound: 5, status: 'optimal', gap: 0 });
    expect(asked.proof).toMatch(/^sub-instance: the 3 buffers live in steps \[0, 1\)/);
  });
});
