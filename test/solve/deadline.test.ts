import { describe, expect, it } from 'vitest';
import { verifyPlan } from '../../src/problem/verify.js';
import { Deadline } from '../../src/solve/deadline.js';
import { solve } from '../../src/solve/solve.js';
import { tightProblem } from '../helpers/problems.js';

/** A fake clock that moves `step` ms each time it is read, and remembers the last reading. */
function tickingClock(step: number): { clock: () => number; last: () => number } {
  let t = 0;
  return {
    clock: () => (t += step),
    last: () => t,
  };
}

describe('Deadline', () => {
  it('tells the time left on its own clock, and gives shares of it', () => {
    let t = 1000;
    const d = Deadline.in(500, () => t);
    expect(d.endMs).toBe(1500);
    expect(d.leftMs()).toBe(500);
    t = 1300;
    expect(d.leftMs()).toBe(200);
    expect(d.share(0.5).endMs).toBe(1400);
    expect(d.within(50).endMs).toBe(1350);
    expect(d.within(5000).endMs).toBe(1500);
    expect(d.passed()).toBe(false);
    t = 1500;
    expect(d.passed()).toBe(true);
    expect(d.leftMs()).toBe(0);
  });
});

describe('solve() keeps to one deadline across its phases (a fake clock: no test waits on real time)', () => {
  // A perfect packing in 200 pieces: neither the heuristics nor the local search nor the search reach
  // its optimum soon, so every phase would run on if the deadline did not end it.
  const p = tightProblem(200, 1);

  it.each(['auto', 'heuristic', 'exact'] as const)('%s: every phase stops at the end; the clock is read past it only to wind up', (method) => {
    const c = tickingClock(1);
    const d = Deadline.in(100, c.clock);
    const r = solve(p, { method, deadline: d, iterations: 1e9, maxNodes: 1e12 });
    expect(verifyPlan(p, r.offsets, r.peak).errors).toEqual([]);
    // Past the end: the check that saw it, the closing of the running method, the verdict's time.
    expect(c.last() - d.endMs).toBeLessThanOrEqual(8);
    expect(r.status).toBe('feasible');
  });

  it("a command's deadline counts what came before the solve: the phases get only what is left", () => {
    // The command made its deadline at 0 with 10 s; reading the input took 9,950 ms, say (the clock
    // jumps): the solve's own 10 s limit would end long after the command's.
    let t = 0;
    const clock = (): number => (t += 1);
    const d = Deadline.in(10_000, clock);
    t += 9_950;
    const r = solve(p, { method: 'auto', deadline: d, timeLimitMs: 10_000, iterations: 1e9, maxNodes: 1e12 });
    expect(verifyPlan(p, r.offsets, r.peak).valid).toBe(true);
    expect(t - d.endMs).toBeLessThanOrEqual(8);
    expect(r.timeMs).toBeLessThanOrEqual(60);
  });

  it("a deadline without a time limit is the only end: solve()'s own 10 s default does not cut it short", () => {
    const c = tickingClock(1000); // a second per reading
    const d = Deadline.in(60_000, c.clock);
    const r = solve(p, { method: 'heuristic', deadline: d, iterations: 1e9 });
    expect(verifyPlan(p, r.offsets, r.peak).valid).toBe(true);
    expect(c.last()).toBeGreaterThan(d.endMs);
    expect(c.last() - d.endMs).toBeLessThanOrEqual(8000);
  });

  it('a single-shot heuristic that would end past the limit is left out before it starts (it costs about what greedy-size did)', () => {
    // 3 s per clock reading: greedy-size "takes" 3 s, and after it less than that is left.
    const c = tickingClock(3000);
    const d = Deadline.in(20_000, c.clock);
    const r = solve(p, { method: 'heuristic', deadline: d });
    expect(r.methods.map((m) => m.method)).toEqual(['greedy-size']);
    expect(r.notes?.[0]).toMatch(/^greedy-conflicts left out: it would end past the time limit \(greedy-size took 3\.0 s, \d\.\d s were left\)$/);
    expect(verifyPlan(p, r.offsets, r.peak).valid).toBe(true);
  });

  it('with no time left, the first heuristic still gives a verified plan and the rest are noted', () => {
    const r = solve(p, { method: 'auto', deadline: new Deadline(0, () => 5) });
    expect(r.methods.map((m) => m.method)).toEqual(['greedy-size']);
    expect(r.notes).toEqual([
      'greedy-conflicts left out: the time limit was reached',
      'inorder left out: the time limit was reached',
      'slots-greedy-size left out: the time limit was reached',
      'slots-greedy-breadth left out: the time limit was reached',
      'slots-inorder left out: the time limit was reached',
      'naive left out: the time limit was reached',
      'local-search left out: the time limit was reached',
      'search left out: the time limit was reached',
    ]);
    expect(verifyPlan(p, r.offsets, r.peak).valid).toBe(true);
  });
});
