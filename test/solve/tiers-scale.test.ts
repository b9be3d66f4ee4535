// The structures that keep memory tiers and the GLPK models near-linear in the buffers (issue #10,
// "Scale and limits"): liveSets in one sweep, fillFastestFirst finding overlaps by time. Each is
// checked against its definition (a scan of every buffer) on random problems.
import { describe, expect, it } from 'vitest';
import type { Buffer, MemoryTier, Problem } from '../../src/problem/types.js';
import { verifyTieredPlan } from '../../src/problem/verify.js';
import { liveSets } from '../../src/solve/ilp/sections.js';
import { formatTieredReport, tieredPlanToJson } from '../../src/export/tiers.js';
import { fillFastestFirst, greedyByDensity, improveAssignment, planTiersWith, tierInstance } from '../../src/solve/tiers/index.js';
import { demote, demoteAll, fillFastestFirstUntil, firstFitInto } from '../../src/solve/tiers/greedy.js';
import { liveBound } from '../../src/problem/bounds.js';
import { solve } from '../../src/solve/solve.js';
import { Deadline } from '../../src/solve/deadline.js';
import { rng, scatteredProblem } from '../helpers/problems.js';

/** The live sets by their definition: per step where a buffer starts, the buffers live there; a set inside the next or previous one dropped. */
function liveSetsByDefinition(problem: Problem): number[][] {
  const bs = problem.buffers;
  const starts = [...new Set(bs.map((b) => b.start))].sort((a, b) => a - b);
  const sets = starts.map((t) => bs.map((_, i) => i).filter((i) => bs[i]!.start <= t && t < bs[i]!.end));
  return sets.filter((set, k) => {
    const within = (other: number[] | undefined): boolean => other !== undefined && other.length > set.length && set.every((i) => other.includes(i));
    return !within(sets[k - 1]) && !within(sets[k + 1]);
  });
}

/** Random buffers, long and short, some ranges repeated (equal starts and ends). */
function mixedProblem(n: number, seed: number): Problem {
  const r = rng(seed);
  const buffers: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const start = Math.floor(r() * 40);
    const long = r() < 0.2;
    buffers.push({ id: `b${i}`, size: 1 + Math.floor(r() * (r() < 0.5 ? 64 : 4096)), start, end: start + 1 + Math.floor(r() * (long ? 40 : 4)) });
  }
  return { buffers };
}


/** tcm (1/4 of the live bound), sram (1/2) and ddr (`ddr` bytes, or unbounded), costs 1, 2 and 10. */
function tcmSramDdr(p: Problem, ddr?: number): MemoryTier[] {
  const lb = liveBound(p);
  return [
    { name: 'tcm', capacity: Math.floor(lb / 4), cost: 1 },
    { name: 'sram', capacity: Math.floor(lb / 2), cost: 2 },
    { name: 'ddr', ...(ddr !== undefined ? { capacity: ddr } : {}), cost: 10 },
  ];
}
describe('liveSets: one sweep', () => {
  it('gives the sets of its definition, in step order, each ascending', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const p = mixedProblem(1 + (seed % 50), seed);
      expect(liveSets(p), `seed ${seed}`).toEqual(liveSetsByDefinition(p));
    }
  });

  it('every pair of buffers that overlap in time shares a set', () => {
    const p = scatteredProblem(400, 3);
    const sets = liveSets(p).map((s) => new Set(s));
    const bs = p.buffers;
    for (let i = 0; i < bs.length; i++)
      for (let j = i + 1; j < bs.length; j++)
        if (bs[i]!.start < bs[j]!.end && bs[j]!.start < bs[i]!.end) expect(sets.some((s) => s.has(i) && s.has(j)), `${i}, ${j}`).toBe(true);
  });
});

/** fillFastestFirst's placements by their definition: every buffer placed before it in the memory is looked at. */
function fillByDefinition(problem: Problem, memories: readonly MemoryTier[]): { memory: number[]; offsets: number[] } | undefined {
  const bs = problem.buffers;
  const memory = bs.map(() => -1);
  const offsets = bs.map(() => 0);
  const placed: number[][] = memories.map(() => []);
  const order = bs.map((_, i) => i).sort((x, y) => Number(bs[y]!.offset !== undefined) - Number(bs[x]!.offset !== undefined) || bs[y]!.size - bs[x]!.size || bs[x]!.start - bs[y]!.start || x - y);
  for (const i of order) {
    const b = bs[i]!;
    for (let m = 0; m < memories.length && memory[i] === -1; m++) {
      const others = placed[m]!.filter((j) => bs[j]!.start < b.end && b.start < bs[j]!.end).sort((x, y) => offsets[x]! - offsets[y]!);
      let at: number | undefined;
      if (b.offset !== undefined) at = others.every((j) => b.offset! + b.size <= offsets[j]! || offsets[j]! + bs[j]!.size <= b.offset!) ? b.offset : undefined;
      else {
        at = 0;
        for (const j of others) {
          if (at + b.size <= offsets[j]!) break;
          at = Math.max(at, offsets[j]! + bs[j]!.size);
        }
      }
      const cap = memories[m]!.capacity;
      if (at === undefined || (cap !== undefined && at + b.size > cap)) continue;
      memory[i] = m;
      offsets[i] = at;
      placed[m]!.push(i);
    }
    if (memory[i] === -1) return undefined;
  }
  return { memory, offsets };
}

/** tcm (1/`tcm` of the problem's bytes, cost 1), sram (1/`sram` of them, cost 2) and an unbounded ddr (cost 10). */
function threeMemories(p: Problem, tcm: number, sram: number): MemoryTier[] {
  const total = p.buffers.reduce((s, b) => s + b.size, 0);
  return [
    { name: 'tcm', capacity: Math.floor(total / tcm), cost: 1 },
    { name: 'sram', capacity: Math.floor(total / sram), cost: 2 },
    { name: 'ddr', cost: 10 },
  ];
}

describe('fillFastestFirst: overlaps found by time', () => {
  it('places as the scan of every placed buffer does, on random problems, and its plans verify', () => {
    let compared = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const p = mixedProblem(20 + seed * 5, seed);
      const memories = threeMemories(p, 40, 8);
      const got = fillFastestFirst(tierInstance(p, memories));
      const want = fillByDefinition(p, memories);
      expect(got === undefined, `seed ${seed}`).toBe(want === undefined);
      if (got === undefined || want === undefined) continue;
      expect([got.memory, got.offsets], `seed ${seed}`).toEqual([want.memory, want.offsets]);
      const peaks = memories.map((_, m) => Math.max(0, ...p.buffers.map((b, i) => (got.memory[i] === m ? got.offsets[i]! + b.size : 0))));
      expect(verifyTieredPlan(p, memories, got.memory, got.offsets, peaks).errors, `seed ${seed}`).toEqual([]);
      compared++;
    }
    expect(compared).toBeGreaterThan(30);
  });
});

describe('demoteAll: a batch of units moved with the loads counted once', () => {
  it('moves each unit where demote() called one unit at a time (loads counted afresh each call) moves it, on random problems', () => {
    let movedSome = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const p = mixedProblem(30 + seed * 4, seed);
      const memories = threeMemories(p, 30, 6);
      const inst = tierInstance(p, memories);
      const r = rng(seed);
      // Everything starts in the first memory it may use; a random half of the units is demoted.
      const start = inst.allowed.map((a) => a.findIndex((x) => x));
      const batch = start.map((_, u) => u).filter(() => r() < 0.5);
      const one = [...start];
      let any = false;
      for (const u of batch) any = demote(inst, one, u) || any;
      const all = [...start];
      expect(demoteAll(inst, all, batch), `seed ${seed}`).toBe(any);
      expect(all, `seed ${seed}`).toEqual(one);
      if (one.some((m, u) => m !== start[u])) movedSome++;
    }
    expect(movedSome).toBeGreaterThan(20);
  });
});

describe('memory tiers: the baseline keeps to the time limit', () => {
  /** A deadline already passed, on a clock that never moves: every look at it says "passed", on any machine. */
  const expired = (): Deadline => new Deadline(0, () => 1);

  it('a deadline passed before the baseline ends: it is left out, the plan is still verified, and the report says so', () => {
    const p = scatteredProblem(3000, 2);
    const memories: MemoryTier[] = [
      { name: 'sram', capacity: 64 * 1024, cost: 1 },
      { name: 'ddr', cost: 10 },
    ];
    // The baseline looks at the deadline after 1,024 buffers and stops (the solves end by it too: each gives its first plan).
    const plan = planTiersWith(p, memories, { method: 'greedy-size', deadline: expired() });
    expect(plan.baselineCut).toBe(true);
    expect(plan.baselineCost).toBe(Infinity);
    expect(plan.memory.length).toBe(p.buffers.length);
    expect(verifyTieredPlan(p, memories, plan.memory, plan.offsets, plan.usage.map((u) => u.used)).errors).toEqual([]);
    expect(formatTieredReport(p, plan, 'p')).toContain('fill-fastest-first baseline: left out, the time limit was reached');
    // With time on the same frozen clock: the baseline is there.
    expect(planTiersWith(p, memories, { method: 'greedy-size', deadline: new Deadline(1, () => 0) }).baselineCut).toBeUndefined();
  });

  it('when the heuristic finds no plan, the baseline cut by the deadline is run to its end: a verified plan on any machine', () => {
    // 1,024 groups, each at its own step: buffers of 4, 4, 6 and 6 bytes in two memories of 10. Denser traffic first
    // (the 4s), greedy by traffic per byte puts both 4s in the first memory, and then finds no room for the second 6;
    // the baseline, largest first, puts a 6 and a 4 in each memory.
    const buffers: Buffer[] = [];
    for (let g = 0; g < 1024; g++) {
      for (const [k, size] of [4, 4, 6, 6].entries()) buffers.push({ id: `g${g}b${k}`, size, start: g, end: g + 1, weight: size === 4 ? 8 : 6 });
    }
    const p: Problem = { buffers };
    const memories: MemoryTier[] = [
      { name: 'a', capacity: 10, cost: 1 },
      { name: 'b', capacity: 10, cost: 2 },
    ];
    const plan = planTiersWith(p, memories, { deadline: expired() });
    expect(plan.baselineCut).toBe(true);
    expect(plan.how).toBe('fill-fastest-first');
    expect(plan.memory.length).toBe(p.buffers.length);
    expect(verifyTieredPlan(p, memories, plan.memory, plan.offsets, plan.usage.map((u) => u.used)).errors).toEqual([]);
    // The live bound (20) is what a and b hold together: the bands were tried first (4,096 buffers), and did not fit b.
    expect(tieredPlanToJson(p, plan).limitCuts).toEqual([
      'the fill-fastest-first baseline was cut by the time limit, then run to its end: the heuristic had no plan',
      'the time limit left too little for the heuristic over memories at 4096 buffers, but one arena cut into the memories by address did not fit b\'s capacity: the heuristic ran in the time left',
    ]);
  });

  it('when the limit comes before every memory placed, the rounds end at once: what is above a capacity goes to the last memory, first fit, and the plan verifies', () => {
    // 2,000 buffers over tcm (1/4 of the live bound), sram (1/2) and ddr (unbounded): the greedy assignment fits
    // the capacity rows, but its placement in tcm and sram goes above them. With the deadline passed, another
    // round (each places every memory again: seconds at 10^5 buffers) would run past the limit.
    const p = scatteredProblem(2000, 1);
    const memories = tcmSramDdr(p);
    const solved: number[] = [];
    const plan = planTiersWith(p, memories, { deadline: expired() }, (q, o) => (solved.push(q.buffers.length), solve(q, o)));
    // One round of the three memories, no more (and no solve of every buffer in tcm: its capacity is below the live bound).
    expect(solved.length).toBe(3);
    expect(solved.reduce((a, b) => a + b, 0)).toBe(p.buffers.length);
    expect(plan.rounds).toBe(1);
    expect(plan.how).toBe('greedy');
    expect(plan.memory.length).toBe(p.buffers.length);
    expect(verifyTieredPlan(p, memories, plan.memory, plan.offsets, plan.usage.map((u) => u.used)).errors).toEqual([]);
    plan.usage.forEach((u, m) => {
      if (u.capacity !== undefined) expect(u.used, u.name).toBeLessThanOrEqual(u.capacity);
      expect(u.bound, u.name).toBeLessThanOrEqual(u.used);
      // Each memory's bound is at least the live bound of the buffers it holds (the kept ones, the moved ones).
      expect(u.bound, u.name).toBeGreaterThanOrEqual(liveBound({ buffers: p.buffers.filter((_, i) => plan.memory[i] === m) }));
    });
    expect(plan.usage[2]!.method).toMatch(/\+ first fit$/);
    expect(plan.limitCuts?.at(-1)).toMatch(/^the time limit came before every memory placed: the \d+ buffers above the capacities of tcm and sram went to ddr, placed first fit among those there$/);
  });

  it('with a bounded last memory that holds them, the rounds end at once too (first fit there, within its capacity)', () => {
    // As above, ddr bounded at 4 x the live bound: before, a bounded last memory let the rounds go on past the limit.
    const p = scatteredProblem(2000, 1);
    const memories = tcmSramDdr(p, 4 * liveBound(p));
    const solved: number[] = [];
    const plan = planTiersWith(p, memories, { deadline: expired() }, (q, o) => (solved.push(q.buffers.length), solve(q, o)));
    expect(solved.length).toBe(3);
    expect(plan.rounds).toBe(1);
    expect(plan.how).toBe('greedy');
    expect(verifyTieredPlan(p, memories, plan.memory, plan.offsets, plan.usage.map((u) => u.used)).errors).toEqual([]);
    plan.usage.forEach((u) => expect(u.used, u.name).toBeLessThanOrEqual(u.capacity!));
    expect(plan.limitCuts?.at(-1)).toMatch(/^the time limit came before every memory placed: the \d+ buffers above the capacities of tcm and sram went to ddr, placed first fit among those there$/);
  });

  it('no solve of every buffer in the first memory when the live bound is above its capacity (outside fit\'s case)', () => {
    const p = scatteredProblem(600, 4);
    const lb = liveBound(p);
    const solvedWith = (tcm: number): { sizes: number[]; plan: ReturnType<typeof planTiersWith> } => {
      const memories: MemoryTier[] = [
        { name: 'tcm', capacity: tcm, cost: 1 },
        { name: 'sram', capacity: lb, cost: 2 },
        { name: 'ddr', cost: 10 },
      ];
      const sizes: number[] = [];
      // The deadline passed: every solve gives its first plan and the rounds end after the first (the machine's speed plays no part).
      const plan = planTiersWith(p, memories, { method: 'greedy-size', deadline: expired() }, (q, o) => (sizes.push(q.buffers.length), solve(q, o)));
      expect(verifyTieredPlan(p, memories, plan.memory, plan.offsets, plan.usage.map((u) => u.used)).errors).toEqual([]);
      return { sizes, plan };
    };
    // Below the live bound: the first solve is already one memory's share.
    const below = solvedWith(Math.floor(lb / 3));
    expect(below.sizes[0]).toBeLessThan(p.buffers.length);
    // At the live bound the solve of them all in tcm is asked (it may fit), and its plan kept when it does.
    const at = solvedWith(lb);
    expect(at.sizes[0]).toBe(p.buffers.length);
  });

  it('firstFitInto: each added buffer at the lowest free aligned offset among those there, as the scan of every placed buffer finds it', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const p = mixedProblem(120, seed);
      const memories: MemoryTier[] = [{ name: 'ddr', cost: 1, align: 8 }];
      const inst = tierInstance(p, memories);
      const bs = p.buffers;
      // The first half already placed, each on top of the one before (valid: no two share bytes).
      const placed = bs.map((_, i) => i).filter((i) => i % 2 === 0);
      const add = bs.map((_, i) => i).filter((i) => i % 2 === 1);
      const offsets = bs.map(() => 0);
      let top = 0;
      for (const i of placed) (offsets[i] = top), (top += Math.ceil(bs[i]!.size / 8) * 8);
      const expected = [...offsets];
      const order = [...add].sort((x, y) => bs[y]!.size - bs[x]!.size || bs[x]!.start - bs[y]!.start || x - y);
      const done = [...placed];
      for (const i of order) {
        const others = done.filter((j) => bs[j]!.start < bs[i]!.end && bs[i]!.start < bs[j]!.end).sort((x, y) => expected[x]! - expected[y]!);
        let at = 0;
        for (const j of others) {
          if (at + bs[i]!.size <= expected[j]!) break;
          at = Math.max(at, Math.ceil((expected[j]! + bs[j]!.size) / 8) * 8);
        }
        expected[i] = at;
        done.push(i);
      }
      const peak = firstFitInto(inst, 0, placed, add, offsets);
      expect(offsets, `seed ${seed}`).toEqual(expected);
      expect(peak).toBe(Math.max(...bs.map((b, i) => offsets[i]! + b.size)));
      expect(verifyTieredPlan(p, memories, bs.map(() => 0), offsets, [peak]).errors, `seed ${seed}`).toEqual([]);
    }
  });

  it('with gaps or aliases (blocks), the baseline looks at the deadline too', () => {
    // A buffer with a gap: a block that is not a rectangle (fillFastestFirst places blocks, not buffers).
    const p = scatteredProblem(200, 3);
    p.buffers.push({ id: 'skip', size: 64, start: 0, end: 8, gaps: [{ start: 2, end: 6 }] });
    const inst = tierInstance(p, [{ name: 'sram', capacity: 1 << 20, cost: 1 }, { name: 'ddr', cost: 10 }]);
    let looks = 0;
    expect(fillFastestFirstUntil(inst, () => ++looks > 0)).toBe('cut');
    expect(looks).toBe(1);
  });

  it('the local search over memories stops at the deadline, its assignment still within the capacity rows', () => {
    const p = mixedProblem(400, 7);
    const memories = threeMemories(p, 30, 6);
    const inst = tierInstance(p, memories);
    const start = greedyByDensity(inst)!;
    const memory = [...start];
    expect(improveAssignment(inst, memory, undefined, () => true)).toBe('cut');
    const full = [...start];
    expect(improveAssignment(inst, full)).toBe(full);
    // Cut at once: no move was made past the first look (4,096 pairs), and every unit stays where it may live.
    expect(memory.every((m, u) => inst.allowed[u]![m])).toBe(true);
  });
});
