/**
 * `npm run bench -- tiers [seconds]`: memory tiers (issue #13) on the model corpus. Every model of
 * ../shared/models/{tflite,onnx} x memory configurations (an MCU with DTCM + SRAM + PSRAM; an NPU with
 * 1 MiB and with 2 MiB of SRAM + DDR; an MCU scaled to the model: DTCM 10 % and SRAM 40 % of its live
 * bound + PSRAM): the traffic cost of arenapack's plan and of the fill-fastest-first baseline
 * (ExecuTorch's banked greedy), the lower bound, proven or not, and the time (limit per pair, default
 * 10 s). Then the two-memory case: chip = 60 % of the live bound (a TFLite model: plus TFLM's tail
 * estimate, which the tiers and --capacity both keep beside the head) + DDR, on the problem --capacity
 * plans (weight = size), must give --capacity's plan (memories and offsets). Then the weights (--weights):
 * the MCU with flash (read-only, cost 8) listed between SRAM and PSRAM, the model's constants imported
 * as whole-run buffers that stay in flash or are copied into DTCM/SRAM: the cost with the weights
 * taking part, against the cost without (the same buffers, every weight kept in flash: the plan when no
 * weight may be copied), the baseline, the bound, proven or not, the bytes copied in.
 * Every plan is checked by verifyTieredPlan inside the planner. `ARENAPACK_BENCH_TIERS=capacity` runs
 * the two-memory case alone.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImportedModel } from '../src/import/model.js';
import { planModel, reservedBytes } from '../src/plan-model.js';
import { isWeightBuffer, planModelProblemsTiers, planModelTiers, planStackedTiers, withTraffic } from '../src/plan-model-tiers.js';
import { planTiers } from '../src/solve/tiers/index.js';
import { liveBound } from '../src/problem/bounds.js';
import type { MemoryTier } from '../src/problem/types.js';
import { load } from './models.js';
import { printTable } from './table.js';

const KIB = 1024;
const CONFIGS: [string, (live: number) => MemoryTier[]][] = [
  ['MCU 64K+512K+PSRAM', () => [{ name: 'dtcm', capacity: 64 * KIB, cost: 1 }, { name: 'sram', capacity: 512 * KIB, cost: 2 }, { name: 'psram', cost: 20 }]],
  ['NPU 1M+DDR', () => [{ name: 'sram', capacity: 1024 * KIB, cost: 1 }, { name: 'ddr', cost: 10 }]],
  ['NPU 2M+DDR', () => [{ name: 'sram', capacity: 2048 * KIB, cost: 1 }, { name: 'ddr', cost: 10 }]],
  [
    'MCU 10%+40% LB+PSRAM',
    (live) => [{ name: 'dtcm', capacity: Math.max(16, Math.floor(live * 0.1)), cost: 1 }, { name: 'sram', capacity: Math.max(16, Math.floor(live * 0.4)), cost: 2 }, { name: 'psram', cost: 20 }],
  ],
];

/** The weights configuration: the first MCU with flash (read-only: the weights are stored there) at cost 8. */
const MCU_FLASH: MemoryTier[] = [
  { name: 'dtcm', capacity: 64 * KIB, cost: 1 },
  { name: 'sram', capacity: 512 * KIB, cost: 2 },
  { name: 'flash', cost: 8, readOnly: true },
  { name: 'psram', cost: 20 },
];

const corpus = (shared: string): [string, string][] =>
  (['tflite', 'onnx'] as const).flatMap((fmt) => {
    const dir = join(shared, 'models', fmt);
    return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(`.${fmt}`)).sort().map((f): [string, string] => [f, join(dir, f)]) : [];
  });

const sum = (xs: number[]): number => xs.reduce((s, x) => s + x, 0);

export async function benchTiers(shared: string, limitMs: number, only?: RegExp): Promise<void> {
  const files = corpus(shared).filter(([f]) => only === undefined || only.test(f));
  if (files.length === 0) {
    console.log(`\n(SKIPPED: no models under ${shared}/models)`);
    return;
  }
  const rows: string[][] = [];
  let pairs = 0;
  let proven = 0;
  let provenIn10 = 0;
  let nontrivial = 0;
  let provenNontrivial = 0;
  let worse = 0;
  let better = 0;
  let noPlan = 0;
  const equal: string[] = [];
  const differ: string[] = [];
  const sameCost: string[] = [];
  const skipped: string[] = [];
  const weightRows: string[][] = [];
  const capacityOnly = process.env.ARENAPACK_BENCH_TIERS === 'capacity';
  let tflite = 0;
  const w = { pairs: 0, planned: 0, proven: 0, worse: 0, better: 0, cheaperThanWithout: 0, worseThanWithout: 0, copied: 0, costWith: 0, costWithout: 0 };
  for (const [f, path] of files) {
    let model: ImportedModel;
    try {
      model = load(f, new Uint8Array(readFileSync(path)));
    } catch (e) {
      skipped.push(`${f} (${(e as Error).message.slice(0, 60)})`);
      continue;
    }
    if (model.subgraphs.every((sg) => sg.problem.buffers.length === 0)) continue;
    const live = Math.max(...model.subgraphs.map((sg) => liveBound(sg.problem)));
    for (const [name, config] of capacityOnly ? [] : CONFIGS) {
      const memories = config(live);
      const t0 = performance.now();
      const plans = await planModelTiers(model, memories, { timeLimitMs: limitMs });
      const ms = performance.now() - t0;
      pairs++;
      const ok = plans.length === model.subgraphs.length && plans.every((p) => p.memory.length > 0);
      if (!ok) {
        noPlan++;
        rows.push([f, name, String(sum(model.subgraphs.map((sg) => sg.problem.buffers.length))), 'no plan', '-', '-', '-', '-', plans[plans.length - 1]!.how, ms.toFixed(0)]);
        continue;
      }
      const cost = sum(plans.map((p) => p.cost));
      const base = sum(plans.map((p) => p.baselineCost));
      const bound = sum(plans.map((p) => p.bound));
      const isProven = plans.every((p) => p.status === 'optimal');
      const trivial = plans.every((p) => p.how === 'all-first');
      if (isProven) proven++;
      if (isProven && ms <= 10_000) provenIn10++;
      if (!trivial) {
        nontrivial++;
        if (isProven) provenNontrivial++;
      }
      if (cost > base) worse++;
      if (cost < base) better++;
      const how = [...new Set(plans.map((p) => p.how))].join('+');
      rows.push([
        f,
        name,
        String(sum(model.subgraphs.map((sg) => sg.problem.buffers.length))),
        String(cost),
        Number.isFinite(base) ? String(base) : 'none',
        Number.isFinite(base) && base > 0 ? `${(((base - cost) / base) * 100).toFixed(1)}%` : '-',
        String(Math.round(bound)),
        isProven ? 'yes' : `gap ${((cost - bound) / Math.max(bound, 1) * 100).toFixed(2)}%`,
        how,
        ms.toFixed(0),
      ]);
    }
    // The two-memory case: chip at 60 % of the live bound (TFLite: plus TFLM's tail estimate, kept
    // beside the head by both), DDR dearer, on the problem --capacity plans (weight = size, as fit
    // keeps the most bytes): the plan --capacity gives.
    const reserved = reservedBytes(model);
    const cap = Math.max(16, Math.floor(live * 0.6)) + reserved;
    const tiers = await planModelProblemsTiers(
      model,
      model.subgraphs.map((sg) => sg.problem),
      [{ name: 'chip', capacity: cap, cost: 0 }, { name: 'ddr', cost: 1 }],
      (p, m) => planTiers(p, m, { timeLimitMs: limitMs }),
    );
    const spill = planModel(model, { timeLimitMs: limitMs }, cap);
    if (reserved > 0) tflite++;
    const compare = spill.results.map((r, s) => {
      const t = tiers[s];
      // No plan over the memories: --capacity has none that fits either (not fitting, or its spill failed).
      if (t === undefined || t.memory.length === 0) return r.spill === undefined && (r.fits === false || r.spillFailure !== undefined || cap <= reserved) ? 2 : 0;
      const memory = r.spill ? r.spill.memory.map((m) => (m === 'chip' ? 0 : 1)) : r.offsets.map(() => 0);
      const cost = sum(model.subgraphs[s]!.problem.buffers.map((b, i) => (memory[i] === 1 ? (b.weight ?? b.size) : 0)));
      // 2: the same memories and offsets; 1: the same traffic cost; 0: not the same.
      return JSON.stringify(memory) === JSON.stringify(t.memory) && JSON.stringify(r.offsets) === JSON.stringify(t.offsets) ? 2 : t.cost === cost ? 1 : 0;
    });
    const same = compare.every((c) => c === 2);
    if (!same && compare.every((c) => c >= 1)) sameCost.push(f);
    (same ? equal : differ).push(f);
    if (capacityOnly) continue;

    // The weights taking part: flash read-only, each constant stays there or is copied into DTCM / SRAM.
    const withWeights = load(f, new Uint8Array(readFileSync(path)), { includeWeights: true });
    const weightBytes = sum(withWeights.subgraphs.map((sg) => sum(sg.problem.buffers.map((b, i) => (isWeightBuffer(sg, i) ? b.size : 0)))));
    if (weightBytes === 0) continue;
    // Without them taking part: the same buffers (an ONNX model's constant-derived tensors are planned only
    // with the weights), every weight kept in flash.
    const kept = await planStackedTiers(
      withWeights.subgraphs.map((sg) => {
        const p = withTraffic(sg, MCU_FLASH);
        return { ...p, buffers: p.buffers.map((b, i) => (isWeightBuffer(sg, i) ? { ...b, memories: ['flash'] } : b)) };
      }),
      MCU_FLASH,
      (p, m) => planTiers(p, m, { timeLimitMs: limitMs }),
    );
    const without = kept.length === withWeights.subgraphs.length && kept.every((p) => p.memory.length > 0) ? sum(kept.map((p) => p.cost)) : undefined;
    const t0 = performance.now();
    const plans = await planModelTiers(withWeights, MCU_FLASH, { timeLimitMs: limitMs });
    const ms = performance.now() - t0;
    const buffers = `${sum(withWeights.subgraphs.map((sg) => sg.problem.buffers.length))}`;
    w.pairs++;
    if (!(plans.length === withWeights.subgraphs.length && plans.every((p) => p.memory.length > 0))) {
      weightRows.push([f, buffers, without === undefined ? 'none' : String(without), 'no plan', '-', '-', '-', '-', '-', ms.toFixed(0)]);
      continue;
    }
    w.planned++;
    const cost = sum(plans.map((p) => p.cost));
    const base = sum(plans.map((p) => p.baselineCost));
    const bound = sum(plans.map((p) => p.bound));
    const isProven = plans.every((p) => p.status === 'optimal');
    const copied = sum(plans.map((p) => p.copyInBytes ?? 0));
    if (isProven) w.proven++;
    if (cost > base) w.worse++;
    if (cost < base) w.better++;
    if (copied > 0) w.copied++;
    if (without !== undefined) {
      w.costWith += cost;
      w.costWithout += without;
      if (cost < without) w.cheaperThanWithout++;
      if (cost > without) w.worseThanWithout++;
    }
    weightRows.push([
      f,
      buffers,
      without === undefined ? 'none' : String(without),
      String(cost),
      without === undefined || without === 0 ? '-' : `${(((without - cost) / without) * 100).toFixed(1)}%`,
      Number.isFinite(base) ? String(base) : 'none',
      String(Math.round(bound)),
      isProven ? 'yes' : `gap ${(((cost - bound) / Math.max(bound, 1)) * 100).toFixed(2)}%`,
      `${copied} of ${weightBytes}`,
      ms.toFixed(0),
    ]);
  }
  printTable(
    `Memory tiers: traffic cost (sum of weight x memory cost; weight = size x (1 + readers)), limit ${limitMs / 1000} s per pair`,
    ['model', 'configuration', 'buffers', 'arenapack', 'baseline', 'saved', 'bound', 'proven', 'how', 'ms'],
    rows,
  );
  const pct = (k: number, n: number): string => `${k}/${n} (${n === 0 ? '-' : ((100 * k) / n).toFixed(1)}%)`;
  console.log(`\npairs: ${pairs}; with a plan: ${pairs - noPlan}`);
  console.log(`never worse than fill-fastest-first: ${worse === 0 ? 'yes' : `NO (${worse} worse)`}; cheaper on ${pct(better, pairs - noPlan)}`);
  console.log(`proven best: ${pct(proven, pairs)}; within 10 s: ${pct(provenIn10, pairs)}; of the pairs where not everything fits the first memory: ${pct(provenNontrivial, nontrivial)}`);
  console.log(
    `two memories (chip = 60% of the live bound, + TFLM's tail estimate on the ${tflite} TFLite models; DDR) equal to --capacity (memories and offsets): ${pct(equal.length, equal.length + differ.length)}`,
  );
  if (differ.length > 0) console.log(`  differ: ${differ.map((f) => `${f}${sameCost.includes(f) ? ' (same cost)' : ''}`).join(', ')}`);
  if (skipped.length > 0) console.log(`skipped (not importable with default options): ${skipped.join('; ')}`);
  printTable(
    `Weights taking part (--weights): dtcm 64 KiB:1 + sram 512 KiB:2 + flash (read-only):8 + psram:20; "without": the same buffers, every weight kept in flash`,
    ['model', 'buffers', 'without', 'with', 'saved', 'baseline', 'bound', 'proven', 'copied B of weights', 'ms'],
    weightRows,
  );
  console.log(`\nweights pairs: ${w.pairs}; with a plan: ${w.planned}; proven best: ${pct(w.proven, w.pairs)}`);
  console.log(`never worse than fill-fastest-first: ${w.worse === 0 ? 'yes' : `NO (${w.worse} worse)`}; cheaper on ${pct(w.better, w.planned)}`);
  console.log(
    `with the weights taking part: cheaper than without on ${pct(w.cheaperThanWithout, w.planned)}, ${w.worseThanWithout === 0 ? 'never dearer' : `DEARER on ${w.worseThanWithout}`}; weights copied on ${pct(w.copied, w.planned)}; total cost ${(w.costWith / Math.max(1, w.costWithout)).toFixed(3)}x without`,
  );
  console.log(`all pairs (the four configurations and the weights): proven best ${pct(proven + w.proven, pairs + w.pairs)}`);
}
