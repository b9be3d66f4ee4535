/**
 * A model's weights in memory tiers (issue #13, `--weights`): a small TFLite model built here, its
 * constants imported as whole-run buffers, flash a read-only memory. The split planModelTiers chooses
 * — which weights stay in flash, which are copied into faster memory, where each activation lives —
 * is the cheapest by brute force over every assignment, and every plan passes the verifier. TFLM's
 * arena is in the first memory, its tail estimate beside the head (planModelTiers): the memories
 * given to planModelTiers have the first one's size plus that tail (`given`), so the head has the
 * room the brute force is given.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { importTflite } from '../src/import/tflite/index.js';
import type { MemoryTier } from '../src/problem/types.js';
import { verifyTieredPlan } from '../src/problem/verify.js';
import { isWeightBuffer, planModelTiers, tflmTiers, weightTiers, withTraffic } from '../src/plan-model-tiers.js';
import { tflmTailReserve } from '../src/runtime/tflm/tail-reserve.js';
import { bruteForceTiers } from './helpers/brute-force.js';
import { buildTflite, FIXTURES } from './helpers/tflite-builder.js';
import { scratchFixtures } from './helpers/scratch-fixtures.js';
import { solve } from '../src/solve/solve.js';

const MCU = (dtcm: number, sram: number, flashCost: number, psram = true): MemoryTier[] => [
  { name: 'dtcm', capacity: dtcm, cost: 1 },
  { name: 'sram', capacity: sram, cost: 2 },
  { name: 'flash', cost: flashCost, readOnly: true },
  ...(psram ? [{ name: 'psram', cost: 20 }] : []),
];

describe('planModelTiers with the weights taking part (flash read-only)', () => {
  const bytes = buildTflite(FIXTURES.weighted());
  const model = importTflite(bytes, 'weighted.tflite', { includeWeights: true });
  const sg = model.subgraphs[0]!;
  const tail = tflmTailReserve(model).tail.bytes;
  /** The memories with the first one's size plus TFLM's tail (unless read-only: no arena there). */
  const given = (memories: readonly MemoryTier[]): MemoryTier[] =>
    memories.map((m, i) => (i === 0 && m.readOnly !== true && m.capacity !== undefined ? { ...m, capacity: m.capacity + tail } : m));

  it('weights may live anywhere (flash or copied), activations anywhere but flash; traffic is size x readers for weights', () => {
    const problem = withTraffic(sg, MCU(256, 512, 8));
    const byName = new Map(problem.buffers.map((b, i) => [sg.names[i]!, b]));
    expect([...byName.keys()].sort()).toEqual(['wa', 'wb', 'wc', 'x', 'y0', 'y1', 'y2', 'y3']);
    expect(byName.get('wa')!.weight).toBe(256);
    expect(byName.get('wb')!.weight).toBe(512);
    expect(byName.get('wc')!.weight).toBe(64);
    expect(byName.get('y0')!.weight).toBe(256);
    expect(byName.get('y3')!.weight).toBe(128);
    problem.buffers.forEach((b, i) => expect(b.memories, sg.names[i]).toEqual(isWeightBuffer(sg, i) ? ['dtcm', 'sram', 'flash', 'psram'] : undefined));
    // Without a read-only memory the weights are ordinary buffers (no per-buffer memories).
    expect(withTraffic(sg, MCU(256, 512, 8).filter((m) => m.readOnly !== true)).buffers.every((b) => b.memories === undefined)).toBe(true);
  });

  const cases: [string, MemoryTier[]][] = [
    ['dtcm 128 + sram 256, flash 8', MCU(128, 256, 8)],
    ['dtcm 256 + sram 512, flash 8', MCU(256, 512, 8)],
    ['dtcm 128 + sram 384, flash 3', MCU(128, 384, 3)],
    ['dtcm 256 + sram 256, flash 4, no PSRAM', MCU(256, 256, 4, false)],
    ['flash listed first', [{ name: 'flash', cost: 5, readOnly: true }, ...MCU(128, 512, 5).filter((m) => m.readOnly !== true)]],
  ];
  for (const [name, memories] of cases) {
    it(`${name}: the chosen split is the cheapest over every assignment (brute force); verified`, async () => {
      const problem = withTraffic(sg, memories);
      const best = bruteForceTiers(problem, memories);
      const plans = await planModelTiers(model, given(memories));
      const plan = plans[0];
      expect(plan!.memory.length).toBe(problem.buffers.length);
      // TFLM's tail is counted in the first memory (not in flash listed first: no arena there).
      const tflm = tflmTiers(model, plans, given(memories));
      if (memories[0]!.readOnly === true) expect(tflm).toBeUndefined();
      else expect([tflm!.memory, tflm!.tail, tflm!.capacity]).toEqual([memories[0]!.name, tail, given(memories)[0]!.capacity]);
      const v = verifyTieredPlan(problem, memories, plan!.memory, plan!.offsets, plan!.usage.map((u) => u.used));
      expect(v.errors).toEqual([]);
      expect(plan!.cost).toBe(best);
      expect(plan!.status).toBe('optimal');
      const flash = memories.findIndex((m) => m.readOnly === true);
      const copied = problem.buffers.reduce((s, b, i) => s + (isWeightBuffer(sg, i) && plan!.memory[i] !== flash ? b.size : 0), 0);
      expect(plan!.copyInBytes).toBe(copied);
      problem.buffers.forEach((_, i) => {
        if (!isWeightBuffer(sg, i)) expect(plan!.memory[i], sg.names[i]).not.toBe(flash);
      });
    });
  }

  it('room to spare: the hot weights are copied; no room: every weight stays in flash and the activations keep the fast memories', async () => {
    const roomy = MCU(2048, 4096, 8);
    const [all] = await planModelTiers(model, given(roomy));
    expect(all!.copyInBytes).toBe(128 + 512 + 64);
    const tight = MCU(128, 128, 8);
    const [plan] = await planModelTiers(model, given(tight));
    const where = new Map(sg.names.map((n, i) => [n, tight[plan!.memory[i]!]!.name]));
    expect(['wa', 'wb', 'wc'].map((w) => where.get(w))).toEqual(['flash', 'flash', 'flash']);
    expect(['x', 'y0', 'y1', 'y2', 'y3'].every((a) => where.get(a) !== 'psram')).toBe(true);
  });
});

describe('weightTiers: the memory named flash holds the weights (--weights, the page\'s weights box)', () => {
  const list: MemoryTier[] = [{ name: 'sram', capacity: 512, cost: 2 }, { name: 'Flash', cost: 8 }, { name: 'psram', cost: 20 }];
  it('marks flash (any case) read-only with weights; refuses weights without flash and flash without weights', () => {
    expect(weightTiers(list, true).map((m) => m.readOnly ?? false)).toEqual([false, true, false]);
    expect(list[1]!.readOnly).toBeUndefined();
    expect(() => weightTiers(list, false)).toThrow(/memory Flash: a memory named flash holds the model's weights.*--weights/);
    expect(() => weightTiers([list[0]!, list[2]!], true)).toThrow(/--weights needs a memory named flash/);
    expect(weightTiers([list[0]!, list[2]!], false)).toEqual([list[0]!, list[2]!]);
  });
});

describe('planModelTiers keeps to one time limit', () => {
  afterEach(() => vi.restoreAllMocks());

  it('a TFLite model whose kernel scratch makes it plan twice: both passes end by the one deadline (a fake clock)', async () => {
    const fx = scratchFixtures().find((f) => f.name === 'add_n_float')!;
    const model = importTflite(buildTflite(fx.spec), `${fx.name}.tflite`);
    const tail = tflmTailReserve(model).tail.bytes;
    const free: MemoryTier[] = [{ name: 'chip', cost: 1 }];
    const head = tflmTiers(model, await planModelTiers(model, free, { method: 'greedy-size' }), free)!.head;
    // 16 B short of the head: the first pass (tensors alone) does not leave the scratch its room, so a second pass runs.
    const memories: MemoryTier[] = [{ name: 'chip', capacity: tail + head - 16, cost: 1 }, { name: 'ddr', cost: 10 }];
    // The clock the deadline reads (performance.now) is faked: each solve takes 6 s of it; the limit is 10 s.
    let fake = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => fake);
    const calls: { at: number; passed: boolean }[] = [];
    const plans = await planModelTiers(model, memories, { method: 'greedy-size', timeLimitMs: 10_000 }, (p, o) => {
      calls.push({ at: fake, passed: o.deadline?.passed() ?? false });
      fake += 6_000;
      const { deadline: _d, timeLimitMs: _t, ...rest } = o;
      return solve(p, rest);
    });
    vi.restoreAllMocks();
    const late = calls.filter((c) => c.at >= 10_000);
    // Some solves came after the 10 s (the second pass among them), and every one of them was told the time was up.
    expect(late.length).toBeGreaterThan(0);
    expect(late.every((c) => c.passed)).toBe(true);
    const plan = plans[0]!;
    const problem = model.subgraphs[0]!.problem;
    expect(plan.memory.length).toBe(problem.buffers.length);
    // Memory 0's `used` keeps the scratch's room too: the tensors are checked against the peaks of their own offsets, within it.
    const peaks = plan.memories.map((_, m) => Math.max(0, ...problem.buffers.map((b, i) => (plan.memory[i] === m ? plan.offsets[i]! + b.size : 0))));
    expect(peaks[0]).toBeLessThanOrEqual(plan.usage[0]!.used);
    expect(verifyTieredPlan(problem, plan.memories, plan.memory, plan.offsets, peaks).errors).toEqual([]);
  });
});
