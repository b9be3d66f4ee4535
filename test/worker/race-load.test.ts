import { afterAll, describe, expect, it } from 'vitest';
import { verifyPlan } from '../../src/problem/verify.js';
import { solve, type SolveOptions } from '../../src/solve/solve.js';
import { outsideLoadReader } from '../../src/worker/node-load.js';
import { createSolver } from '../../src/worker/node.js';
import { lastRace, raceLanes } from '../../src/worker/solver.js';
import { tightProblem } from '../helpers/problems.js';

describe('the race only on cores other processes leave free', () => {
  it('raceLanes: one lane per core free besides the solving worker, a core free when under half used elsewhere', () => {
    const rows: [number, number, number, number][] = [
      // size, cores, busy elsewhere, lanes
      [2, 2, 0, 1],
      [2, 2, 0.49, 1],
      [2, 2, 0.5, 1],
      [2, 2, 0.51, 0],
      [2, 2, 1, 0],
      [2, 2, 2, 0],
      [2, 2, 7, 0],
      [2, 1, 0, 0],
      [1, 8, 0, 0],
      [4, 8, 0, 3],
      [4, 8, 5.2, 2],
      [4, 8, 6.6, 0],
      [8, 8, 2, 5],
      [2, 2, -1, 1],
    ];
    for (const [size, cores, busy, lanes] of rows) expect([size, cores, busy, raceLanes(size, cores, busy)]).toEqual([size, cores, busy, lanes]);
  });

  const opts: SolveOptions = { method: 'search', maxNodes: 40_000 };
  const p = tightProblem(100, 3);
  const loaded = createSolver({ size: 2, busy: () => 2 });
  const quiet = createSolver({ size: 2, busy: () => 0 });
  afterAll(() => {
    loaded.close();
    quiet.close();
  });

  it('with both cores busy elsewhere (an injected reading) a pool of 2 does not race, and gives the inline plan', async () => {
    const inline = solve(p, opts);
    expect(inline.searchNodes).toBeGreaterThan(0);
    const r = await loaded.solve(p, opts);
    expect(verifyPlan(p, r.offsets, r.peak).errors).toEqual([]);
    expect([r.offsets, r.peak, r.searchNodes]).toEqual([inline.offsets, inline.peak, inline.searchNodes]);
    expect(lastRace(loaded)).toBeUndefined();
  });

  it('with the cores free it races (the same plan)', async () => {
    const inline = solve(p, opts);
    const r = await quiet.solve(p, opts);
    expect([r.offsets, r.peak, r.searchNodes]).toEqual([inline.offsets, inline.peak, inline.searchNodes]);
    expect(lastRace(quiet)?.searches).toBeGreaterThan(0);
  });

  it("Node's reader gives a number of cores from 0 up (the 1-minute load average before its first interval)", () => {
    const read = outsideLoadReader(0);
    for (let i = 0; i < 3; i++) {
      const b = read();
      expect(Number.isFinite(b) && b >= 0).toBe(true);
    }
  });
});
