/**
 * Issue #14 with memory tiers (#13) on the command line: a CSV with gaps and aliases over --memory, a
 * model with --inplace over --memory, and --capacity spilling such problems — each tied block in one
 * memory as a whole, in every output (JSON, the solution CSV's memory column, a model's C header and SVG),
 * every plan verified per memory.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../src/import/csv.js';
import { importTflite } from '../src/import/tflite/index.js';
import { tflmTailReserve } from '../src/runtime/tflm/tail-reserve.js';
import type { MemoryTier, Problem } from '../src/problem/types.js';
import { verifySpilledPlan, verifyTieredPlan } from '../src/problem/verify.js';
import { cliRunner } from './helpers/cli.js';
import { buildTflite, FIXTURES } from './helpers/tflite-builder.js';

const { dir, run, file } = cliRunner('arenapack-tiers-tied-');

/** examples/gaps.csv: skip idle over [2, 6), act with a window, view the upper half of sum. */
const GAPS_CSV = `id,lower,upper,size,gaps,hint,alias_of,alias_offset
skip,0,8,64,2-6,,,
conv1,1,3,48,,,,
conv2,2,5,64,,0,,
act,3,6,32,3-4@0:16,,,
sum,6,8,64,,,,
view,6,8,32,,,sum,32
`;

interface TieredJson {
  status: string;
  cost: number;
  bound: number;
  memories: { name: string; capacity: number | null; cost: number; used: number }[];
  buffers: { id: string; offset: number; memory: string; weight: number; name?: string; tensors?: number[] }[];
}

/** The JSON's plan through the independent verifier, per memory; every alias in the memory of what it aliases, at its offset. */
function verifyJson(problem: Problem, json: TieredJson): void {
  const memories: MemoryTier[] = json.memories.map((m) => ({ name: m.name, cost: m.cost, ...(m.capacity !== null ? { capacity: m.capacity } : {}) }));
  const index = json.buffers.map((b) => memories.findIndex((m) => m.name === b.memory));
  const v = verifyTieredPlan(problem, memories, index, json.buffers.map((b) => b.offset), json.memories.map((m) => m.used));
  expect(v.errors).toEqual([]);
  problem.buffers.forEach((b, i) => {
    if (b.aliasOf === undefined) return;
    const t = problem.buffers.findIndex((c) => c.id === b.aliasOf);
    expect(json.buffers[i]!.memory).toBe(json.buffers[t]!.memory);
    expect(json.buffers[i]!.offset).toBe(json.buffers[t]!.offset + (b.aliasOffset ?? 0));
  });
  expect(json.cost).toBe(problem.buffers.reduce((s, b, i) => s + (b.weight ?? b.size) * memories[index[i]!]!.cost, 0));
  expect(json.bound).toBeLessThanOrEqual(json.cost);
}

describe('plan CSV --memory with gaps and aliases', () => {
  const csv = file('gaps.csv', GAPS_CSV);
  const problem = parseCsv(GAPS_CSV, 'gaps.csv');
  const MEMS = ['--memory', 'sram=96:1', '--memory', 'ddr=1MiB:10'];

  it('the report, --json and --out x.csv give one plan: the view with its root, skip idle where conv2 sits; verified per memory', () => {
    const report = run('plan', csv, ...MEMS);
    expect(report.code, report.err).toBe(0);
    expect(report.out).toMatch(/gaps\.csv: 6 buffers over 2 memories/);
    expect(report.out).toMatch(/status: proven best traffic cost/);
    const out = join(dir, 'gaps-plan.csv');
    const j = run('plan', csv, ...MEMS, '--json', '--out', out);
    expect(j.code, j.err).toBe(0);
    const json = JSON.parse(j.out) as TieredJson;
    verifyJson(problem, json);
    expect(json.status).toBe('optimal');
    // 192 B of traffic in sram (96 B, two arenas' worth of live bytes by their gaps), the rest in DDR.
    expect(json.memories.map((m) => m.used)).toEqual([96, 112]);
    expect(json.cost).toBe(1312);
    // The solution CSV: the input columns (gaps, hint, aliases kept), offset and memory as in the JSON.
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('id,lower,upper,size,gaps,hint,alias_of,alias_offset,offset,memory');
    json.buffers.forEach((b, i) => expect(lines[i + 1]!.endsWith(`,${b.offset},${b.memory}`)).toBe(true));
    expect(lines[6]).toBe(`view,6,8,32,,,sum,32,${json.buffers[5]!.offset},${json.buffers[4]!.memory}`);
    // Read back, it plans to the same cost.
    const again = run('plan', out, ...MEMS, '--json');
    expect(again.code, again.err).toBe(0);
    expect((JSON.parse(again.out) as TieredJson).cost).toBe(json.cost);
  });

  it('a JSON problem with its memories and aliases; a block no memory suits exits 2 naming its root', () => {
    const json = file(
      'tied.json',
      JSON.stringify({
        memories: [{ name: 'tcm', capacity: 64, cost: 1 }, { name: 'ddr', cost: 10 }],
        buffers: [
          { id: 'x', size: 64, start: 0, end: 2, weight: 1 },
          { id: 'y', size: 64, start: 2, end: 4, aliasOf: 'x', weight: 1 },
          { id: 'z', size: 64, start: 1, end: 3, weight: 5 },
        ],
      }),
    );
    const r = run('plan', json, '--json');
    expect(r.code, r.err).toBe(0);
    const plan = JSON.parse(r.out) as TieredJson;
    // x and y (2 B of traffic together) give way to z (5 B): both to DDR.
    expect(plan.buffers.map((b) => b.memory)).toEqual(['ddr', 'ddr', 'tcm']);
    const bad = file('bad.json', JSON.stringify({ memories: [{ name: 'tcm', capacity: 64, cost: 1 }, { name: 'ddr', cost: 10 }], buffers: [{ id: 'x', size: 8, start: 0, end: 2, memories: ['tcm'] }, { id: 'y', size: 8, start: 2, end: 4, aliasOf: 'x', memories: ['ddr'] }] }));
    const refused = run('plan', bad);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/buffer "x": memories and its aliases \("y"\) live in one memory as a whole/);
  });

  it('--capacity spills blocks whole (before: refused); never less traffic than the proven tiers plan of chip=C:0 + ddr:1', () => {
    const r = run('plan', csv, '--capacity', '96', '--json');
    expect(r.code, r.err).toBe(0);
    const plan = JSON.parse(r.out) as { status: string; peak: number; ddrTraffic: number; spill: { how: string; choice: string; ddrPeak: number }; buffers: { id: string; offset: number; memory: 'chip' | 'ddr' }[] };
    expect(plan.status).toBe('spilled');
    expect(plan.spill.how).toBe('blocks');
    const memory = plan.buffers.map((b) => b.memory);
    expect(verifySpilledPlan(problem, memory, plan.buffers.map((b) => b.offset), 96, { chipPeak: plan.peak, ddrPeak: plan.spill.ddrPeak }).errors).toEqual([]);
    expect(memory[5]).toBe(memory[4]);
    const tiers = JSON.parse(run('plan', csv, '--memory', 'chip=96:0', '--memory', 'ddr:1', '--json').out) as TieredJson;
    verifyJson(problem, tiers);
    expect(tiers.status).toBe('optimal');
    expect(plan.ddrTraffic).toBeGreaterThanOrEqual(tiers.cost);
    if (plan.spill.choice === 'optimal') expect(plan.ddrTraffic).toBe(tiers.cost);
    expect(run('plan', csv, '--capacity', '96').out).toMatch(/blocks kept or spilled whole, by the tiers heuristic/);
  });
});

describe('plan MODEL --inplace ... --memory', () => {
  const bytes = buildTflite(FIXTURES.inplaceMix());
  const model = file('mix.tflite', bytes);
  // TFLM's arena (head and tail estimate) is in the first memory: dtcm leaves the head 512 B beside the tail.
  const MEMS = ['--memory', `dtcm=${512 + tflmTailReserve(importTflite(bytes, 'mix.tflite')).tail.bytes}:1`, '--memory', 'psram:20'];
  type ModelJson = { memories: { name: string; used: number }[]; subgraphs: TieredJson[] };

  for (const kinds of [['elementwise'], ['elementwise', 'concat']] as const) {
    it(`--inplace ${kinds.join(' --inplace ')}: JSON, C header and SVG put every in-place tensor in its block's memory; verified`, () => {
      const header = join(dir, `mix-${kinds.length}.h`);
      const svg = join(dir, `mix-${kinds.length}.svg`);
      const flags = kinds.flatMap((k) => ['--inplace', k]);
      const r = run('plan', model, ...flags, ...MEMS, '--json', '--header', header, '--svg', svg);
      expect(r.code, r.err).toBe(0);
      const json = JSON.parse(r.out) as ModelJson;
      const plan = json.subgraphs[0]!;
      const sg = importTflite(bytes, 'mix.tflite', { inplace: kinds }).subgraphs[0]!;
      const problem: Problem = { buffers: sg.problem.buffers.map((b, i) => ({ ...b, weight: plan.buffers[i]!.weight })) };
      expect(problem.buffers.filter((b) => b.aliasOf !== undefined).length).toBe(kinds.length === 1 ? 3 : 5);
      verifyJson(problem, plan);
      expect(plan.status).toBe('optimal');
      // Both memories used: dtcm holds 512 B, the model's in-place arena needs more.
      expect(new Set(plan.buffers.map((b) => b.memory))).toEqual(new Set(['dtcm', 'psram']));
      const h = readFileSync(header, 'utf8');
      const picture = readFileSync(svg, 'utf8');
      for (const b of plan.buffers) {
        const t = b.tensors![0]!;
        const id = `MIX_SG0_T${t}_${b.name!.toUpperCase()}`;
        expect(h).toContain(`#define ${id}_MEMORY MIX_MEMORY_${b.memory.toUpperCase()}`);
        expect(h).toContain(`#define ${id}_OFFSET ${b.offset} `);
        expect(picture).toContain(`<title>${b.name} (tensor ${t}): `);
        expect(picture).toMatch(new RegExp(`<title>${b.name} \\(tensor ${t}\\): [^<]*, ${b.memory} offset ${b.offset}</title>`));
      }
    });
  }

  it('--capacity with both kinds spills blocks whole (before: exit 1 from the --reorder hint, or no spill)', () => {
    const imported = importTflite(bytes, 'mix.tflite', { inplace: ['elementwise', 'concat'] });
    // TFLM's tail estimate stays on chip beside the head: the capacity leaves the head 600 B.
    const cap = 600 + tflmTailReserve(imported).tail.bytes;
    const r = run('plan', model, '--inplace', 'elementwise', '--inplace', 'concat', '--capacity', String(cap), '--json');
    expect(r.code, r.err).toBe(0);
    // One subgraph: the plan's keys at the top, each buffer with its memory (chip or ddr).
    const json = JSON.parse(r.out) as { status: string; peak: number; subgraphs: { spill: { ddrPeak: number; how: string; capacity: number } }[]; buffers: { offset: number; memory: 'chip' | 'ddr' }[] };
    // A subgraph's spill choice is in `subgraphs` (the top level's spill keys are the model's).
    const spill = json.subgraphs[0]!.spill;
    const sg = imported.subgraphs[0]!;
    expect(json.status).toBe('spilled');
    expect(spill.capacity).toBe(600);
    expect(spill.how).toBe('blocks');
    const memory = json.buffers.map((b) => b.memory);
    expect(memory).toContain('ddr');
    sg.problem.buffers.forEach((b, i) => {
      if (b.aliasOf !== undefined) expect(memory[i]).toBe(memory[sg.problem.buffers.findIndex((c) => c.id === b.aliasOf)]);
    });
    // Sizes as planned (rounded up to 16 for TFLM): the verifier on the subgraph's problem.
    expect(verifySpilledPlan(sg.problem, memory, json.buffers.map((b) => b.offset), 600, { chipPeak: json.peak, ddrPeak: spill.ddrPeak }).errors).toEqual([]);
  });
});
