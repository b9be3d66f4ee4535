// The exact search's default budget of work ends `auto` and `search` well before the default 10 s
// clock, so that the same input gives the same plan on every machine and with --jobs (issue #10). A
// unit of work costs more on problems whose search memory is out of cache (searchUnitCost): there the
// budget is smaller by that much. Before, 2,000 buffers live within 60 steps searched 8 s, until the
// clock: a different plan each run.
import { describe, expect, it } from 'vitest';
import { verifyPlan } from '../../src/problem/verify.js';
import { Deadline } from '../../src/solve/deadline.js';
import { searchUnitCost, solve } from '../../src/solve/solve.js';
import { scatteredProblem } from '../helpers/problems.js';

describe("the exact search's default work budget and what a unit of work costs", () => {
  it('searchUnitCost: 1 up to 256 KiB of search memory (8 B a pair, 64 B a buffer), then one more per doubling', () => {
    // MiniMalloc's largest challenging instance needs 256,096 B; the model corpus at most 98,264 B.
    expect(searchUnitCost(454, 29_000)).toBe(1);
    expect(searchUnitCost(703, 6_661)).toBe(1);
    expect(searchUnitCost(0, 32_768)).toBe(1);
    expect(searchUnitCost(0, 65_536)).toBe(2);
    expect(searchUnitCost(4096, 0)).toBe(1);
    expect(searchUnitCost(8192, 0)).toBe(2);
    // 2,000 buffers, ~242 pairs each: ~4 MB, about five times the cost.
    expect(searchUnitCost(2000, 484_451)).toBeCloseTo(4.93, 2);
    for (let pairs = 0; pairs < 1e7; pairs = pairs * 2 + 1000) expect(searchUnitCost(2000, pairs * 2)).toBeGreaterThanOrEqual(searchUnitCost(2000, pairs));
  });

  it('a dense 2,000-buffer problem: the budget ends the search (far fewer nodes than the unscaled budget reached), on a clock that never moves', () => {
    const p = scatteredProblem(2000, 11, 60);
    // A clock that never moves: only budgets can end anything.
    const r = solve(p, { deadline: new Deadline(600_000, () => 0) });
    expect(verifyPlan(p, r.offsets, r.peak).valid).toBe(true);
    expect(r.clockStopped).toBeUndefined();
    expect(r.methods.some((m) => m.method === 'search')).toBe(true);
    // The unscaled budget (1.5e9 units) reached ~260,000 nodes here, ~9.5 s; a fifth of it ~75,000.
    expect(r.searchNodes).toBeGreaterThan(0);
    expect(r.searchNodes!).toBeLessThan(150_000);
  }, 60_000);
});
