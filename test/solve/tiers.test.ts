import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/import/csv.js';
import { InputError } from '../../src/problem/errors.js';
import type { Buffer, MemoryTier, Problem } from '../../src/problem/types.js';
import { validateProblem } from '../../src/problem/validate.js';
import { verifyTieredPlan } from '../../src/problem/verify.js';
import { solve } from '../../src/solve/solve.js';
import { planWithSpill } from '../../src/solve/spill.js';
import { fillFastestFirst, planTiers, planTiersWith, tierInstance, costOf, type TieredPlan } from '../../src/solve/tiers/index.js';
import { bruteForceTiers } from '../helpers/brute-force.js';
import { rng } from '../helpers/problems.js';
import { CAP_CSV, SPILL_CSV } from '../helpers/spill-inputs.js';

/** The plan goes through the independent verifier, memory by memory; its claims are the verifier's figures. */
function checked(problem: Problem, plan: TieredPlan): TieredPlan {
  if (plan.memory.length === 0) return plan;
  const v = verifyTieredPlan(problem, plan.memories, plan.memory, plan.offsets, plan.usage.map((u) => u.used));
  expect(v.errors).toEqual([]);
  const cost = problem.buffers.reduce((s, b, i) => s + (b.weight ?? b.size) * plan.memories[plan.memory[i]!]!.cost, 0);
  expect(plan.cost).toBeCloseTo(cost, 6);
  return plan;
}

/** A small random tiers problem: 3-8 buffers, 2-3 memories, some pinned, some restricted, some aligned. */
function randomTiers(seed: number): { problem: Problem; memories: MemoryTier[] } {
  const r = rng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const n = int(3, 8);
  const k = int(2, 3);
  const names = ['tcm', 'sram', 'ddr'].slice(3 - k);
  const buffers: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const start = int(0, 5);
    const b: Buffer = { id: `b${i}`, size: r() < 0.5 ? [16, 24, 32, 48, 64][int(0, 4)]! : int(1, 64), start, end: start + int(1, 4) };
    if (r() < 0.7) b.weight = int(0, 300);
    if (r() < 0.15) b.align = 8;
    if (r() < 0.1) b.spillable = false;
    else if (r() < 0.15) b.memories = names.filter(() => r() < 0.6).concat(names[k - 1]!);
    buffers.push(b);
  }
  const problem: Problem = { buffers };
  let live = 0;
  for (let t = 0; t < 10; t++) live = Math.max(live, buffers.reduce((s, b) => s + (b.start <= t && t < b.end ? b.size : 0), 0));
  let cost = 1;
  const memories = names.map((name, m): MemoryTier => {
    cost += int(0, 5);
    const mem: MemoryTier = { name, cost };
    if (m < k - 1 || r() < 0.2) mem.capacity = Math.max(8, Math.round(live * (0.3 + 0.8 * r())));
    if (r() < 0.15) mem.align = 16;
    return mem;
  });
  return { problem, memories };
}

describe('memory tiers: exact against brute force', () => {
  it('on 60 random problems of <= 8 buffers and 2-3 memories, GLPK + placement + cuts give the least cost (or prove none), plans verified per memory', async () => {
    let proven = 0;
    let infeasible = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const { problem, memories } = randomTiers(seed);
      const best = bruteForceTiers(problem, memories);
      const plan = checked(problem, await planTiers(problem, memories));
      if (best === Infinity) {
        expect(plan.status, `seed ${seed}`).toBe('infeasible');
        infeasible++;
        continue;
      }
      expect(plan.cost, `seed ${seed}`).toBeCloseTo(best, 6);
      expect(plan.bound, `seed ${seed}`).toBeLessThanOrEqual(best + 1e-6);
      if (plan.status === 'optimal') proven++;
      // The heuristic alone: a valid plan, never below the optimum, never above the baseline.
      const heur = checked(problem, planTiersWith(problem, memories));
      if (heur.memory.length > 0) {
        expect(heur.cost, `seed ${seed}`).toBeGreaterThanOrEqual(best - 1e-6);
        expect(heur.cost, `seed ${seed}`).toBeLessThanOrEqual(heur.baselineCost);
      }
      expect(heur.bound, `seed ${seed}`).toBeLessThanOrEqual(best + 1e-6);
      expect(plan.cost).toBeLessThanOrEqual(plan.baselineCost + 1e-6);
    }
    // Small problems are proven (every cut an exact search's proof); some are infeasible by design.
    expect(proven + infeasible).toBe(60);
    expect(infeasible).toBeGreaterThan(0);
  }, 120_000);

  it('the fill-fastest-first baseline gives valid plans, never cheaper than the optimum', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const { problem, memories } = randomTiers(seed);
      const inst = tierInstance(problem, memories);
      const base = fillFastestFirst(inst);
      if (base === undefined) continue;
      const peaks = memories.map((_, m) => Math.max(0, ...problem.buffers.flatMap((b, i) => (base.memory[i] === m ? [base.offsets[i]! + b.size] : []))));
      expect(verifyTieredPlan(problem, memories, base.memory, base.offsets, peaks).errors).toEqual([]);
      expect(costOf(inst, base.unitMemory)).toBeGreaterThanOrEqual(bruteForceTiers(problem, memories) - 1e-6);
    }
  });
});

/**
 * A small random problem with weights: 2-3 whole-run buffers that may stay in a read-only flash or be
 * copied into a faster memory, 2-5 activations (7 buffers at most) that may not go to flash; tcm and sram bounded, flash
 * between them and PSRAM in cost, PSRAM (unbounded) present or not, flash listed first or third.
 */
function randomWeights(seed: number): { problem: Problem; memories: MemoryTier[] } {
  const r = rng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const steps = 6;
  const buffers: Buffer[] = [];
  const nw = int(2, 3);
  const na = int(2, 7 - nw);
  const withPsram = r() < 0.7;
  const flashFirst = r() < 0.3;
  const names = ['tcm', 'sram', 'flash', ...(withPsram ? ['psram'] : [])];
  for (let i = 0; i < nw; i++) {
    const size = [16, 32, 48, 64][int(0, 3)]!;
    buffers.push({ id: `w${i}`, size, start: 0, end: steps, weight: size * int(1, 3), memories: names });
  }
  for (let i = 0; i < na; i++) {
    const start = int(0, steps - 1);
    const size = [16, 32, 48, 64, 80][int(0, 4)]!;
    buffers.push({ id: `a${i}`, size, start, end: Math.min(steps, start + int(1, 3)), weight: size * int(1, 3) });
  }
  const problem: Problem = { buffers };
  let live = 0;
  for (let t = 0; t < steps; t++) live = Math.max(live, buffers.reduce((s, b) => s + (b.start <= t && t < b.end ? b.size : 0), 0));
  const tcm: MemoryTier = { name: 'tcm', capacity: 16 * int(1, Math.max(1, Math.floor(live / 48))), cost: 1 };
  const sram: MemoryTier = { name: 'sram', capacity: 16 * int(2, Math.max(2, Math.floor(live / 24))), cost: 2 };
  const flash: MemoryTier = { name: 'flash', cost: int(3, 9), readOnly: true, ...(r() < 0.3 ? { capacity: 400 } : {}) };
  const psram: MemoryTier = { name: 'psram', cost: 12 };
  const memories = [...(flashFirst ? [flash, tcm, sram] : [tcm, sram, flash]), ...(withPsram ? [psram] : [])];
  return { problem, memories };
}

describe('memory tiers: weights in a read-only flash (--weights)', () => {
  it('on 40 random problems, weights stay in flash or are copied where it pays: the least cost by brute force, plans verified (flash: no arena, copied weights counted in their memory)', async () => {
    let copied = 0;
    let stayed = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const { problem, memories } = randomWeights(seed);
      const best = bruteForceTiers(problem, memories);
      const plan = checked(problem, await planTiers(problem, memories));
      const flash = memories.findIndex((m) => m.readOnly === true);
      if (best === Infinity) {
        expect(plan.status, `seed ${seed}`).not.toBe('optimal');
        expect(plan.memory.length, `seed ${seed}`).toBe(0);
        continue;
      }
      expect(plan.cost, `seed ${seed}`).toBeCloseTo(best, 6);
      expect(plan.bound, `seed ${seed}`).toBeLessThanOrEqual(best + 1e-6);
      // Activations never in flash; flash has no arena; the copy-in bytes are the weights put elsewhere.
      problem.buffers.forEach((b, i) => {
        if (b.memories === undefined) expect(plan.memory[i], `seed ${seed} ${b.id}`).not.toBe(flash);
      });
      expect(plan.usage[flash]!.used).toBe(0);
      const out = problem.buffers.reduce((s, b, i) => s + (b.memories !== undefined && plan.memory[i] !== flash ? b.size : 0), 0);
      expect(plan.copyInBytes, `seed ${seed}`).toBe(out);
      if (out > 0) copied++;
      if (problem.buffers.some((b, i) => b.memories !== undefined && plan.memory[i] === flash)) stayed++;
      // The heuristic alone (the page, no GLPK): valid, never below the optimum, its bound valid.
      const heur = checked(problem, planTiersWith(problem, memories));
      if (heur.memory.length > 0) expect(heur.cost, `seed ${seed}`).toBeGreaterThanOrEqual(best - 1e-6);
      expect(heur.bound, `seed ${seed}`).toBeLessThanOrEqual(best + 1e-6);
      expect(plan.cost).toBeLessThanOrEqual(plan.baselineCost + 1e-6);
    }
    // Both outcomes occur: some weights are worth the SRAM they take, some are not.
    expect(copied).toBeGreaterThan(5);
    expect(stayed).toBeGreaterThan(5);
  }, 120_000);

  it('the verifier refuses an activation in flash and weights beyond its capacity; validation refuses such memories', () => {
    const memories: MemoryTier[] = [{ name: 'sram', capacity: 64, cost: 1 }, { name: 'flash', cost: 5, readOnly: true, capacity: 40 }];
    const problem: Problem = {
      buffers: [
        { id: 'w', size: 32, start: 0, end: 4, memories: ['sram', 'flash'] },
        { id: 'v', size: 8, start: 0, end: 4, memories: ['sram', 'flash'] },
        { id: 'a', size: 16, start: 1, end: 2 },
      ],
    };
    expect(verifyTieredPlan(problem, memories, [1, 1, 0], [0, 0, 0]).errors).toEqual([]);
    expect(verifyTieredPlan(problem, memories, [1, 0, 1], [0, 0, 0]).errors.join()).toMatch(/buffer "a" is in read-only memory "flash" without naming it/);
    const over = verifyTieredPlan(problem, [memories[0]!, { ...memories[1]!, capacity: 36 }], [1, 1, 0], [0, 0, 0]);
    expect(over.errors.join()).toMatch(/memory "flash": its buffers take 40 B, more than its capacity 36/);
    // A copied weight counts in its memory's arena like any buffer: two whole-run weights over 64 B of SRAM do not fit.
    expect(verifyTieredPlan({ buffers: [problem.buffers[0]!, { ...problem.buffers[0]!, id: 'w2' }, { ...problem.buffers[2]!, size: 8 }] }, memories, [0, 0, 0], [0, 32, 64]).errors.join()).toMatch(/exceeds its capacity 64/);
    expect(() => validateProblem({ ...problem, memories: [memories[0]!, { ...memories[1]!, capacity: 30 }] })).toThrow(/memory "flash": the buffers that may live there .* take 40 B, more than its capacity 30 B/);
    expect(() => validateProblem({ buffers: [{ id: 'x', size: 8, start: 0, end: 1, spillable: false }], memories: [{ name: 'flash', cost: 1, readOnly: true }, { name: 'ddr', cost: 2 }] })).toThrow(/"flash" is read-only/);
    expect(() => validateProblem({ buffers: [{ id: 'x', size: 8, start: 0, end: 1 }], memories: [{ name: 'flash', cost: 1, readOnly: true }] })).toThrow(/leaves no memory it may use/);
  });
});

describe('memory tiers: two memories are --capacity', () => {
  const cases: [string, string, number][] = [
    ['spill.csv', SPILL_CSV, 65536],
    ['cap.csv', CAP_CSV, 100],
    ['cap.csv', CAP_CSV, 64],
  ];
  for (const [name, csv, capacity] of cases) {
    it(`${name} under ${capacity} B: on chip + DDR gives the plan --capacity gives`, async () => {
      const problem = parseCsv(csv, name);
      const p = { ...problem, capacity };
      const spilled = planWithSpill(p, solve(p));
      const plan = checked(problem, await planTiers(problem, [{ name: 'chip', capacity, cost: 0 }, { name: 'ddr', cost: 1 }]));
      const memory = spilled.spill ? spilled.spill.memory.map((m) => (m === 'chip' ? 0 : 1)) : problem.buffers.map(() => 0);
      expect(plan.memory).toEqual(memory);
      expect(plan.offsets).toEqual(spilled.offsets);
      expect(plan.cost).toBe(spilled.spill?.ddrTraffic ?? 0);
      expect(plan.status).toBe(spilled.spill === undefined || spilled.spill.choice === 'optimal' ? 'optimal' : 'feasible');
    });
  }
});

describe('memory tiers: the problem', () => {
  const buffers: Buffer[] = [
    { id: 'a', size: 64, start: 0, end: 2 },
    { id: 'b', size: 64, start: 1, end: 3, weight: 1000 },
  ];
  it('buffers with gaps or aliases: each alias in the memory of its root, at its offset (test/solve/tiers-tied.test.ts has the rest)', async () => {
    const memories: MemoryTier[] = [{ name: 'sram', capacity: 32, cost: 1 }, { name: 'ddr', cost: 10 }];
    const tied: Problem = { buffers: [{ ...buffers[0]!, size: 32 }, { ...buffers[1]!, size: 16, aliasOf: 'a', aliasOffset: 16 }, { id: 'c', size: 32, start: 1, end: 2, weight: 10 }] };
    const plan = await planTiers(tied, memories);
    expect(verifyTieredPlan(tied, memories, plan.memory, plan.offsets).errors).toEqual([]);
    // a and its view b carry 32 + 1000 bytes of traffic: their block takes sram, c goes to DDR.
    expect(plan.memory).toEqual([0, 0, 1]);
    expect(plan.offsets[1]).toBe(plan.offsets[0]! + 16);
    expect(plan.status).toBe('optimal');
  });
  it('three memories: the heavy buffer takes the fast one, the other goes down a tier; proven', async () => {
    const memories: MemoryTier[] = [
      { name: 'dtcm', capacity: 64, cost: 1 },
      { name: 'sram', capacity: 64, cost: 2 },
      { name: 'psram', cost: 20 },
    ];
    const plan = checked({ buffers }, await planTiers({ buffers }, memories));
    expect(plan.memory).toEqual([1, 0]);
    expect(plan.cost).toBe(64 * 2 + 1000);
    expect(plan.status).toBe('optimal');
    expect(plan.usage.map((u) => u.used)).toEqual([64, 64, 0]);
  });
  it('a buffer limited to some memories stays in them', async () => {
    const memories: MemoryTier[] = [
      { name: 'dtcm', capacity: 128, cost: 1 },
      { name: 'ddr', cost: 5 },
    ];
    const pinnedB = [buffers[0]!, { ...buffers[1]!, memories: ['ddr'] }];
    const plan = checked({ buffers: pinnedB }, await planTiers({ buffers: pinnedB }, memories));
    expect(plan.memory).toEqual([0, 1]);
    expect(plan.status).toBe('optimal');
  });
  it('bad memories are InputErrors naming the memory or buffer and the field', () => {
    const bad = (memories: unknown, bs: Buffer[] = buffers): string => {
      try {
        validateProblem({ buffers: bs, memories: memories as MemoryTier[] });
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(bad([])).toMatch(/non-empty array/);
    expect(bad([{ name: 'a', cost: 1 }, { name: 'b', cost: 2 }])).toMatch(/memory "a": capacity is missing: only the last memory may be unbounded/);
    expect(bad([{ name: 'a', capacity: 1, cost: 1 }, { name: 'a', cost: 2 }])).toMatch(/memory "a": name is used twice/);
    expect(bad([{ name: 'a', capacity: -5, cost: 1 }])).toMatch(/capacity must be a positive safe integer/);
    expect(bad([{ name: 'a', cost: -1 }])).toMatch(/memory "a": cost must be a non-negative number/);
    expect(bad([{ name: 'a', cost: 1, align: 3 }])).toMatch(/align must be a power of two/);
    expect(bad([{ name: 'a', cost: 1 }], [{ ...buffers[0]!, memories: ['sram'] }])).toMatch(/buffer "a": memories names memory "sram", which is not one of "a"/);
    expect(bad([{ name: 'a', capacity: 8, cost: 1 }, { name: 'b', cost: 1 }], [{ ...buffers[0]!, spillable: false, memories: ['b'] }])).toMatch(/buffer "a": memories leave out the first memory "a"/);
    expect(bad([{ name: 'a', cost: 1 }], [{ ...buffers[0]!, memories: 'a' as unknown as string[] }])).toMatch(/buffer "a": memories must be a non-empty array/);
  });
});
