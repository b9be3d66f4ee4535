/**
 * Issue #13 on the command line: --memory NAME=SIZE[:COST] (and a JSON problem's memories) — the
 * report, --json, --out (CSV and JSON), a model's --header and --write-tflite tell one story, each plan
 * verified per memory; two memories give what --capacity gives; bad memories exit 2, no plan exits 3.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRunner } from './helpers/cli.js';
import { parseCsv } from '../src/import/csv.js';
import { importTflite } from '../src/import/tflite/index.js';
import type { MemoryTier, Problem } from '../src/problem/types.js';
import { verifyTieredPlan } from '../src/problem/verify.js';
import { buildTflite, FIXTURES } from './helpers/tflite-builder.js';
import { memoryOption } from '../src/cli-tiers.js';
import { UsageError } from '../src/cli-io.js';
import { SPILL_CSV } from './helpers/spill-inputs.js';

const { dir, run, file } = cliRunner('arenapack-tiers-');

interface TieredJson {
  status: string;
  cost: number;
  bound: number;
  baselineCost: number;
  memories: { name: string; capacity: number | null; cost: number; used: number; bound: number }[];
  buffers: { id: string; offset: number; memory: string; weight: number }[];
}

/** The JSON's plan through the independent verifier, per memory; its cost recomputed. */
function verifyJson(problem: Problem, json: TieredJson): void {
  const memories: MemoryTier[] = json.memories.map((m) => ({ name: m.name, cost: m.cost, ...(m.capacity !== null ? { capacity: m.capacity } : {}) }));
  const index = json.buffers.map((b) => memories.findIndex((m) => m.name === b.memory));
  const v = verifyTieredPlan(problem, memories, index, json.buffers.map((b) => b.offset), json.memories.map((m) => m.used));
  expect(v.errors).toEqual([]);
  expect(json.cost).toBe(problem.buffers.reduce((s, b, i) => s + (b.weight ?? b.size) * memories[index[i]!]!.cost, 0));
  expect(json.bound).toBeLessThanOrEqual(json.cost);
  expect(json.cost).toBeLessThanOrEqual(json.baselineCost);
}

const THREE = ['--memory', 'dtcm=24KiB:1', '--memory', 'sram=40KiB:2', '--memory', 'psram:20'];

describe('plan --memory (CSV and JSON problems)', () => {
  const csv = file('spill.csv', SPILL_CSV);
  const problem = parseCsv(SPILL_CSV, 'spill.csv');

  it('three memories: the report, --json and --out (CSV, JSON) give one plan, verified per memory', () => {
    const report = run('plan', csv, ...THREE);
    expect(report.code).toBe(0);
    expect(report.out).toMatch(/spill\.csv: 5 buffers over 3 memories/);
    expect(report.out).toMatch(/^ {2}dtcm +24\.00 KiB +1 /m);
    expect(report.out).toMatch(/status: proven best traffic cost/);
    const j = run('plan', csv, ...THREE, '--json', '--out', join(dir, 'three.csv'));
    expect(j.code).toBe(0);
    const json = JSON.parse(j.out) as TieredJson;
    expect(json.memories.map((m) => [m.name, m.capacity])).toEqual([['dtcm', 24576], ['sram', 40960], ['psram', null]]);
    expect(json.status).toBe('optimal');
    verifyJson(problem, json);
    expect(report.out).toContain(`traffic cost    ${json.cost} `);
    // The solution CSV: the input columns, offset and memory (names), as in the JSON.
    const text = readFileSync(join(dir, 'three.csv'), 'utf8');
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('id,lower,upper,size,offset,memory');
    json.buffers.forEach((b, i) => expect(lines[i + 1]!.endsWith(`,${b.offset},${b.memory}`)).toBe(true));
    // Read back: only offsets with no memory or chip are fixed offsets, so the file is a valid problem.
    expect(parseCsv(text, 'three.csv').buffers.filter((b) => b.offset !== undefined).map((b) => b.id)).toEqual([]);
    const out = join(dir, 'three.json');
    expect(run('plan', csv, ...THREE, '--out', out).code).toBe(0);
    const written = JSON.parse(readFileSync(out, 'utf8')) as TieredJson & { timeMs?: number };
    expect(written.timeMs).toBeUndefined();
    expect(written.buffers).toEqual(json.buffers);
  });

  it('two memories chip=C:0 + ddr:1 give what --capacity C gives: the same memories and offsets', () => {
    for (const cap of ['64KiB', '48KiB']) {
      const spill = JSON.parse(run('plan', csv, '--capacity', cap, '--json').out) as { buffers: { id: string; offset: number; memory: string }[]; ddrTraffic?: number };
      const j = run('plan', csv, '--memory', `chip=${cap}:0`, '--memory', 'ddr:1', '--json');
      expect(j.code).toBe(0);
      const tiers = JSON.parse(j.out) as TieredJson;
      verifyJson(problem, tiers);
      expect(tiers.buffers.map((b) => [b.id, b.memory, b.offset])).toEqual(spill.buffers.map((b) => [b.id, b.memory, b.offset]));
      expect(tiers.cost).toBe(spill.ddrTraffic ?? 0);
    }
  });

  it('a JSON problem with its own memories and per-buffer memories', () => {
    const json = file(
      'tiers.json',
      JSON.stringify({
        memories: [{ name: 'tcm', capacity: '32KiB', cost: 1 }, { name: 'ddr', cost: 10 }],
        buffers: [
          { id: 'a', size: 16384, start: 0, end: 2, memories: ['ddr'] },
          { id: 'b', size: 16384, start: 1, end: 3, weight: 100000 },
          { id: 'c', size: 16384, start: 1, end: 2 },
        ],
      }),
    );
    const r = run('plan', json, '--json');
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.out) as TieredJson;
    expect(plan.buffers.map((b) => b.memory)).toEqual(['ddr', 'tcm', 'tcm']);
    expect(plan.status).toBe('optimal');
  });

  it('bad memories exit 2 naming the flag or memory; no plan within bounded memories exits 3', () => {
    const bad = (args: string[], message: RegExp): void => {
      const r = run('plan', csv, ...args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
    };
    // The flag's own errors, in process (each a UsageError: exit 2 as below).
    const flag = (...values: string[]): string => {
      try {
        values.reduce<MemoryTier[]>((all, v) => memoryOption(v, all), []);
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(flag('dtcm=lots:1')).toMatch(/^--memory dtcm: /);
    expect(flag('1x=4KiB')).toMatch(/^--memory: "1x=4KiB" is not NAME=SIZE\[:COST\]/);
    expect(flag('dtcm=4KiB:-1')).toMatch(/^--memory dtcm: cost "-1" is not a non-negative number/);
    expect(flag('dtcm=4KiB', 'sram=8KiB', 'flash::8')).toBe('no error');
    expect([{ name: 'dtcm', capacity: 4096, cost: 1 }, { name: 'flash', cost: 8 }]).toEqual(['dtcm=4KiB', 'flash::8'].reduce<MemoryTier[]>((all, v) => memoryOption(v, all), []));
    bad(['--memory', '1x=4KiB'], /--memory: "1x=4KiB" is not NAME=SIZE\[:COST\]/);
    bad(['--memory', 'psram:20', '--memory', 'sram=4KiB:2'], /memory "psram": capacity is missing: only the last memory may be unbounded/);
    bad(['--memory', 'a=4KiB', '--memory', 'b:2', '--capacity', '4KiB'], /--capacity does not go with memory tiers/);
    const none = run('plan', csv, '--memory', 'a=16KiB:1', '--memory', 'b=16KiB:2', '--json', '--out', join(dir, 'none.csv'));
    expect(none.code).toBe(2); // --out with no plan: refused, nothing written
    expect(existsSync(join(dir, 'none.csv'))).toBe(false);
    const r = run('plan', csv, '--memory', 'a=16KiB:1', '--memory', 'b=16KiB:2', '--json');
    expect(r.code).toBe(3);
    expect((JSON.parse(r.out) as TieredJson).status).toBe('infeasible');
  });
});

describe('plan MODEL --memory', () => {
  const bytes = buildTflite(FIXTURES.chain());
  const model = file('chain.tflite', bytes);
  const sg = importTflite(bytes, 'chain.tflite').subgraphs[0]!;

  it('weights are traffic (size x (1 + readers)); --header gives each memory and each tensor its memory and offset; --write-tflite refused unless all is in the first', () => {
    const header = join(dir, 'chain.h');
    const svg = join(dir, 'chain.svg');
    const r = run('plan', model, '--memory', 'dtcm=1KiB:1', '--memory', 'psram:20', '--json', '--header', header, '--svg', svg);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { subgraphs: (Omit<TieredJson, 'buffers'> & { buffers: (TieredJson['buffers'][number] & { name: string })[] })[]; memories: { name: string; used: number }[] };
    const plan = json.subgraphs[0]!;
    // input, conv and relu are read once (2 x size); logits, the output, by nobody (1 x size).
    expect(plan.buffers.map((b) => [b.name, b.weight])).toEqual([
      ['input', 512],
      ['conv', 512],
      ['relu', 2048],
      ['logits', 10],
    ]);
    verifyJson({ buffers: sg.problem.buffers.map((b, i) => ({ ...b, weight: plan.buffers[i]!.weight })) }, plan);
    const h = readFileSync(header, 'utf8');
    expect(h).toMatch(/#define CHAIN_MEMORY_DTCM 0/);
    expect(h).toMatch(/#define CHAIN_MEMORY_PSRAM 1/);
    expect(h).toContain(`#define CHAIN_DTCM_ARENA_SIZE ${json.memories[0]!.used}`);
    expect(h).toContain(`#define CHAIN_PSRAM_ARENA_SIZE ${json.memories[1]!.used}`);
    for (const [i, b] of plan.buffers.entries()) {
      const t = sg.tensorsOf[i]![0]!;
      const id = `CHAIN_SG0_T${t}_${b.name.toUpperCase()}`;
      expect(h).toContain(`#define ${id}_MEMORY CHAIN_MEMORY_${plan.buffers[i]!.memory.toUpperCase()}`);
      expect(h).toContain(`#define ${id}_OFFSET ${plan.buffers[i]!.offset} `);
    }
    expect(plan.buffers.some((b) => b.memory === 'psram')).toBe(true);
    // The SVG: one panel per memory holding buffers, one rectangle per buffer, dtcm's capacity line.
    const picture = readFileSync(svg, 'utf8');
    expect(picture).toContain('<g id="subgraph-0-dtcm">');
    expect(picture).toContain('<g id="subgraph-0-psram">');
    expect(picture.match(/<rect class="buf /g)?.length).toBe(plan.buffers.length);
    expect(picture).toMatch(/capacity 1\.00 KiB/);
    expect(picture).toMatch(/psram offset \d+/);
    const refused = run('plan', model, '--memory', 'dtcm=1KiB:1', '--memory', 'psram:20', '--write-tflite', join(dir, 'no.tflite'));
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/outside the first memory "dtcm".*--header/);
    expect(existsSync(join(dir, 'no.tflite'))).toBe(false);
    const fits = run('plan', model, '--memory', 'dtcm=64KiB:1', '--memory', 'psram:20', '--write-tflite', join(dir, 'yes.tflite'));
    expect(fits.code).toBe(0);
    expect(fits.out).toMatch(/everything is in "dtcm": --write-tflite writes the offline plan as usual/);
    expect(existsSync(join(dir, 'yes.tflite'))).toBe(true);
  });
});
