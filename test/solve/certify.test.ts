import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lowerBound } from '../../src/problem/bounds.js';
import type { Problem } from '../../src/problem/types.js';
import { verifyPlan } from '../../src/problem/verify.js';
import { certifyLowerBound } from '../../src/solve/certify.js';
import { solve } from '../../src/solve/solve.js';
import { bruteForceMinPeak } from '../helpers/brute-force.js';
import { arbProblem } from '../helpers/problems.js';

/** A clock that never moves: probes end by their work budget only, so results do not depend on the machine. */
const frozen = (): number => 0;

/** Live bound 18 (and the cheap bounds say no more); mixed alignments force 22 (found by certifyLowerBound, checked by brute force). */
const ALIGNED: Problem = {
  buffers: [
    { id: 'a', size: 2, start: 2, end: 5, align: 8 },
    { id: 'b', size: 6, start: 0, end: 3, align: 8 },
    { id: 'c', size: 10, start: 1, end: 4, align: 4 },
  ],
};

describe('certifyLowerBound', () => {
  it('beats the cheap bounds where the search can exhaust the trees: proves the optimum of a mixed-alignment case', () => {
    expect(lowerBound(ALIGNED)).toBe(18);
    expect(bruteForceMinPeak(ALIGNED)).toBe(22);
    const c = certifyLowerBound(ALIGNED, { clock: frozen, maxWorkPerProbe: 1e6 });
    expect(c.bound).toBe(22);
    expect(c.bySearch).toBe(true);
    expect(c.optimal).toBe(true);
    // Sizes and alignments are even: the proof at 21 is enough, and says why.
    expect(c.proof).toBe("exact search: no plan with peak <= 21, and every plan's peak is a multiple of 2");
    expect(c.probes.filter((p) => p.outcome === 'no plan').map((p) => p.cap)).toContain(21);
  });

  it('never certifies more than the brute-force optimum, and a plan it returns is valid and reaches its best', () => {
    let raised = 0;
    fc.assert(
      fc.property(arbProblem({ maxBuffers: 7, maxSize: 200 }), (problem) => {
        const opt = bruteForceMinPeak(problem);
        const c = certifyLowerBound(problem, { clock: frozen, maxWorkPerProbe: 1e6 });
        expect(c.bound).toBeLessThanOrEqual(opt);
        expect(c.best).toBeGreaterThanOrEqual(opt);
        if (c.optimal) expect(c.best).toBe(opt);
        if (c.offsets !== undefined) expect(verifyPlan(problem, c.offsets, c.best).errors).toEqual([]);
        if (c.bound > lowerBound(problem)) raised++;
      }),
      { numRuns: 200, seed: 44 },
    );
    // Tiny problems: every probe exhausts its tree, so the certified bound is the optimum, often above the cheap bound.
    expect(raised).toBeGreaterThan(5);
  });

  it('reports the cheap bound, unsearched, when the known plan already meets it or the problem has aliases', () => {
    const met = certifyLowerBound({ buffers: [{ id: 'a', size: 8, start: 0, end: 2 }, { id: 'b', size: 8, start: 1, end: 3 }] }, { clock: frozen });
    expect(met).toMatchObject({ bound: 16, best: 16, optimal: true, bySearch: false, probes: [] });
    const tied = certifyLowerBound({ buffers: [{ id: 'a', size: 8, start: 0, end: 2 }, { id: 'v', size: 4, start: 0, end: 2, aliasOf: 'a' }] }, { clock: frozen });
    expect(tied.probes).toEqual([]);
    expect(tied.bySearch).toBe(false);
  });

  it('ends each probe at its node budget: the same certificate on any clock, and a budget one node short proves less', () => {
    // The live bound is 181; the search proves "no plan with peak <= 181" in 52 nodes, then <= 183, then finds a plan of 184.
    const p: Problem = {
      buffers: [
        { id: 'b0', size: 48, start: 4, end: 12 },
        { id: 'b1', size: 145, start: 12, end: 13 },
        { id: 'b2', size: 21, start: 6, end: 10, align: 8 },
        { id: 'b3', size: 16, start: 7, end: 9, align: 32 },
        { id: 'b4', size: 7, start: 1, end: 2 },
        { id: 'b5', size: 32, start: 8, end: 14, align: 4 },
        { id: 'b6', size: 24, start: 2, end: 5, align: 8 },
        { id: 'b7', size: 64, start: 1, end: 9, align: 64 },
      ],
    };
    expect(lowerBound(p)).toBe(181);
    expect(bruteForceMinPeak(p)).toBe(184);
    let t = 0;
    const ticking = (): number => (t += 1);
    const strip = (c: ReturnType<typeof certifyLowerBound>): unknown => ({ ...c, timeMs: 0, provenAtMs: 0, probes: c.probes.map((q) => ({ ...q, timeMs: 0 })) });
    for (const [nodes, bound] of [
      [51, 181],
      [52, 184],
    ] as const) {
      const c = certifyLowerBound(p, { clock: frozen, maxNodesPerProbe: nodes, subInstances: false });
      expect(c.bound).toBe(bound);
      expect(c.probes[0]).toMatchObject({ cap: 181, outcome: nodes === 51 ? 'gave up' : 'no plan' });
      expect(strip(certifyLowerBound(p, { clock: ticking, timeLimitMs: 1e9, maxNodesPerProbe: nodes, subInstances: false }))).toEqual(strip(c));
    }
  });

  it('stops when its time is gone, with the bound it had (a clock that jumps past the limit)', () => {
    let t = 0;
    const c = certifyLowerBound(ALIGNED, { timeLimitMs: 10, clock: () => (t += 100) });
    expect(c.bound).toBe(18);
    expect(c.bySearch).toBe(false);
  });
});

describe("solve(): the search's proofs rounded up to the plans' granularity", () => {
  it('never claims more than is proven: bound <= brute-force optimum, optimal only at it (even sizes and alignments)', () => {
    const even = arbProblem({ maxBuffers: 7, maxSize: 100 }).map((p) => ({
      buffers: p.buffers.map((b) => ({ ...b, size: 2 * b.size, ...(b.offset !== undefined ? { offset: 2 * b.offset } : {}) })),
    }));
    fc.assert(
      fc.property(even, fc.integer({ min: 1, max: 60 }), (problem, maxNodes) => {
        const opt = bruteForceMinPeak(problem);
        // Node budgets this small often end the search between its first proof and the optimum.
        const r = solve(problem, { method: 'search', maxNodes });
        expect(r.bound).toBeLessThanOrEqual(opt);
        if (r.status === 'optimal') expect(r.peak).toBe(opt);
      }),
      { numRuns: 300, seed: 9 },
    );
  });

  it("a proof at the live bound raises the bound by the granularity, and says so", () => {
    // Phase 1 of the search exhausts the tree at the bound 18: the bound becomes 20, not 19.
    const r = solve(ALIGNED, { method: 'search', maxNodes: 3 });
    expect(r.bound).toBe(20);
    expect(r.status).toBe('feasible');
    expect(r.proof).toBe("exact search: no plan with peak <= 18, and every plan's peak is a multiple of 2 (1 node)");
    // Given the nodes, the search reaches the optimum and its proof needs no rounding.
    const full = solve(ALIGNED, { method: 'search', maxNodes: 100 });
    expect(full).toMatchObject({ peak: 22, bound: 22, status: 'optimal', proof: 'exact search: no plan with peak <= 21 (8 nodes)' });
  });
});
