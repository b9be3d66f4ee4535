import { describe, expect, it } from 'vitest';
import type { Problem } from '../../src/problem/types.js';
import { verifyPlan } from '../../src/problem/verify.js';
import { Restarts, type RunAsk, type RunResult } from '../../src/solve/restarts.js';
import { DEFAULT_SWITCHES, engineMask } from '../../src/solve/switches.js';
import { Engine } from '../../src/solve/wasm/engine.js';
import { randomProblem, tightProblem } from '../helpers/problems.js';

/** The runs of a whole exact search (the Restarts schedule) at `cap`, each run by `run`. */
function schedule(p: Problem, cap: number, target: number, run: (ask: RunAsk) => RunResult, maxNodes = Infinity, maxWork = Infinity): RunResult[] {
  const runs = new Restarts(p.buffers.length, cap, target, maxNodes, maxWork, DEFAULT_SWITCHES);
  const out: RunResult[] = [];
  while (runs.done === undefined) {
    const r = run(runs.ask(runs.next)!);
    out.push(r);
    runs.take(r);
  }
  return out;
}

/** Each run on an engine of its own, loaded for it: never resumed. */
const fresh =
  (p: Problem) =>
  (ask: RunAsk): RunResult => {
    const e = new Engine();
    e.load(p);
    return e.searchRun(ask, () => true);
  };

/** Problems whose searches restart often: tight ones (the optimum above the live bound) under a cap near the optimum. */
const cases: [string, Problem][] = [
  ['tight 40', tightProblem(40, 3, 24, 1024)],
  ['tight 120', tightProblem(120, 2, 40, 2048)],
  ['tight 200', tightProblem(200, 2, 48, 4096)],
  ['random 80', randomProblem(80, 7)],
];

describe('resumed runs of the exact search (Engine.searchRun: one engine per static order)', () => {
  it('give each run the result a fresh run gives (state, nodes, work, plan), and resume some', () => {
    let resumed = 0;
    for (const [name, p] of cases) {
      const e = new Engine();
      e.load(p);
      const greedy = e.run('greedySize').peak;
      e.prepareSearch();
      // Below the greedy plan: plans found tighten the cap, runs paused at node limits resume.
      for (const cap of [greedy - 1, Math.floor((greedy * 15) / 16)]) {
        const mine = schedule(p, cap, 0, (ask) => e.searchRun(ask, () => true), 30_000);
        const theirs = schedule(p, cap, 0, fresh(p), 30_000);
        expect(mine, `${name} at ${cap}`).toEqual(theirs);
        for (const r of mine) if (r.plan) expect(verifyPlan(p, r.plan.offsets, r.plan.peak).errors).toEqual([]);
      }
      resumed += e.resumed.runs;
    }
    expect(resumed).toBeGreaterThan(10);
  });

  it('a work budget that stops a resumed run stops it where it stops a fresh one', () => {
    const p = tightProblem(120, 2, 40, 2048);
    const e = new Engine();
    e.load(p);
    // (The search finds nothing below 2256 in 200,000 nodes: every run here pauses at its limit.)
    const cap = 2255;
    e.prepareSearch();
    const mask = engineMask(DEFAULT_SWITCHES);
    const first = e.searchRun({ cap, order: 0, mask, limit: 300, work: Infinity, stopAt: Infinity }, () => true);
    expect(first.state).toBe(3);
    expect(first.work).toBeGreaterThan(0);
    for (const work of [first.work + 1, first.work * 1.5, first.work * 4]) {
      const ask: RunAsk = { cap, order: 0, mask, limit: 1e9, work, stopAt: Infinity };
      const f = fresh(p)(ask);
      // Pause again at 300 nodes, then resume with the budget.
      e.searchRun({ cap, order: 0, mask, limit: 300, work: Infinity, stopAt: Infinity }, () => true);
      const before = e.resumed.runs;
      expect(e.searchRun(ask, () => true)).toEqual(f);
      expect(e.resumed.runs).toBe(before + 1);
    }
  });

  it('does not resume a run asked with another cap, order or switches, or below what it counted', () => {
    const p = tightProblem(120, 2, 40, 2048);
    const e = new Engine();
    e.load(p);
    // (The search finds nothing below 2256 in 200,000 nodes: every run here pauses at its limit.)
    const cap = 2255;
    e.prepareSearch();
    const mask = engineMask(DEFAULT_SWITCHES);
    const base: RunAsk = { cap, order: 0, mask, limit: 300, work: Infinity, stopAt: Infinity };
    for (const other of [{ cap: cap - 16 }, { mask: mask & ~8 }, { limit: 300 }, { limit: 200 }]) {
      expect(e.searchRun(base, () => true).state).toBe(3);
      const ask = { ...base, limit: 1000, ...other };
      const before = e.resumed.runs;
      expect(e.searchRun(ask, () => true)).toEqual(fresh(p)(ask));
      expect(e.resumed.runs).toBe(before);
    }
  });
});
