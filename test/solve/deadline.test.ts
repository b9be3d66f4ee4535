import { describe, expect, it } from 'vitest';
import { verifyPlan, verifySpilledPlan } from '../../src/problem/verify.js';
import { planWithSpill } from '../../src/solve/spill.js';
import { Deadline } from '../../src/solve/deadline.js';
import { solve } from '../../src/solve/solve.js';
import { DECODE_CHUNK, Engine } from '../../src/solve/wasm/engine.js';
import { scatteredProblem, tightProblem } from '../helpers/problems.js';
import { liveBound } from '../../src/problem/bounds.js';

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

describe('a greedy decode looks at the clock between chunks of buffers (Engine.decode)', () => {
  // More buffers than one chunk (DECODE_CHUNK), so the clock is read while the decode runs.
  const big = scatteredProblem(3 * DECODE_CHUNK + 100, 5);

  it('run to the end, it gives the one-shot kernel plan byte for byte', () => {
    const eng = new Engine();
    eng.load(big);
    for (const k of ['greedySize', 'inorder', 'greedyConflicts'] as const) {
      const whole = eng.run(k);
      let asked = 0;
      const chunked = eng.decode(k, () => (asked++, true));
      expect(asked).toBe(3);
      expect(chunked.placed).toBe(chunked.total);
      expect(chunked.offsets).toEqual(whole.offsets);
      expect(chunked.peak).toBe(whole.peak);
    }
  });

  it.each(['greedySize', 'inorder', 'greedyConflicts'] as const)('%s cut after any chunk still returns a verified plan (the rest stacked by size class)', (k) => {
    const eng = new Engine();
    // Aligned buffers too: a stacked slot must leave room to round up.
    const p = { buffers: big.buffers.map((b, i) => (i % 5 === 0 ? { ...b, align: 64 } : b)) };
    eng.load(p);
    for (const chunks of [1, 2, 3]) {
      let asked = 0;
      const r = eng.decode(k, () => ++asked < chunks);
      expect(r.placed).toBe(chunks * DECODE_CHUNK);
      expect(r.total).toBe(p.buffers.length);
      expect(verifyPlan(p, r.offsets, r.peak).errors).toEqual([]);
    }
  });

  it('solve() cuts greedy-size at the deadline less what the verifier and report will take, notes it, and returns a verified plan', () => {
    // 1 ms per clock reading: the decode stops a little before the end (what the verifier and the report
    // will take: as long as from the solve's start to its first heuristic); the clock is read once per chunk.
    const c = tickingClock(1);
    const d = Deadline.in(6, c.clock);
    const r = solve(big, { method: 'greedy-size', deadline: d });
    expect(r.notes).toEqual(['greedy-size cut by the time limit after 12288 of 12388 buffers: the rest stacked above them by size class']);
    expect(verifyPlan(big, r.offsets, r.peak).errors).toEqual([]);
    expect(c.last() - d.endMs).toBeLessThanOrEqual(4);
  });

  it('under a capacity below the bound the decode stops earlier: the spill phase and its checks follow (4 x what the verifier and report keep back)', () => {
    // 1 ms per clock reading, 12 ms: without a capacity the decode ends (9 chunks); under 80% of the
    // live bound it keeps back SPILL_FINISH_FACTOR times more and is cut after 6 chunks (after 8 with
    // the factor 2 it had: the command then ended ~2 s past its limit at 10^6 buffers).
    const p = scatteredProblem(8 * DECODE_CHUNK + 100, 5);
    const capacity = Math.floor(liveBound(p) * 0.8);
    const plain = solve(p, { method: 'greedy-size', deadline: Deadline.in(12, tickingClock(1).clock) });
    expect(plain.notes).toBeUndefined();
    const capped = { ...p, capacity };
    const r = solve(capped, { method: 'greedy-size', deadline: Deadline.in(12, tickingClock(1).clock) });
    expect(r.notes).toEqual([`greedy-size cut by the time limit after ${6 * DECODE_CHUNK} of ${p.buffers.length} buffers: the rest stacked above them by size class`]);
    expect(verifyPlan(p, r.offsets, r.peak).errors).toEqual([]);
  });

  it('solve() with the portfolio: a cut decode ends the heuristics and the search (noted), with a verified plan', () => {
    const c = tickingClock(1);
    const d = Deadline.in(9, c.clock);
    const r = solve(big, { method: 'auto', deadline: d });
    expect(r.methods.map((m) => m.method)).toEqual(['greedy-size']);
    expect(r.notes?.[0]).toMatch(/^greedy-size cut by the time limit after/);
    expect(r.notes).toContain('local-search left out: the time limit was reached');
    expect(verifyPlan(big, r.offsets, r.peak).errors).toEqual([]);
  });
});

describe('the spill phase out of time keeps what the plan of every buffer has below the capacity', () => {
  it('no solve: the buffers below the capacity keep their offsets, the rest spill at once, and the plan verifies', () => {
    const p = scatteredProblem(3000, 7);
    const whole = solve(p, { method: 'greedy-size' });
    const capacity = Math.floor(whole.liveBound * 0.8);
    const capped = { ...p, capacity };
    const solves: number[] = [];
    const methods: unknown[] = [];
    const r = planWithSpill(capped, { ...whole, fits: false }, { method: 'auto', deadline: new Deadline(0, () => 5) }, capacity, (q, o) => {
      solves.push(q.buffers.length);
      methods.push(o.method);
      return solve(q, o);
    });
    expect(r.spill?.how).toBe('greedy');
    // The DDR arena by greedy-size, not the portfolio (which would split it in time, part by part).
    expect(methods).toEqual(['greedy-size']);
    expect(r.notes).toContain('spill: the time limit ended the search for the set to keep after 0 sets tried; the buffers to spill were chosen greedily');
    const memory = r.spill!.memory;
    p.buffers.forEach((b, i) => {
      const below = whole.offsets[i]! + b.size <= capacity;
      expect(memory[i]).toBe(below ? 'chip' : 'ddr');
      if (below) expect(r.offsets[i]).toBe(whole.offsets[i]);
    });
    // One solve only: the DDR arena.
    expect(solves).toEqual([memory.filter((m) => m === 'ddr').length]);
    expect(verifySpilledPlan(capped, memory, r.offsets, capacity, { chipPeak: r.peak, ddrPeak: r.spill!.ddrPeak }).errors).toEqual([]);
  });
});

describe('a capacity below the bound: the search for the lowest peak takes a share of the time left (OUT_OF_REACH_SHARE)', () => {
  // A clock that moves 1 ms a read: the search reads it every 64 children, so it runs until its deadline.
  const run = (capacity: number | undefined, split: boolean): { end: number; peak: number; valid: boolean } => {
    const p = { ...tightProblem(120, 7), ...(capacity !== undefined ? { capacity } : {}) };
    const c = tickingClock(1);
    const r = solve(p, { method: 'search', split, deadline: Deadline.in(20_000, c.clock) });
    return { end: c.last(), peak: r.peak, valid: verifyPlan({ ...p, capacity: undefined }, r.offsets, r.peak).valid };
  };
  it.each([false, true])('ends by about a quarter of the time where the plain run takes it all, with a verified plan (split %s)', (split) => {
    const plain = run(undefined, split);
    const out = run(1000, split);
    expect(plain.valid && out.valid).toBe(true);
    expect(out.peak).toBeGreaterThanOrEqual(plain.peak);
    expect(plain.end).toBeGreaterThan(18_000);
    expect(out.end).toBeLessThan(0.3 * 20_000);
  });
});
