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
import { tflmTailReserve } from '../src/runtime/tflm/tail-reserve.js';

/**
 * TFLM's tail estimate of the weighted fixture: a TFLite model's first memory holds TFLM's arena, head
 * and tail (planModelTiers), so the memories below give it the head's room plus this. The chain
 * fixture's is 1,024 B: its dtcm of 2 KiB leaves the head 1 KiB.
 */
const WEIGHTED_TAIL = tflmTailReserve(importTflite(buildTflite(FIXTURES.weighted()), 'weighted.tflite', { includeWeights: true })).tail.bytes;

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
    expect(flag('1x=4KiB')).toMatch(/^--memory: "1x=4KiB": the name "1x" is not a letter followed by letters, digits or _ \(NAME=SIZE\[:COST\]/);
    expect(flag('dtcm=4KiB:-1')).toMatch(/^--memory: "dtcm=4KiB:-1": the cost "-1" is not a non-negative number/);
    expect(flag('dtcm=4KiB', 'sram=8KiB', 'flash::8')).toBe('no error');
    expect([{ name: 'dtcm', capacity: 4096, cost: 1 }, { name: 'flash', cost: 8 }]).toEqual(['dtcm=4KiB', 'flash::8'].reduce<MemoryTier[]>((all, v) => memoryOption(v, all), []));
    bad(['--memory', '1x=4KiB'], /--memory: "1x=4KiB": the name "1x"/);
    // An empty field or one too many: refused, naming the spec and the field (issue #10 trial: x=64KiB::1 was taken).
    bad(['--memory', 'x=64KiB::1', '--memory', 'ddr:5'], /--memory: "x=64KiB::1": an empty field between "::"/);
    bad(['--memory', 'x=64KiB:1:2', '--memory', 'ddr:5'], /--memory: "x=64KiB:1:2": 1 field too many after the cost "1": "2"/);
    bad(['--memory', 'x:1:', '--memory', 'ddr:5'], /--memory: "x:1:": an empty field after the cost "1" \(a trailing ":"\)/);
    bad(['--memory', 'x=64KiB:-0', '--memory', 'ddr:5'], /--memory: "x=64KiB:-0": the cost "-0" is not a non-negative number written with digits/);
    bad(['--memory', 'psram:20', '--memory', 'sram=4KiB:2'], /memory "psram": capacity is missing: only the last memory may be unbounded/);
    bad(['--memory', 'a=4KiB', '--memory', 'b:2', '--capacity', '4KiB'], /--capacity does not go with memory tiers/);
    // No trace over memory tiers yet: refused, not skipped without a word.
    bad(['--memory', 'a=4KiB', '--memory', 'b:2', '--trace', join(dir, 'no-trace.json')], /--trace does not go with memory tiers/);
    expect(existsSync(join(dir, 'no-trace.json'))).toBe(false);
    const none = run('plan', csv, '--memory', 'a=16KiB:1', '--memory', 'b=16KiB:2', '--json', '--out', join(dir, 'none.csv'));
    expect(none.code).toBe(2); // --out with no plan: refused, nothing written
    expect(existsSync(join(dir, 'none.csv'))).toBe(false);
    const r = run('plan', csv, '--memory', 'a=16KiB:1', '--memory', 'b=16KiB:2', '--json');
    expect(r.code).toBe(3);
    expect((JSON.parse(r.out) as TieredJson).status).toBe('infeasible');
  });

  it('no plan (exit 3): --json still lists every buffer with what is known: size, range, the memories it may use, and why when it alone is the reason', () => {
    // "big" is larger than both memories; "only-fast" may use "sram" only (a JSON problem's memories); "z" has 0 bytes.
    const problem = {
      buffers: [
        { id: 'a', start: 0, end: 2, size: 100 },
        { id: 'big', start: 1, end: 3, size: 5000 },
        { id: 'only-fast', start: 2, end: 4, size: 50, memories: ['sram'] },
        { id: 'z', start: 0, end: 1, size: 0 },
        { id: 'z-ddr', start: 0, end: 1, size: 0, memories: ['ddr'] },
      ],
    };
    const json = file('unplaced.json', JSON.stringify(problem));
    const r = run('plan', json, '--memory', 'sram=1KiB:1', '--memory', 'ddr=4KiB:10', '--json');
    expect(r.code).toBe(3);
    const out = JSON.parse(r.out) as { status: string; failure: string; buffers: Record<string, unknown>[] };
    expect(out.status).toBe('infeasible');
    const why = 'buffer "big" (4.88 KiB (5000 B)) is larger than every memory it may use (sram 1.00 KiB (1024 B), ddr 4.00 KiB (4096 B))';
    expect(out.failure).toBe(why);
    expect(out.buffers).toEqual([
      { id: 'a', offset: null, size: 100, start: 0, end: 2, weight: 100, memory: null, allowed: ['sram', 'ddr'] },
      { id: 'big', offset: null, size: 5000, start: 1, end: 3, weight: 5000, memory: null, allowed: ['sram', 'ddr'], reason: why },
      { id: 'only-fast', offset: null, size: 50, start: 2, end: 4, weight: 50, memory: null, allowed: ['sram'] },
      { id: 'z', offset: null, size: 0, start: 0, end: 1, weight: 0, memory: null, allowed: ['sram'] },
      { id: 'z-ddr', offset: null, size: 0, start: 0, end: 1, weight: 0, memory: null, allowed: ['ddr'] },
    ]);
    // No arena was planned: each memory's used bytes, bound and counts are null, not 0 (issue #10), and '-' in the report.
    const mems = (JSON.parse(r.out) as { memories: Record<string, unknown>[] }).memories;
    expect(mems.map((m) => [m['name'], m['capacity'], m['used'], m['bound'], m['buffers'], m['bytes'], m['traffic'], m['method']])).toEqual([
      ['sram', 1024, null, null, null, null, null, '-'],
      ['ddr', 4096, null, null, null, null, null, '-'],
    ]);
    const report = run('plan', json, '--memory', 'sram=1KiB:1', '--memory', 'ddr=4KiB:10');
    expect(report.code).toBe(3);
    expect(report.out).toMatch(/\n {2}sram +1\.00 KiB +1 +- +- +- +- +-\n {2}ddr +4\.00 KiB +10 +- +- +- +- +-\n/);
    expect(report.out).not.toMatch(/\b0 B\b/);
    // With a plan, a 0-byte buffer is shown in the first memory it may use (never one it may not), in --json and --out.
    const fits = file('fits.json', JSON.stringify({ buffers: problem.buffers.filter((b) => b.id !== 'big') }));
    const csv = join(dir, 'fits.csv');
    const planned = run('plan', fits, '--memory', 'sram=1KiB:1', '--memory', 'ddr=4KiB:10', '--json', '--out', csv);
    expect(planned.code).toBe(0);
    const memoryOf = new Map((JSON.parse(planned.out) as { buffers: { id: string; memory: string }[] }).buffers.map((b) => [b.id, b.memory]));
    expect([memoryOf.get('z'), memoryOf.get('z-ddr'), memoryOf.get('only-fast')]).toEqual(['sram', 'ddr', 'sram']);
    expect(readFileSync(csv, 'utf8')).toContain('\nz-ddr,0,1,0,0,ddr\n');
    // Infeasible by a step over both memories: every buffer listed, none blamed alone.
    const step = run('plan', file('step.csv', 'id,lower,upper,size\na,0,2,1000\nb,1,3,1000\n'), '--memory', 'sram=512:1', '--memory', 'ddr=1KiB:10', '--json');
    expect(step.code).toBe(3);
    const s = JSON.parse(step.out) as { failure: string; buffers: Record<string, unknown>[] };
    expect(s.failure).toMatch(/^at step 1 /);
    expect(s.buffers.map((b) => [b.id, b.memory, b.allowed, 'reason' in b])).toEqual([
      ['a', null, ['sram', 'ddr'], false],
      ['b', null, ['sram', 'ddr'], false],
    ]);
  });
});

describe('plan MODEL --memory', () => {
  const bytes = buildTflite(FIXTURES.chain());
  const model = file('chain.tflite', bytes);
  const sg = importTflite(bytes, 'chain.tflite').subgraphs[0]!;

  it('weights are traffic (size x (1 + readers)); --header gives each memory and each tensor its memory and offset; --write-tflite refused unless all is in the first', () => {
    const header = join(dir, 'chain.h');
    const svg = join(dir, 'chain.svg');
    const r = run('plan', model, '--memory', 'dtcm=2KiB:1', '--memory', 'psram:20', '--json', '--header', header, '--svg', svg);
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
    const refused = run('plan', model, '--memory', 'dtcm=2KiB:1', '--memory', 'psram:20', '--write-tflite', join(dir, 'no.tflite'));
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/outside the first memory "dtcm".*--header/);
    expect(existsSync(join(dir, 'no.tflite'))).toBe(false);
    const noTrace = run('plan', model, '--memory', 'dtcm=2KiB:1', '--memory', 'psram:20', '--trace', join(dir, 'no-trace-model.json'));
    expect(noTrace.code).toBe(2);
    expect(noTrace.err).toMatch(/--trace does not go with --memory/);
    expect(existsSync(join(dir, 'no-trace-model.json'))).toBe(false);
    const fits = run('plan', model, '--memory', 'dtcm=64KiB:1', '--memory', 'psram:20', '--write-tflite', join(dir, 'yes.tflite'));
    expect(fits.code).toBe(0);
    expect(fits.out).toMatch(/everything is in "dtcm": --write-tflite writes the offline plan as usual/);
    expect(existsSync(join(dir, 'yes.tflite'))).toBe(true);
  });
});

describe('plan MODEL --memory ... --weights', () => {
  const bytes = buildTflite(FIXTURES.weighted());
  const model = file('weighted.tflite', bytes);
  const sg = importTflite(bytes, 'weighted.tflite', { includeWeights: true }).subgraphs[0]!;
  const MCU = ['--memory', `dtcm=${256 + WEIGHTED_TAIL}:1`, '--memory', 'sram=512:2', '--memory', 'flash::8', '--memory', 'psram:20'];
  interface WeightsJson {
    copyInBytes: number;
    memories: { name: string; capacity: number | null; cost: number; readOnly?: boolean; used: number }[];
    subgraphs: (Omit<TieredJson, 'buffers'> & { copyInBytes: number; buffers: (Omit<TieredJson['buffers'][number], 'offset'> & { offset: number | null; name: string; constant?: true })[] })[];
  }

  it('weights stay in flash or are copied: --json, --header, --svg and --out show where each lives; the copy-in bytes are reported; verified', () => {
    const header = join(dir, 'weighted.h');
    const svg = join(dir, 'weighted.svg');
    const csv = join(dir, 'weighted.csv');
    const r = run('plan', model, ...MCU, '--weights', '--json', '--header', header, '--svg', svg, '--out', csv);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as WeightsJson;
    const plan = json.subgraphs[0]!;
    expect(json.memories.map((m) => [m.name, m.readOnly ?? false])).toEqual([['dtcm', false], ['sram', false], ['flash', true], ['psram', false]]);
    expect(plan.buffers.filter((b) => b.constant).map((b) => b.name).sort()).toEqual(['wa', 'wb', 'wc']);
    // Activations never in flash; a weight in flash has no offset (read in place).
    for (const b of plan.buffers) {
      if (!b.constant) expect(b.memory, b.name).not.toBe('flash');
      expect(b.offset === null, b.name).toBe(b.memory === 'flash');
    }
    const copied = plan.buffers.filter((b) => b.constant && b.memory !== 'flash');
    expect(copied.length).toBeGreaterThan(0);
    expect(plan.buffers.some((b) => b.constant && b.memory === 'flash')).toBe(true);
    expect(json.copyInBytes).toBe(copied.reduce((s, b) => s + sg.problem.buffers[plan.buffers.indexOf(b)]!.size, 0));
    // The verifier, with flash read-only and each weight allowed everywhere.
    const memories: MemoryTier[] = plan.memories.map((m, k) => ({ name: m.name, cost: m.cost, ...(m.capacity !== null ? { capacity: m.capacity } : {}), ...(json.memories[k]!.readOnly ? { readOnly: true } : {}) }));
    const problem: Problem = { buffers: sg.problem.buffers.map((b, i) => ({ ...b, weight: plan.buffers[i]!.weight, ...(plan.buffers[i]!.constant ? { memories: memories.map((m) => m.name) } : {}) })) };
    const index = plan.buffers.map((b) => memories.findIndex((m) => m.name === b.memory));
    const v = verifyTieredPlan(problem, memories, index, plan.buffers.map((b) => b.offset ?? 0), plan.memories.map((m) => m.used));
    expect(v.errors).toEqual([]);
    expect(plan.cost).toBe(problem.buffers.reduce((s, b, i) => s + b.weight! * memories[index[i]!]!.cost, 0));
    // The header: flash has no arena; its weights a memory and no offset; copied ones both.
    const h = readFileSync(header, 'utf8');
    expect(h).toContain(`#define WEIGHTED_WEIGHTS_COPY_BYTES ${json.copyInBytes}`);
    expect(h).toMatch(/#define WEIGHTED_MEMORY_FLASH 2 \/\* flash, unbounded, cost 8, read-only/);
    expect(h).not.toMatch(/WEIGHTED_FLASH_ARENA_SIZE/);
    for (const [i, b] of plan.buffers.entries()) {
      const id = `WEIGHTED_SG0_T${sg.tensorsOf[i]![0]!}_${b.name.toUpperCase()}`;
      expect(h).toContain(`#define ${id}_MEMORY WEIGHTED_MEMORY_${b.memory.toUpperCase()}`);
      if (b.offset === null) expect(h).not.toContain(`${id}_OFFSET`);
      else expect(h).toContain(`#define ${id}_OFFSET ${b.offset} `);
      if (b.constant && b.offset !== null) expect(h).toMatch(new RegExp(`${id}_OFFSET \\d+ /\\* .*copied from flash`));
    }
    // The SVG: no flash panel; the copied weights drawn in their memory's panel.
    const picture = readFileSync(svg, 'utf8');
    expect(picture).not.toContain('subgraph-0-flash');
    expect(picture).toMatch(/weights? copied from flash/);
    // The CSV: a memory column; a weight in flash has offset -1.
    const rows = readFileSync(csv, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    expect(rows.length).toBe(plan.buffers.length);
    for (const [i, row] of rows.entries()) {
      expect(row[row.length - 1]).toBe(plan.buffers[i]!.memory);
      expect(Number(row[row.length - 2])).toBe(plan.buffers[i]!.offset ?? -1);
    }
    // The report names the split.
    const text = run('plan', model, ...MCU, '--weights');
    expect(text.out).toMatch(new RegExp(`weights: \\d+ read in place from "flash", ${copied.length} copied into faster memories before the run \\(${json.copyInBytes} B copied in\\)`));
    expect(text.out).toMatch(/flash +unbounded +8 +in place/);
  });

  it('with more room every weight is copied; without --weights they do not take part; bad combinations exit 2, nothing written', () => {
    const roomy = JSON.parse(run('plan', model, '--memory', 'dtcm=4KiB:1', '--memory', 'sram=8KiB:2', '--memory', 'flash::8', '--memory', 'psram:20', '--weights', '--json').out) as WeightsJson;
    expect(roomy.copyInBytes).toBe(128 + 512 + 64);
    expect(roomy.subgraphs[0]!.buffers.every((b) => b.memory !== 'flash')).toBe(true);
    const without = JSON.parse(run('plan', model, '--memory', `dtcm=${256 + WEIGHTED_TAIL}:1`, '--memory', 'sram=512:2', '--memory', 'psram:20', '--json').out) as WeightsJson;
    expect(without.subgraphs[0]!.buffers.map((b) => b.name).sort()).toEqual(['x', 'y0', 'y1', 'y2', 'y3']);
    const out = join(dir, 'never.tflite');
    const refusals: [string[], RegExp][] = [
      [['--memory', 'sram=512:2', '--memory', 'psram:20', '--weights'], /--weights needs a memory named flash/],
      [[...MCU], /a memory named flash holds the model's weights.*give --weights/],
      [['--weights'], /--weights goes with --memory/],
      [[...MCU, '--weights', '--memory', 'flashy=1:1'], /only the last memory may be unbounded|capacity/],
      [['--memory', 'dtcm=4KiB:1', '--memory', 'sram=8KiB:2', '--memory', 'flash::8', '--weights', '--write-tflite', out], /weights are copied out of flash, and TFLite Micro reads weights in place/],
    ];
    for (const [args, message] of refusals) {
      const r = run('plan', model, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toMatch(message);
    }
    expect(existsSync(out)).toBe(false);
    const csv = file('w.csv', SPILL_CSV);
    const r = run('plan', csv, ...MCU, '--weights');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--weights applies to model files/);
  });
});

describe('plan A B ... --memory --jobs N', () => {
  it('several files over memory tiers in worker threads: the same plans as one file at a time, in the order given (JSON); a file without a plan exits 3', () => {
    const csv = file('jobs.csv', SPILL_CSV);
    const model = file('jobs.tflite', buildTflite(FIXTURES.weighted()));
    const mems = ['--memory', `dtcm=${256 + WEIGHTED_TAIL}:1`, '--memory', 'sram=512:2', '--memory', 'psram:20'];
    const strip = (text: string): unknown => JSON.parse(text, (k, v: unknown) => (k === 'timeMs' ? undefined : v));
    const both = run('plan', csv, model, ...mems, '--jobs', '2', '--json');
    expect(both.code).toBe(0);
    const single = [csv, model].map((f) => strip(run('plan', f, ...mems, '--json').out));
    expect((strip(both.out) as { plan: unknown }[]).map((e) => e.plan)).toEqual(single);
    expect(strip(run('plan', csv, model, ...mems, '--jobs', '1', '--json').out)).toEqual(strip(both.out));
    // The reports and the summary; --weights applies to the models among the files.
    const text = run('plan', model, model, '--memory', `dtcm=${256 + WEIGHTED_TAIL}:1`, '--memory', 'sram=512:2', '--memory', 'flash::8', '--memory', 'psram:20', '--weights', '--jobs', '2');
    expect(text.code).toBe(0);
    expect(text.out.match(/read in place from "flash"/g)?.length).toBe(2);
    expect(text.out).toMatch(/summary: 2 files[\s\S]*optimal +fits 4 memories/);
    const none = run('plan', csv, model, '--memory', 'a=16:1', '--memory', 'b=16:2', '--jobs', '2');
    expect(none.code).toBe(3);
    expect(none.out).toMatch(/does NOT fit/);
    // No plan, no arena and no bound on one: '-' in the summary, not 0 B (issue #10).
    const summary = none.out.slice(none.out.indexOf('summary:'));
    for (const name of ['jobs.csv', 'jobs.tflite']) expect(summary).toMatch(new RegExp(`${name} +- +- +(infeasible|unknown) +does NOT fit`));
    expect(summary).not.toMatch(/\b0 B/);
    // Nor in each file's report above the summary: its memories' rows show '-' (no arena was planned).
    expect(none.out).not.toMatch(/\b0 B\b/);
    expect(none.out.match(/\n {2}a +16 B +1 +- +- +- +- +-\n/g)?.length).toBe(2);
    expect(run('plan', csv, model, ...mems, '--capacity', '1KiB').err).toMatch(/--capacity does not go with --memory/);
  });
});

describe('a JSON problem whose capacities cannot both hold', () => {
  const two = '[{"id":"a","size":64,"start":0,"end":2},{"id":"b","size":64,"start":1,"end":3}]';
  it('"capacity" with "memories": exit 2, naming both (the capacity was ignored)', () => {
    const f = file('cap-mem.json', `{"capacity":10,"memories":[{"name":"sram","capacity":128,"cost":1},{"name":"ddr","cost":5}],"buffers":${two}}`);
    const r = run('plan', f);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cap-mem\.json: "capacity" and "memories" are both given/);
    expect(r.out).toBe('');
  });

  it('a buffer naming "memories" where the plan has none: exit 2, naming the buffer; with --memory it plans', () => {
    const f = file('named.json', '{"buffers":[{"id":"a","size":64,"start":0,"end":2,"memories":["ddr"]},{"id":"b","size":64,"start":1,"end":3}]}');
    const r = run('plan', f);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/named\.json: buffer "a" names the memories it may use \("ddr"\), but no memories are given/);
    expect(run('plan', f, '--memory', 'sram=64:1', '--memory', 'ddr:5').code).toBe(0);
  });

  it('a memory name --memory would refuse ("dd r") is refused in a file too', () => {
    const r = run('plan', file('space.json', `{"memories":[{"name":"dd r","cost":1}],"buffers":${two}}`));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/memory "dd r": name must be a letter followed by letters, digits or _/);
  });

  it('--capacity over the file\'s own, and --memory over its "memories": planned with the flag, a note says so', () => {
    const c = run('plan', file('own-cap.json', `{"capacity":"64KiB","buffers":${two}}`), '--capacity', '128KiB', '--json');
    expect(c.code).toBe(0);
    expect(c.err).toMatch(/note: --capacity 128\.00 KiB \(131072 B\) replaces the capacity of .*own-cap\.json \(64\.00 KiB \(65536 B\)\)/);
    const m = run('plan', file('own-mem.json', `{"memories":[{"name":"sram","capacity":128,"cost":1},{"name":"ddr","cost":5}],"buffers":${two}}`), '--memory', 'x:1');
    expect(m.code).toBe(0);
    expect(m.err).toMatch(/note: --memory replaces the "memories" of .*own-mem\.json \(sram, ddr\)/);
    expect(m.out).toMatch(/2 buffers over 1 memory\n/);
  });
});
