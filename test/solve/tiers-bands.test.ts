// Memory tiers when the time limit leaves too little for the heuristic's way (issue #10, "Scale and
// limits": 10^5 buffers over three memories took 2.8 x a 3 s limit): one arena cut into the memories by
// address (src/solve/tiers/bands.ts). The time left comes from a clock the test moves: no test waits on the real one.
import { describe, expect, it } from 'vitest';
import { liveBound } from '../../src/problem/bounds.js';
import type { MemoryTier, Problem } from '../../src/problem/types.js';
import { verifyTieredPlan } from '../../src/problem/verify.js';
import { Deadline } from '../../src/solve/deadline.js';
import { solve } from '../../src/solve/solve.js';
import { bandsOpen, bandsPlan, meetingAny } from '../../src/solve/tiers/bands.js';
import { firstFitInto } from '../../src/solve/tiers/greedy.js';
import { planTiersWith } from '../../src/solve/tiers/index.js';
import { BANDS_MIN_BUFFERS, HEURISTIC_MS_PER_BUFFER, heuristicEstimateMs } from '../../src/solve/tiers/planner.js';
import { formatTieredReport } from '../../src/export/tiers.js';
import { scatteredProblem } from '../helpers/problems.js';

/** tcm (1/4 of the live bound), sram (1/2) and an unbounded ddr, costs 1, 2 and 10 (as bench limits's three memories). */
function threeMemories(p: Problem, align?: number): MemoryTier[] {
  const lb = liveBound(p);
  return [
    { name: 'tcm', capacity: Math.floor(lb / 4), cost: 1, ...(align !== undefined ? { align } : {}) },
    { name: 'sram', capacity: Math.floor(lb / 2), cost: 2, ...(align !== undefined ? { align } : {}) },
    { name: 'ddr', cost: 10, ...(align !== undefined ? { align } : {}) },
  ];
}

/** A deadline `ms` away on a clock that never moves. */
const frozen = (ms: number): Deadline => new Deadline(ms, () => 0);

const verified = (p: Problem, plan: ReturnType<typeof planTiersWith>): string[] => verifyTieredPlan(p, plan.memories, plan.memory, plan.offsets, plan.usage.map((u) => u.used)).errors;

/**
 * planTiersWith() with 90% of the heuristic's estimate for `n` buffers left, on a clock that stands
 * still until the first solve and then jumps past the end; `solved` lists each solve's buffers.
 */
function shortOfTime(p: Problem, memories: MemoryTier[], n: number): { plan: ReturnType<typeof planTiersWith>; solved: number[] } {
  let now = 0;
  const deadline = new Deadline(n * HEURISTIC_MS_PER_BUFFER * 0.9, () => now);
  const solved: number[] = [];
  const plan = planTiersWith(p, memories, { deadline }, (q, o) => ((now = 1e12), solved.push(q.buffers.length), solve(q, o)));
  return { plan, solved };
}

describe('memory tiers: one arena cut into bands when the time left is short', () => {
  const n = BANDS_MIN_BUFFERS + 904;
  const p = scatteredProblem(n, 3);
  const memories = threeMemories(p);

  it('below the heuristic\'s estimate: one solve of every buffer, cut by address, verified, and the report says the limit chose it', () => {
    // The clock stands still until the first solve, then jumps past the end (without the bands: one round, then the rest first fit).
    const { plan, solved } = shortOfTime(p, memories, n);
    expect(solved).toEqual([n]);
    expect(plan.how).toBe('bands');
    expect(plan.memory.length).toBe(n);
    expect(verified(p, plan)).toEqual([]);
    plan.usage.forEach((u) => {
      if (u.capacity !== undefined) expect(u.used, u.name).toBeLessThanOrEqual(u.capacity);
      expect(u.bound, u.name).toBeLessThanOrEqual(u.used);
      expect(u.buffers, u.name).toBeGreaterThan(0);
    });
    expect(plan.usage.reduce((s, u) => s + u.buffers, 0)).toBe(n);
    expect(plan.bound).toBeLessThanOrEqual(plan.cost);
    expect(plan.limitCuts).toHaveLength(1);
    expect(plan.limitCuts![0]).toMatch(/^the time limit left too little for the heuristic over memories at 5000 buffers .*: one arena placed by greedy-size, cut into the memories by address; the \d+ buffers across a band's edge went to ddr, placed first fit among those there; then \d+ buffers moved up into faster memories where they fit \(first fit over the live range, by benefit\), until the time limit stopped it$/);
    expect(formatTieredReport(p, plan, 'p')).toContain('note: the time limit left too little for the heuristic over memories');
  });

  it('with the time the estimate asks for, the heuristic\'s way runs as before (several solves, no bands)', () => {
    // The clock stands still until the first solve, then jumps past the end: the rounds end after the first.
    let now = 0;
    const deadline = new Deadline(heuristicEstimateMs(n) * 1.1, () => now);
    const solved: number[] = [];
    const plan = planTiersWith(p, memories, { method: 'greedy-size', deadline }, (q, o) => ((now = 1e12), solved.push(q.buffers.length), solve(q, o)));
    // The heuristic's plan, or the baseline's when it costs less (the baseline ran while the clock stood still).
    expect(['greedy', 'fill-fastest-first']).toContain(plan.how);
    expect(solved.length).toBe(3);
    expect(verified(p, plan)).toEqual([]);
  });

  it('below BANDS_MIN_BUFFERS buffers, and in fit\'s case (two memories as --capacity), never', () => {
    const small = scatteredProblem(BANDS_MIN_BUFFERS - 1, 3);
    expect(planTiersWith(small, threeMemories(small), { method: 'greedy-size', deadline: frozen(0) }).how).not.toBe('bands');
    const two: MemoryTier[] = [memories[0]!, memories[2]!];
    expect(planTiersWith(p, two, { method: 'greedy-size', deadline: frozen(0) }).how).not.toBe('bands');
  });

  it('a buffer across a band\'s edge or off the memory\'s alignment there goes to the last memory; what stays keeps its offset less the band\'s start', () => {
    const aligned = threeMemories(p, 64);
    // One arena of every buffer, each on top of the one before: many cross an edge, many are off 64 bytes.
    const offsets: number[] = [];
    let top = 0;
    for (const b of p.buffers) (offsets.push(top), (top += b.size));
    const whole = { ...solve({ buffers: p.buffers.slice(0, 1) }), offsets, method: 'stacked' };
    const plan = bandsPlan(p, aligned, whole, 'test', 0)!;
    expect(verified(p, plan)).toEqual([]);
    const starts = [0, aligned[0]!.capacity!, aligned[0]!.capacity! + aligned[1]!.capacity!];
    let moved = 0;
    p.buffers.forEach((b, i) => {
      const m = plan.memory[i]!;
      const band = offsets[i]! >= starts[2]! ? 2 : offsets[i]! >= starts[1]! ? 1 : 0;
      const stays = (offsets[i]! - starts[band]!) % 64 === 0 && (band === 2 || offsets[i]! - starts[band]! + b.size <= aligned[band]!.capacity!);
      if (stays) expect([m, plan.offsets[i]], b.id).toEqual([band, offsets[i]! - starts[band]!]);
      else (expect(m, b.id).toBe(2), moved++);
    });
    expect(moved).toBeGreaterThan(0);
    expect(plan.usage[2]!.method).toBe('stacked + first fit');
  });

  it('a bounded last memory that holds the top of the arena: the bands too (issue #10: 20,000 buffers over three bounded memories took 2.6-2.9 x a 1 s limit)', () => {
    const lb = liveBound(p);
    const bounded: MemoryTier[] = [memories[0]!, memories[1]!, { name: 'ddr', capacity: 4 * lb, cost: 10 }];
    const { plan, solved } = shortOfTime(p, bounded, n);
    expect(solved).toEqual([n]);
    expect(plan.how).toBe('bands');
    expect(verified(p, plan)).toEqual([]);
    plan.usage.forEach((u) => expect(u.used, u.name).toBeLessThanOrEqual(u.capacity!));
    expect(plan.limitCuts![0]).toMatch(/^the time limit left too little for the heuristic over memories/);
  });

  it('a bounded last memory too small for the top of the arena: no bands plan; the planner says so and goes the heuristic\'s way, verified', () => {
    const lb = liveBound(p);
    // Every buffer stacked on the one before: the top of that arena is far above 2 x the live bound.
    const offsets: number[] = [];
    let top = 0;
    for (const b of p.buffers) (offsets.push(top), (top += b.size));
    const whole = { ...solve({ buffers: p.buffers.slice(0, 1) }), offsets, method: 'stacked' };
    const small: MemoryTier[] = [memories[0]!, memories[1]!, { name: 'ddr', capacity: 2 * lb, cost: 10 }];
    expect(bandsPlan(p, small, whole, 'test', 0)).toBeUndefined();
    // Through the planner, the one arena stacked as above (the first solve), then the heuristic's own solves.
    let now = 0;
    const deadline = new Deadline(n * HEURISTIC_MS_PER_BUFFER * 0.9, () => now);
    const solved: number[] = [];
    const plan = planTiersWith(p, small, { method: 'greedy-size', deadline }, (q, o) => {
      solved.push(q.buffers.length);
      if (solved.length === 1) return { ...solve(q, o), offsets };
      now = 1e12;
      return solve(q, o);
    });
    expect(solved[0]).toBe(n);
    expect(solved.length).toBeGreaterThan(1);
    expect(plan.how).not.toBe('bands');
    expect(plan.limitCuts![0]).toBe(`the time limit left too little for the heuristic over memories at ${n} buffers, but one arena cut into the memories by address did not fit ddr's capacity: the heuristic ran in the time left`);
    if (plan.memory.length > 0) expect(verified(p, plan)).toEqual([]);
  });

  it('bandsOpen: not with a read-only memory, a bounded one before the last, a pinned buffer or one that names its memories', () => {
    expect(bandsOpen(p, memories)).toBe(true);
    // Every memory bounded: open when their capacities together reach the live bound (else no plan fits at all).
    expect(bandsOpen(p, memories.slice(0, 2))).toBe(false);
    expect(bandsOpen(p, [memories[0]!, { ...memories[1]!, capacity: liveBound(p) }])).toBe(true);
    expect(bandsOpen(p, [memories[0]!, memories[2]!, memories[1]!])).toBe(false);
    expect(bandsOpen(p, [...memories.slice(0, 2), { name: 'flash', cost: 1, readOnly: true, capacity: 1 << 30 }, memories[2]!])).toBe(false);
    const with1 = (extra: Partial<Problem['buffers'][number]>): Problem => ({ buffers: [{ ...p.buffers[0]!, ...extra }, ...p.buffers.slice(1)] });
    expect(bandsOpen(with1({ offset: 0 }), memories)).toBe(false);
    expect(bandsOpen(with1({ spillable: false }), memories)).toBe(false);
    expect(bandsOpen(with1({ memories: ['ddr'] }), memories)).toBe(false);
  });

  it('meetingAny: the placed buffers whose range meets some added one\'s, as the scan of every pair finds them; first fit among them places as among all', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const q = scatteredProblem(600, seed, 150);
      const placed = q.buffers.flatMap((_, i) => (i % 7 !== 0 ? [i] : []));
      const add = q.buffers.flatMap((_, i) => (i % 7 === 0 && i % 3 === 0 ? [i] : []));
      const meets = (i: number, j: number): boolean => q.buffers[i]!.start < q.buffers[j]!.end && q.buffers[j]!.start < q.buffers[i]!.end;
      expect(meetingAny(q, placed, add)).toEqual(placed.filter((i) => add.some((j) => meets(i, j))));
      // Offsets of the placed ones: stacked in order (valid: no two share a byte).
      const base: number[] = new Array<number>(q.buffers.length).fill(0);
      let top = 0;
      for (const i of placed) (base[i] = top, (top += q.buffers[i]!.size));
      const a = base.slice();
      const b = base.slice();
      const mems: MemoryTier[] = [{ name: 'ddr', cost: 1, align: 16 }];
      firstFitInto({ problem: q, memories: mems }, 0, placed, add, a);
      firstFitInto({ problem: q, memories: mems }, 0, meetingAny(q, placed, add), add, b);
      expect(b).toEqual(a);
    }
  });
});
