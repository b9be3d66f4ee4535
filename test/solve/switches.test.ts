import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyPlan } from '../../src/problem/verify.js';
import { solve, type SolveOptions } from '../../src/solve/solve.js';
import { BOOLEAN_SWITCHES, STATIC_ORDERS, resolveSwitches, type SearchSwitches } from '../../src/solve/switches.js';
import { Engine } from '../../src/solve/wasm/engine.js';
import { bruteForceMinPeak } from '../helpers/brute-force.js';
import { arbProblem, tightProblem } from '../helpers/problems.js';

/** Every configuration the ablation measures: each switch off alone, each static order alone, all off. */
const CONFIGS: [string, SolveOptions][] = [
  ...BOOLEAN_SWITCHES.map((s): [string, SolveOptions] => [`-${s}`, { switches: { [s]: false } }]),
  ...STATIC_ORDERS.map((o): [string, SolveOptions] => [`only ${o}`, { switches: { orders: [o] } }]),
  ['-split', { split: false }],
  ['all off', { split: false, switches: Object.fromEntries(BOOLEAN_SWITCHES.map((s) => [s, false])) as Partial<SearchSwitches> }],
];

describe('the exact search with its switches off', () => {
  it('still proves the brute-force optimum on random problems of <= 8 buffers, with each switch off and with all off', () => {
    fc.assert(
      fc.property(arbProblem({ maxBuffers: 8, maxSize: 300 }), (problem) => {
        const opt = bruteForceMinPeak(problem);
        for (const [name, options] of CONFIGS) {
          const r = solve(problem, { ...options, method: 'exact', timeLimitMs: 30_000 });
          expect(verifyPlan(problem, r.offsets, r.peak).errors, name).toEqual([]);
          expect([name, r.peak, r.status, r.bound]).toEqual([name, opt, 'optimal', opt]);
        }
      }),
      { numRuns: 60, seed: 15 },
    );
  });

  it('still proves infeasibility one byte below the optimum, with each switch off', () => {
    let bySearch = 0;
    fc.assert(
      fc.property(arbProblem({ maxBuffers: 7, maxSize: 300, withFixed: false }), (problem) => {
        const opt = bruteForceMinPeak(problem);
        for (const [name, options] of CONFIGS) {
          const r = solve({ ...problem, capacity: opt - 1 }, { ...options, method: 'exact', timeLimitMs: 30_000 });
          expect([name, r.status, r.fits]).toEqual([name, 'infeasible', false]);
          if (r.liveBound <= opt - 1) bySearch++;
        }
      }),
      { numRuns: 40, seed: 16 },
    );
    // Some of these are infeasible only by the search's proof, not by the live bound.
    expect(bySearch).toBeGreaterThan(0);
  });

  it('each engine switch changes the search it runs (the switch reaches the engine)', () => {
    // Proofs of infeasibility one byte below the optimum: each run exhausts its tree, so its node
    // count is the tree's size. Some techniques only show where others are off (hatless pruning only
    // where the search does not split at the buffer that would be hatless), hence the bases.
    const problems = fc
      .sample(arbProblem({ maxBuffers: 8, maxSize: 300, withFixed: false }), { seed: 17, numRuns: 80 })
      .map((p) => ({ p, opt: bruteForceMinPeak(p) }));
    const engine = new Engine();
    const treeSizes = (sw: Partial<SearchSwitches>): number =>
      problems.reduce((sum, { p, opt }) => {
        engine.load(p);
        const o = engine.search(opt - 1, 0, () => true, Infinity, Infinity, resolveSwitches(sw));
        expect(o.exhausted).toBe(true);
        expect(o.plan).toBeUndefined();
        return sum + o.nodes;
      }, 0);
    const cases: [Partial<SearchSwitches>, Partial<SearchSwitches>][] = [
      [{}, { sectionInference: false }],
      [{}, { unallocatedFloor: false }],
      [{}, { monotonicFloor: false }],
      [{}, { canonicalOnly: false }],
      [{}, { dynamicDecomposition: false }],
      [{ sectionInference: false }, { checkDominance: false }],
      [{ sectionInference: false }, { restarts: false }],
      [{ sectionInference: false }, { orders: ['TAW', 'WAT', 'TWA'] }],
      [{ sectionInference: false, dynamicDecomposition: false }, { hatless: false }],
    ];
    for (const [base, off] of cases) expect(treeSizes({ ...base, ...off }), JSON.stringify(off)).not.toBe(treeSizes(base));
  });

  it('the defaults are every switch on; a bad list of static orders is refused', () => {
    const sw = resolveSwitches(undefined);
    for (const s of BOOLEAN_SWITCHES) expect(sw[s], s).toBe(true);
    expect(sw.orders).toEqual(['WAT', 'TAW', 'TWA']);
    const p = tightProblem(10, 1);
    expect(() => solve(p, { method: 'exact', switches: { orders: [] } })).toThrow(RangeError);
    expect(() => solve(p, { method: 'exact', switches: { orders: ['XYZ' as 'WAT'] } })).toThrow(/unknown static order "XYZ"/);
  });

  it('without the local search, the portfolio says so in a note', () => {
    const p = tightProblem(40, 1);
    const r = solve(p, { method: 'exact', maxNodes: 2000, switches: { localSearch: false } });
    expect(r.methods.map((m) => m.method)).not.toContain('local-search');
    expect(r.notes).toContain('local-search left out: switched off (switches.localSearch)');
    expect(solve(p, { method: 'exact', maxNodes: 2000 }).methods.map((m) => m.method)).toContain('local-search');
  });
});
