import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../src/problem/types.js';
import { verifyPlan } from '../../src/problem/verify.js';
import { RUN_WORK_PER_NODE, Restarts } from '../../src/solve/restarts.js';
import { engineMask, resolveSwitches } from '../../src/solve/switches.js';
import { solve, type SolveOptions, type SolveResult } from '../../src/solve/solve.js';
import { createSolver } from '../../src/worker/node.js';
import { awaitLanes, lastRace } from '../../src/worker/solver.js';
import { planOf, sideBySide, tightProblem } from '../helpers/problems.js';

/** Offsets of every other buffer aligned to 64 bytes: the optimum (1056) is above the live bound (1024). */
const alignedTight: Problem = {
  buffers: tightProblem(20, 2, 16, 1024).buffers.map((b, i) => (i % 2 === 1 ? { ...b, align: 64 } : b)),
  capacity: 1048,
};

// (Told that no other process uses the cores: the race runs whatever the machine is doing, raceLanes.)
const racing = createSolver({ size: 2, busy: () => 0 });
const single = createSolver({ size: 1 });
// The same, but each race's first run waits for the lane to load the problem (a test hook): a race's
// driver never waits for a lane otherwise, so whether a lane takes part in a short search would depend
// on the machine's speed. Used where a test asserts that the lanes took part.
const awaited = createSolver({ size: 2, busy: () => 0 });
awaitLanes(awaited);
// Both workers started before the tests (workers start on first use).
beforeAll(async () => {
  await Promise.all([racing, awaited].flatMap((s) => [0, 1].map(() => s.solve(tightProblem(30, 1), { method: 'heuristic' }))));
});
afterAll(() => {
  racing.close();
  single.close();
  awaited.close();
});

/** Everything of a result that does not depend on the clock. */
const outcome = (r: SolveResult) => ({
  ...planOf(r),
  offsets: r.offsets,
  proof: r.proof,
  searchNodes: r.searchNodes,
  methods: r.methods.map((m) => [m.method, m.peak]),
  parts: r.parts?.map((p) => [p.peak, p.bound, p.method, p.proof, p.searchNodes]),
});

describe('Restarts (the exact search schedule)', () => {
  it('asks orders 0, 1, 2 per node limit, limits doubling from max(2n, 256), cut to the nodes left; work RUN_WORK_PER_NODE a node of the limit', () => {
    const r = new Restarts(10, 1000, 900, 2000, Infinity);
    const asks = [0, 1, 2, 3, 4, 5, 6].map((i) => r.ask(i));
    const w = RUN_WORK_PER_NODE;
    expect(asks.map((a) => a && [a.order, a.limit, a.stopAt, a.work])).toEqual([
      [0, 256, 2000, 256 * w],
      [1, 256, 1744, 256 * w],
      [2, 256, 1488, 256 * w],
      [0, 512, 1232, 512 * w],
      [1, 512, 720, 512 * w],
      [2, 208, 208, 512 * w],
      undefined,
    ]);
    expect(asks.every((a) => a === undefined || a.cap === 1000)).toBe(true);
    // Without the work cap, the work the whole search has left.
    const uncapped = new Restarts(10, 1000, 900, 2000, Infinity, resolveSwitches({ workCap: false }));
    expect([0, 1, 2, 3, 4, 5].map((i) => uncapped.ask(i)!.work)).toEqual(Array(6).fill(Infinity));
  });

  it('commits runs in order: a node-limit stop goes on, a plan starts a segment at its peak - 1, an exhausted tree proves the cap', () => {
    const r = new Restarts(10, 1000, 900, Infinity, 1e9);
    r.take({ state: 3, nodes: 256, work: 1000, stopped: false });
    expect([r.next, r.segment, r.nodes, r.work]).toEqual([1, 0, 256, 1000]);
    expect(r.ask(1)!.work).toBe(RUN_WORK_PER_NODE * 256);
    const near = new Restarts(10, 1000, 900, Infinity, 1e6);
    near.take({ state: 3, nodes: 256, work: 1000, stopped: false });
    expect(near.ask(1)!.work).toBe(1e6 - 1000);
    r.take({ state: 2, nodes: 10, work: 50, stopped: false, plan: { offsets: [0], peak: 950 } });
    expect([r.next, r.segment, r.cap, r.done]).toEqual([0, 1, 949, undefined]);
    expect(r.ask(0)).toMatchObject({ cap: 949, order: 0, limit: 256 });
    r.take({ state: 1, nodes: 5, work: 5, stopped: false });
    expect(r.done).toEqual({ plan: { offsets: [0], peak: 950 }, exhausted: true, provenAbove: 949, nodes: 271, work: 1055 });
  });

  it('ends at the target, at the work budget, and when a tick stopped a run', () => {
    const atTarget = new Restarts(10, 1000, 900, Infinity, Infinity);
    atTarget.take({ state: 2, nodes: 1, work: 1, stopped: false, plan: { offsets: [], peak: 900 } });
    expect(atTarget.done).toMatchObject({ exhausted: false, provenAbove: 899 });
    const work = new Restarts(10, 1000, 900, Infinity, 100);
    work.take({ state: 3, nodes: 30, work: 100, stopped: false });
    expect(work.done).toMatchObject({ exhausted: false, nodes: 30 });
    const ticked = new Restarts(10, 1000, 900, Infinity, Infinity);
    ticked.take({ state: 3, nodes: 30, work: 1, stopped: true });
    expect(ticked.done).toMatchObject({ exhausted: false });
  });

  it('follows the switches: the static orders listed, in turn, and one run per cap without restarts', () => {
    const two = new Restarts(10, 1000, 900, Infinity, Infinity, resolveSwitches({ orders: ['TWA', 'WAT'] }));
    expect([0, 1, 2, 3, 4].map((i) => two.ask(i)).map((a) => a && [a.order, a.limit])).toEqual([
      [2, 256],
      [0, 256],
      [2, 512],
      [0, 512],
      [2, 1024],
    ]);
    const off = resolveSwitches({ restarts: false, sectionInference: false });
    const one = new Restarts(10, 1000, 900, 5000, Infinity, off);
    expect(one.ask(0)).toMatchObject({ order: 0, limit: 5000, stopAt: 5000, mask: engineMask(off) });
    expect(one.ask(1)).toBeUndefined();
    one.take({ state: 2, nodes: 100, work: 10, stopped: false, plan: { offsets: [], peak: 950 } });
    expect(one.ask(0)).toMatchObject({ cap: 949, limit: 4900 });
    // A run with no node limit that found nothing was ended by a budget: so is the search.
    one.take({ state: 3, nodes: 40, work: 10, stopped: false });
    expect(one.done).toMatchObject({ exhausted: false, nodes: 140, plan: { peak: 950 } });
  });
});

describe('racing the exact search in workers (createSolver, 2 workers)', () => {
  // Budgets, not the clock, end these solves: the plan must be the inline one byte for byte.
  const cases: [string, Problem, SolveOptions][] = [
    ['tight 60/1, search, 100000 nodes (many restarts, plans in several segments)', tightProblem(60, 1), { method: 'search', maxNodes: 100_000 }],
    ['tight 100/3, search, 100000 nodes', tightProblem(100, 3), { method: 'search', maxNodes: 100_000 }],
    ['tight 100/3, auto (default node and work budgets)', tightProblem(100, 3), { method: 'auto' }],
    ['tight 120/4, auto (the search meets the bound)', tightProblem(120, 4), { method: 'auto' }],
    ['tight 100/3 with a capacity, search', { ...tightProblem(100, 3), capacity: 4600 }, { method: 'search', maxNodes: 60_000 }],
    ['tight 100/3, exact, 40000 nodes, seed 7', tightProblem(100, 3), { method: 'exact', maxNodes: 40_000, seed: 7 }],
    // The switches: the raced schedule is the one they give inline, and the lanes' engines run them too.
    ['tight 60/1, search, 60000 nodes, orders TWA then WAT', tightProblem(60, 1), { method: 'search', maxNodes: 60_000, switches: { orders: ['TWA', 'WAT'] } }],
    ['tight 60/1, search, 60000 nodes, no section inference', tightProblem(60, 1), { method: 'search', maxNodes: 60_000, switches: { sectionInference: false } }],
    // A proof at the capacity, rounded up to the plans' granularity (16 bytes): no plan <= 1048, so none below 1056.
    ['tight 20/2 with alignments, search to 1048 bytes (a proof rounded up to 16 bytes)', alignedTight, { method: 'search' }],
  ];
  for (const [name, problem, options] of cases) {
    it(`gives the inline plan: ${name}`, async () => {
      const opts: SolveOptions = { ...options, timeLimitMs: 120_000 };
      const inline = solve(problem, opts);
      const raced = await awaited.solve(problem, opts);
      expect(verifyPlan(problem, raced.offsets, raced.peak).valid).toBe(true);
      expect(outcome(raced)).toEqual(outcome(inline));
      // (Without the hook too: the lanes join when they are ready.)
      expect(outcome(await racing.solve(problem, opts))).toEqual(outcome(inline));
      if (problem === alignedTight) expect([inline.status, inline.bound, inline.proof]).toEqual(['infeasible', 1056, expect.stringContaining('multiple of 16')]);
      // The race ran: the lane (idle when the solve started) took part, and every committed run is one
      // of the inline search's.
      expect(inline.searchNodes).toBeGreaterThan(0);
      const stats = lastRace(awaited)!;
      expect(stats.byLanes).toBeGreaterThan(0);
      expect(stats.committed).toBeGreaterThan(0);
      // Each static order stays with one worker at a cap: a run goes to the worker that took the run of
      // its order before it (so it can resume where that one paused), but after a lane took an order
      // over from the driver or gave its orders back.
      expect(stats.handoffs).toBeLessThanOrEqual(stats.takeovers + stats.returned);
      expect(stats.workers.reduce((t, w) => t + w.resumed, 0)).toBeGreaterThan(0);
      // ... and one worker alone gives that plan too: racing is never worse than it (the solve with
      // the default budgets is left out here: it takes seconds).
      if (options.maxNodes !== undefined) expect(outcome(await single.solve(problem, opts))).toEqual(outcome(inline));
    });
  }

  it('does not race without restarts (one run per cap: nothing to run at once), with the plan solve() gives', async () => {
    const problem = tightProblem(60, 1);
    const opts: SolveOptions = { method: 'search', maxNodes: 60_000, timeLimitMs: 120_000, switches: { restarts: false } };
    const before = lastRace(racing);
    expect(before).toBeDefined();
    const raced = await racing.solve(problem, opts);
    expect(outcome(raced)).toEqual(outcome(solve(problem, opts)));
    expect(raced.searchNodes).toBeGreaterThan(0);
    expect(lastRace(racing)).toBe(before);
  });

  it('races the parts of a problem split in time, with the plan solve() gives', async () => {
    const problem: Problem = { ...sideBySide([tightProblem(60, 1), tightProblem(100, 3), tightProblem(40, 6)], [false, true, false]), capacity: 4600 };
    const opts: SolveOptions = { method: 'search', maxNodes: 50_000, timeLimitMs: 120_000 };
    const inline = solve(problem, opts);
    const raced = await racing.solve(problem, opts);
    expect(inline.parts?.length).toBe(3);
    expect(verifyPlan(problem, raced.offsets, raced.peak).valid).toBe(true);
    expect(outcome(raced)).toEqual(outcome(inline));
  });

  it('gives the same plan when several solves share the pool (lanes only take idle workers)', async () => {
    const ps = [tightProblem(60, 1), tightProblem(100, 3), tightProblem(120, 4)];
    const opts: SolveOptions = { method: 'search', maxNodes: 50_000, timeLimitMs: 120_000 };
    const raced = await Promise.all(ps.map((p) => racing.solve(p, opts)));
    raced.forEach((r, i) => expect(outcome(r)).toEqual(outcome(solve(ps[i]!, opts))));
  });
});
