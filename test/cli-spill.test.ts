/**
 * Issue #10, "Spilling emits the wrong plan" and "A single method with a capacity contradicts itself":
 * the command line's report, --json, --out (CSV and JSON), --svg and --header tell one story, the plan
 * emitted is the one described, and the exit code follows it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRunner } from './helpers/cli.js';
import { parseCsv } from '../src/import/csv.js';
import { importTflite } from '../src/import/tflite/index.js';
import { tflmTailReserve } from '../src/runtime/tflm/tail-reserve.js';
import type { Memory, Problem } from '../src/problem/types.js';
import { verifySpilledPlan } from '../src/problem/verify.js';
import { buildTflite, FIXTURES } from './helpers/tflite-builder.js';
import { model as onnxModel, node, vi } from './helpers/onnx-builder.js';
import { importOnnx } from '../src/import/onnx/index.js';
import { CAP_CSV, SMALL4_CSV, SPILL_CSV } from './helpers/spill-inputs.js';

const { dir, run, file } = cliRunner('arenapack-spill-');

interface JsonBuffer {
  id: string;
  offset: number;
  memory: Memory;
}
interface JsonPlan {
  peak: number;
  status: string;
  fits: boolean;
  method: string;
  capacity: number;
  spilled: string[];
  spilledBytes: number;
  spill: { choice: string; ddrPeak: number; capacity: number };
  buffers: JsonBuffer[];
}

/** A JSON plan through the two-memory verifier, against the problem it was made for. */
function verifyJson(problem: Problem, j: JsonPlan, capacity: number): void {
  const v = verifySpilledPlan(
    problem,
    j.buffers.map((b) => b.memory),
    j.buffers.map((b) => b.offset),
    capacity,
    { chipPeak: j.peak, ddrPeak: j.spill.ddrPeak },
  );
  expect(v.errors).toEqual([]);
}

describe('plan --capacity on a CSV that does not fit', () => {
  const spill = file('spill.csv', SPILL_CSV);
  const problem = parseCsv(SPILL_CSV, 'spill.csv');

  it('spill.csv under 64 KiB: the report, --json and --out all give the spilled plan; exit 0', () => {
    const text = run('plan', spill, '--capacity', '64KiB');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/arena needed +88\.00 KiB \(90112 B\) +greedy-size, every buffer on chip\n/);
    expect(text.out).toMatch(/capacity +64\.00 KiB \(65536 B\): does NOT fit all on chip \(24\.00 KiB over\); fits after spilling 1 buffer to DDR/);
    expect(text.out).toMatch(/DDR traffic 40\.00 KiB \(40960 B\) per run/);
    expect(text.out).toMatch(/status: fits after spilling \(proven best choice/);
    expect(text.out).toMatch(/on chip: 48\.00 KiB \(49152 B\) by \S+, 4 buffers within 64\.00 KiB/);
    expect(text.out).toMatch(/DDR: +40\.00 KiB \(40960 B\) by \S+, 1 buffer spilled/);
    expect(text.out).toMatch(/spilled: c1\n/);
    // The baseline keeps every buffer on chip: it is compared with the plan of every buffer on chip, and says so.
    expect(text.out).toMatch(/before +88\.00 KiB \(90112 B\) +greedy by size.*: the same as the arena needed above \(every buffer on chip\)\n/);
    const outJson = join(dir, 'spill.plan.json');
    const outCsv = join(dir, 'spill.plan.csv');
    const json = run('plan', spill, '--capacity', '64KiB', '--json', '--out', outJson);
    expect(json.code).toBe(0);
    const j = JSON.parse(json.out) as JsonPlan;
    expect(j.status).toBe('spilled');
    expect(j.fits).toBe(true);
    expect(j.capacity).toBe(65536);
    expect(j.spilled).toEqual(['c1']);
    expect(j.spill.choice).toBe('optimal');
    expect(j.peak).toBe(49152);
    for (const b of j.buffers) {
      expect(b.memory).toBe(b.id === 'c1' ? 'ddr' : 'chip');
      if (b.memory === 'chip') expect(b.offset + problem.buffers.find((x) => x.id === b.id)!.size).toBeLessThanOrEqual(65536);
    }
    verifyJson(problem, j, 65536);
    // The file holds the same plan (without wall times).
    const fromFile = JSON.parse(readFileSync(outJson, 'utf8')) as JsonPlan;
    expect(fromFile.buffers).toEqual(j.buffers);
    expect(fromFile.status).toBe('spilled');
    expect(run('plan', spill, '--capacity', '64KiB', '--out', outCsv).code).toBe(0);
    const csv = readFileSync(outCsv, 'utf8');
    expect(csv.split('\n')[0]).toBe('id,lower,upper,size,offset,memory');
    expect(csv).toMatch(/^c1,1,3,40960,0,ddr$/m);
    // The CSV reads back: on-chip offsets become fixed, the DDR one does not (it is in another arena).
    const back = parseCsv(csv, 'spill.plan.csv');
    for (const b of back.buffers) expect(b.offset).toBe(b.id === 'c1' ? undefined : j.buffers.find((x) => x.id === b.id)!.offset);
    const again = JSON.parse(run('plan', outCsv, '--capacity', '64KiB', '--json').out) as JsonPlan;
    expect(again.buffers).toEqual(j.buffers);
  });

  it('a spilled plan prints each note once (a buffer with gaps: the block and spill notes)', () => {
    const gaps = file('gaps-spill.csv', 'id,lower,upper,size,gaps\na,0,6,64,2-4\nb,2,4,48,\nc,1,5,32,\nd,3,6,40,\n');
    const text = run('plan', gaps, '--capacity', '100');
    expect(text.code).toBe(0);
    const notes = text.out.split('\n').filter((l) => l.trim().startsWith('note:'));
    expect(notes.length).toBeGreaterThanOrEqual(2);
    expect(new Set(notes).size).toBe(notes.length);
  });

  it('--no-spill keeps the all-on-chip check: exit 3, nothing spilled', () => {
    const r = run('plan', spill, '--capacity', '64KiB', '--no-spill', '--json');
    expect(r.code).toBe(3);
    const j = JSON.parse(r.out) as JsonPlan;
    expect(j.fits).toBe(false);
    expect(j.spilled).toEqual([]);
    expect(j.status).toBe('infeasible');
  });

  it('spill.csv under 1.5 KiB (every buffer larger): the report and --json say plainly that nothing stays on chip; a valid plan, exit 0', () => {
    const text = run('plan', spill, '--capacity', '1.5KiB');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/capacity +1\.50 KiB \(1536 B\): does NOT fit all on chip \(86\.50 KiB over\); fits only after spilling every buffer \(5\) to DDR: nothing stays on chip\n/);
    expect(text.out).toMatch(/peak on chip +none: nothing stays on chip \(every buffer spilled to DDR\)\n/);
    expect(text.out).toMatch(/status: fits after spilling every buffer to DDR: nothing stays on chip \(/);
    expect(text.out).toMatch(/on chip: nothing \(0 B of the 1\.50 KiB capacity used\)\n/);
    // No empty list of buffers, no method for an arena nobody placed.
    expect(text.out).not.toMatch(/live in 0 buffers|by -/);
    const r = run('plan', spill, '--capacity', '1.5KiB', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as JsonPlan & { nothingOnChip?: boolean };
    expect(j.nothingOnChip).toBe(true);
    expect(j.status).toBe('spilled');
    expect(j.fits).toBe(true);
    expect(j.peak).toBe(0);
    expect(j.buffers.every((b) => b.memory === 'ddr')).toBe(true);
    verifyJson(problem, j, 1536);
    // With something on chip the flag is absent.
    expect(JSON.parse(run('plan', spill, '--capacity', '64KiB', '--json').out)).not.toHaveProperty('nothingOnChip');
    // The picture says it too: an on-chip panel with no buffer, not "0 B live in 0 buffers".
    const svg = join(dir, 'all-spilled.svg');
    expect(run('plan', spill, '--capacity', '1.5KiB', '--svg', svg).code).toBe(0);
    const picture = readFileSync(svg, 'utf8');
    expect(picture).toContain('on chip: nothing, every buffer (5) spilled to DDR');
    expect(picture).toContain('No buffer in this memory: no peak');
    expect(picture).not.toMatch(/0 buffers/);
  });

  it('cap.csv with --method greedy-size --capacity 112: one story, in the report, the JSON and the exit code', () => {
    const cap = file('cap.csv', CAP_CSV);
    const capProblem = parseCsv(CAP_CSV, 'cap.csv');
    const text = run('plan', cap, '--method', 'greedy-size', '--capacity', '112');
    const json = run('plan', cap, '--method', 'greedy-size', '--capacity', '112', '--json');
    expect(text.code).toBe(0);
    expect(json.code).toBe(0);
    const j = JSON.parse(json.out) as JsonPlan;
    verifyJson(capProblem, j, 112);
    expect(j.status).toBe('spilled');
    expect(j.method).toBe('greedy-size');
    // The report describes exactly the plan emitted: its on-chip peak, what spilled, an unproven choice.
    expect(text.out).toMatch(/arena needed +144 B +greedy-size, every buffer on chip\n/);
    expect(text.out).toMatch(/capacity +112 B: does NOT fit all on chip \(32 B over\)/);
    expect(text.out).toMatch(/- a capacity of 144 B: the plan of every buffer on chip fits it/);
    expect(text.out).toContain(`on chip: ${j.peak} B by greedy-size`);
    expect(text.out).toContain(`spilled: ${j.spilled.join(', ')}\n`);
    expect(text.out).toMatch(/fits after spilling \(feasible choice, not proven best/);
    expect(text.out).not.toMatch(/0 buffers/);
    // The portfolio finds the 112-byte plan of all seven: it fits, nothing spills, exit 0.
    const auto = run('plan', cap, '--capacity', '112', '--json');
    expect(auto.code).toBe(0);
    const a = JSON.parse(auto.out) as JsonPlan;
    expect(a.peak).toBe(112);
    expect(a.fits).toBe(true);
    expect(a.spilled).toEqual([]);
  });

  it('small4.csv --capacity 378 (below the live bound): "arena needed" is the plain run\'s 420 B, proven, inline and with --jobs', () => {
    const small4 = file('small4.csv', SMALL4_CSV);
    expect(run('plan', small4).out).toMatch(/arena needed +420 B +decomposed\n/);
    for (const jobs of [[], ['--jobs', '2']]) {
      const r = run('plan', small4, '--capacity', '378', ...jobs);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/arena needed +420 B +decomposed, every buffer on chip\n/);
      expect(r.out).toMatch(/lower bound +420 B +of every buffer on chip — met: proven optimal\n/);
      expect(r.out).toMatch(/a capacity of 420 B: the plan of every buffer on chip fits it/);
    }
  });

  it('--jobs (worker threads) gives the same spilled plan as a single run', () => {
    const single = JSON.parse(run('plan', spill, '--capacity', '64KiB', '--json').out) as JsonPlan;
    const r = run('plan', spill, file('cap2.csv', CAP_CSV), '--jobs', '2', '--capacity', '64KiB', '--json');
    expect(r.code).toBe(0);
    const [first] = JSON.parse(r.out) as { plan: JsonPlan }[];
    expect(first!.plan.buffers).toEqual(single.buffers);
    expect(first!.plan.spilled).toEqual(['c1']);
  });
});

describe('ids in the report\'s lists (issue #10): one id, one item', () => {
  it('a CSV id with a comma or a space is quoted in the spilled list, at the peak and in the hints; plain ids are not', () => {
    const csv = file('comma.csv', 'id,lower,upper,size\n"a,b",0,2,40\na,0,2,30\nb,1,3,30\n"c d",2,4,10\n');
    const r = run('plan', csv, '--capacity', '64');
    expect(r.code).toBe(0);
    expect(r.out).toContain('  spilled: "a,b"\n');
    expect(r.out).toMatch(/peak on chip +step 1: 60 B live in 2 buffers: a 30 B, b 30 B\n/);
    const j = JSON.parse(run('plan', csv, '--capacity', '64', '--json').out) as JsonPlan;
    expect(j.spilled).toEqual(['a,b']);
    const svg = join(dir, 'comma.svg');
    expect(run('plan', csv, '--capacity', '100', '--svg', svg).code).toBe(0);
    // The SVG names them as the report does: its list at the peak and the tooltips.
    expect(readFileSync(svg, 'utf8')).toContain('&quot;a,b&quot; 40 B');
    expect(readFileSync(svg, 'utf8')).toContain('<title>&quot;c d&quot;: 10 B');
    const at = run('plan', csv, '--capacity', '100');
    expect(at.out).toMatch(/peak +step 1: 100 B live in 3 buffers: "a,b" 40 B, a 30 B, b 30 B\n/);
    const big = file('big.csv', 'id,lower,upper,size\n"a,b",0,2,100\n"c d",0,2,30\n');
    const hints = run('plan', big, '--capacity', '64', '--no-spill');
    expect(hints.code).toBe(3);
    expect(hints.out).toContain('    - buffer "a,b" alone is 100 B, more than the capacity: no plan keeps it on chip\n');
  });

  it('a model\'s tensor named with a quote and a comma: the spilled list names it as the peak line does, the quote escaped', () => {
    const spec = FIXTURES.chain();
    spec.subgraphs[0]!.tensors[3]!.name = 're"lu, x';
    const path = file('quoted.tflite', buildTflite(spec));
    const m = importTflite(new Uint8Array(readFileSync(path)), path);
    const r = run('plan', path, '--capacity', String(600 + tflmTailReserve(m).tail.bytes));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('  spilled: #3 "re\\"lu, x"\n');
  });
});

describe('plan --capacity on a model that does not fit', () => {
  const chain = file('chain.tflite', buildTflite(FIXTURES.chain()));
  // chain: input 256 B, conv 256 B, relu 1024 B, logits 10 B (aligned to 16); relu alone exceeds 600 B.
  const model = importTflite(new Uint8Array(readFileSync(chain)), chain);
  // TFLM's tail estimate stays on chip beside the head: the capacity leaves the head 600 B.
  const tail = tflmTailReserve(model).tail.bytes;
  const cap = String(600 + tail);

  it('spills per subgraph: --json, --svg (two panels), --header (the DDR arena); exit 0', () => {
    const svg = join(dir, 'chain.svg');
    const header = join(dir, 'chain.h');
    const r = run('plan', chain, '--capacity', cap, '--json', '--svg', svg, '--header', header);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as Omit<JsonPlan, 'spilled'> & { spilled: unknown[]; subgraphs: JsonPlan[]; arena: { fits: boolean; size: number; ddr: { size: number }; tflm: { head: number; total: number; tail: { bytes: number } } } };
    expect(j.status).toBe('spilled');
    expect(j.arena.fits).toBe(true);
    expect(j.arena.size).toBeLessThanOrEqual(600);
    expect(j.arena.tflm.tail.bytes).toBe(tail);
    expect(j.arena.tflm.total).toBeLessThanOrEqual(600 + tail);
    // The top level's spill keys are the model's: its spilled buffers, each naming its subgraph; the
    // subgraph's spill choice is in `subgraphs` only.
    expect(j).not.toHaveProperty('spill');
    expect(j.spilled).toEqual([{ subgraph: 0, id: '3', name: expect.any(String) }]);
    expect(j.spilledBytes).toBe(j.subgraphs[0]!.spilledBytes);
    expect(j.subgraphs[0]!.spill.capacity).toBe(600);
    const relu = j.buffers.find((b) => b.id === '3')!;
    expect(relu.memory).toBe('ddr');
    verifyJson(model.subgraphs[0]!.problem, j.subgraphs[0]!, 600);
    expect(j.arena.ddr.size).toBe(j.subgraphs[0]!.spill.ddrPeak);
    const picture = readFileSync(svg, 'utf8');
    expect(picture).toContain('<g id="subgraph-0-chip">');
    expect(picture).toContain('<g id="subgraph-0-ddr">');
    expect(picture).toMatch(/relu \(tensor 3\): 1024 B, steps \[1, 3\), DDR offset 0/);
    const h = readFileSync(header, 'utf8');
    expect(picture).toContain('capacity - tail 600 B');
    expect(h).toMatch(/#define CHAIN_HEAD_SIZE (\d+)/);
    expect(h).toContain(`#define CHAIN_TAIL_ESTIMATE ${tail}`);
    expect(Number(/#define CHAIN_HEAD_SIZE (\d+)/.exec(h)![1])).toBeLessThanOrEqual(600);
    expect(h).toContain(`#define CHAIN_DDR_ARENA_SIZE ${j.arena.ddr.size}`);
    expect(h).toMatch(/#define CHAIN_SG0_T3_RELU_DDR_OFFSET 0\b/);
    expect(h).not.toMatch(/T3_RELU_OFFSET/);
  });

  it('refuses --write-tflite of a spilled plan (TFLM\'s offline plan has no DDR arena), writing nothing', () => {
    const out = join(dir, 'never.tflite');
    const json = join(dir, 'never.json');
    const r = run('plan', chain, '--capacity', cap, '--write-tflite', out, '--out', json);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--write-tflite: subgraph 0 spills 1 buffer to DDR .* no place for a DDR arena; nothing was written/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(json)).toBe(false);
    // With a capacity it fits, the offline plan is written as before.
    expect(run('plan', chain, '--capacity', '4KiB', '--write-tflite', out).code).toBe(0);
    expect(existsSync(out)).toBe(true);
  });

  // README "Input formats": a spilled solution CSV read back with the same --capacity. The `chip` rows'
  // offsets are fixed; the `ddr` rows are free and spilled again by the same deterministic procedure.
  it('a spilled plan read back (--out CSV, then plan it with the same --capacity) gives the same memories and offsets, verified', () => {
    // The input and a seeded random one (80 buffers, 182.25 KiB in one arena) at three capacities (43, 37, 23 spilled).
    let seed = 7;
    const rand = (n: number): number => ((seed = (seed * 48271) % 2147483647), seed % n);
    const random = ['id,lower,upper,size', ...Array.from({ length: 80 }, (_, i) => {
      const start = rand(41);
      return `b${i},${start},${start + 1 + rand(8)},${(1 + rand(64)) * 256}`;
    })].join('\n') + '\n';
    const cases: [string, string, string][] = [['spill.csv', SPILL_CSV, '64KiB'], ...['40KiB', '60KiB', '100KiB'].map((c): [string, string, string] => ['random.csv', random, c])];
    const spilled: number[] = [];
    for (const [name, text, capacity] of cases) {
      const first = join(dir, `first-${capacity}-${name}`);
      const again = join(dir, `again-${capacity}-${name}`);
      expect(run('plan', file(name, text), '--capacity', capacity, '--out', first).code).toBe(0);
      expect(run('plan', first, '--capacity', capacity, '--out', again).code).toBe(0);
      const a = readFileSync(first, 'utf8');
      spilled.push(a.split('\n').filter((l) => l.endsWith(',ddr')).length);
      expect(readFileSync(again, 'utf8')).toBe(a);
      const rows = a.trim().split('\n').slice(1).map((l) => l.split(','));
      const bytes = Number(capacity.replace('KiB', '')) * 1024;
      const v = verifySpilledPlan(parseCsv(text, name), rows.map((r) => r[5] as Memory), rows.map((r) => Number(r[4])), bytes);
      expect(v.errors).toEqual([]);
    }
    // Each case spilled (the round trip is about the DDR rows).
    expect(spilled.every((n) => n > 0)).toBe(true);
    // The report read back says which offsets the file fixed (its proofs hold with them in place); a plain CSV's says nothing.
    const readBack = run('plan', join(dir, 'first-64KiB-spill.csv'), '--capacity', '64KiB');
    expect(readBack.out).toContain('fixed offsets   4 buffers at the offsets the file gives');
    expect(run('plan', file('plain.csv', SPILL_CSV)).out).not.toContain('fixed offsets');
  });
});

describe('plan --capacity on an ONNX model that does not fit', () => {
  // x -> Relu a -> Relu b -> Add(a, b) y: a, b and y (256 B each) live together at step 2: 768 B.
  const bytes = onnxModel({
    inputs: [vi('x', [1, 64])],
    outputs: [vi('y', null)],
    nodes: [node('Relu', ['x'], ['a'], [], 'r1'), node('Relu', ['a'], ['b'], [], 'r2'), node('Add', ['a', 'b'], ['y'], [], 'add')],
  });
  const path = file('three.onnx', bytes);

  it('spills one activation to DDR under 600 B, the plan verifies; exit 0; --no-spill exits 3', () => {
    const r = run('plan', path, '--capacity', '600', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as Omit<JsonPlan, 'spilled'> & { spilled: { subgraph: number; id: string; name: string }[]; format: string; arena: { fits: boolean; size: number }; subgraphs: JsonPlan[] };
    expect(j.format).toBe('onnx');
    expect(j.status).toBe('spilled');
    expect(j.spilled).toHaveLength(1);
    expect(j.spilled[0]!.subgraph).toBe(0);
    expect(j.spilled[0]!.id).toBe(j.subgraphs[0]!.spilled[0]);
    expect(j.arena.fits).toBe(true);
    expect(j.arena.size).toBeLessThanOrEqual(600);
    verifyJson(importOnnx(bytes, path).subgraphs[0]!.problem, j.subgraphs[0]!, 600);
    const text = run('plan', path, '--capacity', '600');
    expect(text.out).toMatch(/status: fits after spilling/);
    // Named as the peak line names a tensor: `#index "name"`.
    expect(text.out).toContain(`spilled: #${j.spilled[0]!.id} "${j.spilled[0]!.name}"\n`);
    expect(run('plan', path, '--capacity', '600', '--no-spill').code).toBe(3);
  });
});
