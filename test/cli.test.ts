import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliRunner } from './helpers/cli.js';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../src/import/csv.js';
import { importTflite } from '../src/import/tflite/index.js';
import type { ModelImportOptions } from '../src/import/model.js';
import { readTflite } from '../src/import/tflite/reader.js';
import { verifyPlan } from '../src/problem/verify.js';
import { buildTflite, FIXTURES, OP } from './helpers/tflite-builder.js';
import { readOfflinePlanOf } from './helpers/offline-plan.js';

const { root, dir, run } = cliRunner('arenapack-cli-');

interface PlanJsonLike {
  peak: number;
  buffers: { offset: number }[];
}

/** Every subgraph's plan in a model's --json output passes the verifier on the model as imported with `options`. */
function verifyModelJson(model: string, j: { subgraphs: PlanJsonLike[] }, options: ModelImportOptions = {}): void {
  importTflite(new Uint8Array(readFileSync(model)), model, options).subgraphs.forEach((sg, s) => {
    const plan = j.subgraphs[s]!;
    expect(verifyPlan(sg.problem, plan.buffers.map((b) => b.offset), plan.peak).errors).toEqual([]);
  });
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const CSV = 'id,lower,upper,size\nb1,0,3,4\nb2,3,9,4\nb3,0,9,4\nb4,9,21,4\nb5,0,21,4\n';

describe('arenapack plan', () => {
  it('prints the report for the built-in example and says whether it fits', () => {
    const r = run('plan', 'examples/small-cnn.csv', '--capacity', '256KiB');
    expect(r.code).toBe(0);
    // Answer first: the arena, the bound and the verdict, the capacity, the peak, the baseline named.
    expect(r.out.split('\n').slice(0, 6)).toEqual([
      'examples/small-cnn.csv: 12 buffers over 12 steps',
      '  arena needed    144.00 KiB (147456 B)  greedy-size',
      '  lower bound     144.00 KiB (147456 B)  live bound — met: proven optimal',
      '  capacity        256.00 KiB (262144 B): fits, 112.00 KiB to spare',
      '  peak            step 2: 144.00 KiB (147456 B) live in 2 buffers: conv1_out 72.00 KiB, dw1_out 72.00 KiB',
      "  before          144.00 KiB (147456 B)  greedy by size, first fit (TFLite's and TFLM's GreedyMemoryPlanner: largest first, first gap): the same as this plan",
    ]);
    // The method table only with --verbose.
    expect(r.out).not.toMatch(/slots-inorder/);
    const v = run('plan', 'examples/small-cnn.csv', '--capacity', '256KiB', '--verbose');
    expect(v.out).toMatch(/^  slots-inorder +207\.00 KiB +211968 +43\.8%/m);
    expect(v.out).toMatch(/^  live bound +144\.00 KiB \(147456 B\)/m);
  });

  it('--version prints the package version', () => {
    const r = run('--version');
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
  });

  it('--json prints exactly the promised keys, and the plan verifies', () => {
    const f = file('p.csv', CSV);
    const r = run('plan', f, '--json', '--capacity', '12');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    for (const k of ['peak', 'liveBound', 'status', 'method', 'buffers']) expect(j).toHaveProperty(k);
    expect(j.peak).toBe(12);
    expect(j.liveBound).toBe(12);
    expect(j.status).toBe('optimal');
    expect(j.fits).toBe(true);
    expect(Object.keys(j.buffers[0]).sort()).toEqual(['end', 'id', 'memory', 'offset', 'size', 'start']);
    expect(j.spilled).toEqual([]);
    const problem = parseCsv(CSV);
    expect(verifyPlan(problem, j.buffers.map((b: { offset: number }) => b.offset), j.peak).valid).toBe(true);
  });

  it('exits 3 when no plan fits the capacity: with --no-spill, or when what may not spill does not fit', () => {
    const r = run('plan', file('q.csv', CSV), '--capacity', '11', '--no-spill');
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/capacity +11 B: does NOT fit, 1 B over — infeasible: proven that no plan fits the capacity/);
    // What to change, each planned: the capacity needed, and the spill plan --no-spill refused.
    expect(r.out).toMatch(/to fit:\n    - a capacity of 12 B: the plan of every buffer on chip fits it\n    - spill 1 buffer \(4 B\) to DDR \(without --no-spill\): 8 B on chip, DDR arena 4 B, DDR traffic 4 B per run/);
    // Spilling is the default: the same capacity fits after spilling (exit 0).
    expect(run('plan', file('q.csv', CSV), '--capacity', '11').code).toBe(0);
    const pinned = file('pinned.csv', 'id,lower,upper,size,spillable\na,0,2,8,false\nb,1,3,8,false\nc,0,3,4,\n');
    const none = run('plan', pinned, '--capacity', '12');
    expect(none.code).toBe(3);
    expect(none.out).toMatch(/spill: even the buffers that may not spill do not fit the capacity\n/);
    // A fixed offset that ends above the capacity: the plainest cause, named (with where it is fixed),
    // whichever way the spill procedure finds no plan (here: no set it tried placed).
    const fixed = run('plan', file('fixed.csv', 'id,lower,upper,size,offset\na,0,2,8,0\nres,1,3,8,16\nc,0,3,4,\n'), '--capacity', '20', '--json');
    expect(fixed.code).toBe(3);
    expect((JSON.parse(fixed.out) as { spillFailure: string }).spillFailure).toBe(
      'no plan found that keeps the buffers that may not spill within the capacity: 1 buffer with a fixed offset ends above it ("res" at 16..24)',
    );
  });

  it('writes --out as a MiniMalloc solution CSV or as JSON', () => {
    const f = file('s.csv', CSV);
    const outCsv = join(dir, 'sol.csv');
    expect(run('plan', f, '--out', outCsv, '--method', 'greedy-size').code).toBe(0);
    const sol = parseCsv(readFileSync(outCsv, 'utf8'));
    expect(verifyPlan(parseCsv(CSV), sol.buffers.map((b) => b.offset!)).valid).toBe(true);
    const outJson = join(dir, 'sol.json');
    expect(run('plan', f, '--out', outJson).code).toBe(0);
    expect(JSON.parse(readFileSync(outJson, 'utf8')).peak).toBe(12);
  });

  it.each([
    [['plan', 'missing.csv'], /missing.csv: cannot read \(ENOENT\)/],
    [['plan', 'BAD', '--capacity', 'lots'], /--capacity: "lots" is not a size/],
    [['plan', 'BAD'], /bad.csv:3: buffer "b2": size "x" is not a safe integer/],
    [['plan', 'DUP'], /dup.csv:3: buffer "a": id is used twice/],
    [['plan', 'NOID'], /noid.csv:3: buffer #1: id must be a non-empty string, got ""/],
    [['plan', 'BAD', '--method', 'magic'], /argument 'magic' is invalid/],
    [['plan', 'BAD', '--time-limit', '-1'], /--time-limit/],
    [['frobnicate'], /unknown command/],
  ])('%j: a clear error, exit 2, nothing written', (args, msg) => {
    const bad = file('bad.csv', 'id,lower,upper,size\nb1,0,1,4\nb2,0,1,x\n');
    const dup = file('dup.csv', 'id,lower,upper,size\na,0,1,4\na,0,1,4\n');
    const out = join(dir, `never-${Math.random().toString(36).slice(2)}.json`);
    const noid = file('noid.csv', 'id,lower,upper,size\nb,0,1,4\n,0,1,4\n');
    const argv = args.map((a) => (a === 'BAD' ? bad : a === 'DUP' ? dup : a === 'NOID' ? noid : a));
    const r = run(...argv, '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(msg);
    expect(existsSync(out)).toBe(false);
  });
});

describe('arenapack on models (.tflite)', () => {
  const chain = join(dir, 'chain.tflite');
  writeFileSync(chain, buildTflite(FIXTURES.chain()));
  const two = join(dir, 'two.tflite');
  writeFileSync(two, buildTflite(FIXTURES.twoSubgraphs()));
  const dynamic = join(dir, 'dyn.tflite');
  writeFileSync(dynamic, buildTflite(FIXTURES.dynamic()));
  const unknownDim = join(dir, 'unk.tflite');
  writeFileSync(unknownDim, buildTflite(FIXTURES.unknownDim()));

  it('plan: the report per subgraph; exit 3 when a subgraph does not fit', () => {
    // The whole TFLM arena (head 1328 B + tail estimate) fits 3 KiB.
    const r = run('plan', two, '--align', '1', '--capacity', '3KiB');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/two\.tflite — subgraph 0 "main": 4 planned buffers over 3 steps$/m);
    expect(r.out).toMatch(/two\.tflite — subgraph 1 "body": 3 planned buffers over 2 steps$/m);
    expect(r.out).toMatch(/lower bound +1\.25 KiB \(1280 B\) +live bound — met: proven optimal/);
    expect(r.out).toMatch(/planned arena +1\.25 KiB \(1280 B\)/);
    expect(r.out).toMatch(/^  peak +step \d+ = operator \d+ \([A-Z_0-9]+\): /m);
    expect(r.out).toMatch(/^  before +[\d.]+ (KiB|B).*TFLM's own GreedyMemoryPlanner on the model as given/m);
    expect(r.out).not.toMatch(/no reuse/);
    expect(run('plan', two, '--align', '1', '--capacity', '2KiB', '--verbose').out).toMatch(/no reuse +1\.51 KiB \(1546 B\)/);
    const tight = run('plan', two, '--align', '1', '--capacity', '1000', '--no-spill');
    expect(tight.code).toBe(3);
    expect(tight.out).toMatch(/does NOT fit/);
    // Each subgraph fits 1300 B, the two stacked (1328 B) do not: exit 3 too.
    const stacked = run('plan', two, '--align', '1', '--capacity', '1300', '--no-spill');
    expect(stacked.out).toMatch(/2 subgraphs stacked in one arena .*: 1\.30 KiB \(1328 B\); capacity 1\.27 KiB: does NOT fit/);
    expect(stacked.code).toBe(3);
  });

  it('--json: subgraph 0 at the top level, ids = tensor indices with names, every subgraph listed; plans verify', () => {
    const r = run('plan', two, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    for (const k of ['peak', 'liveBound', 'status', 'method', 'buffers', 'subgraphs']) expect(j).toHaveProperty(k);
    expect(j.buffers.map((b: { id: string; name: string }) => `${b.id}:${b.name}`)).toEqual(['0:input', '2:conv', '3:relu', '4:logits']);
    expect(j.subgraphs).toHaveLength(2);
    const model = importTflite(new Uint8Array(readFileSync(two)), two);
    model.subgraphs.forEach((sg, s) => {
      const offsets = j.subgraphs[s].buffers.map((b: { offset: number }) => b.offset);
      expect(verifyPlan(sg.problem, offsets, j.subgraphs[s].peak).valid).toBe(true);
      expect(offsets.every((o: number) => o % 16 === 0)).toBe(true);
    });
  });

  it('--write-tflite warns when --align leaves offsets TFLite Micro cannot use as they are', () => {
    // in (3 B) -RELU-> a (3 B) -RELU-> b (3 B): with --align 1, a sits at offset 3 (or in and b do).
    const odd = join(dir, 'odd.tflite');
    const t = (name: string) => ({ name, shape: [1, 3] });
    writeFileSync(odd, buildTflite({
      subgraphs: [{
        tensors: [t('in'), t('a'), t('b')],
        inputs: [0],
        outputs: [2],
        operators: [{ op: OP.RELU, inputs: [0], outputs: [1] }, { op: OP.RELU, inputs: [1], outputs: [2] }],
      }],
    }));
    const tfl = join(dir, 'unaligned.tflite');
    const r = run('plan', odd, '--align', '1', '--write-tflite', tfl);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/WARNING: .*unaligned\.tflite: (1 tensor offset is not a multiple|2 tensor offsets are not multiples) of 16 \(planned with --align 1\)/);
    expect(existsSync(tfl)).toBe(true);
    const aligned = run('plan', odd, '--write-tflite', tfl);
    expect(aligned.code).toBe(0);
    expect(aligned.err).not.toMatch(/WARNING/);
  });

  it('--svg, --header, --write-tflite: all written, the .tflite carries the JSON plan', () => {
    const svg = join(dir, 'p.svg');
    const h = join(dir, 'p.h');
    const tfl = join(dir, 'p.tflite');
    const r = run('plan', two, '--svg', svg, '--header', h, '--write-tflite', tfl, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    verifyModelJson(two, j);
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg /);
    // The header names the model written (the one to ship), not the input (issue #10).
    expect(readFileSync(h, 'utf8')).toContain(`"${createHash('sha256').update(readFileSync(tfl)).digest('hex')}"`);
    expect(readFileSync(h, 'utf8')).not.toContain(`"${createHash('sha256').update(readFileSync(two)).digest('hex')}"`);
    const values = readOfflinePlanOf(new Uint8Array(readFileSync(tfl)), tfl);
    const base1 = Math.ceil(j.subgraphs[0].peak / 16) * 16;
    const expected = [0, 2, 8, -1, -1, -1, -1, -1, -1, -1, -1];
    j.subgraphs.forEach((sg: { buffers: { id: string; offset: number }[] }, s: number) => {
      for (const b of sg.buffers) expected[3 + (s === 0 ? 0 : 5) + Number(b.id)] = (s === 0 ? 0 : base1) + b.offset;
    });
    expect(values).toEqual(expected);
    // The written model plans again.
    expect(run('plan', tfl).code).toBe(0);
  });

  it('inspect lists tensors; convert writes one MiniMalloc CSV per subgraph', () => {
    const r = run('inspect', chain);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\s+3\s+activation\s+FLOAT32\s+\[1,8,8,4\]\s+1024\s+\[1, 3\)\s+#3\s+relu$/m);
    const csv = join(dir, 'two.csv');
    const c = run('convert', two, '--csv', csv, '--align', '1');
    expect(c.code).toBe(0);
    expect(c.out).toContain(join(dir, 'two.sg1.csv'));
    const p0 = parseCsv(readFileSync(csv, 'utf8'));
    expect(p0.buffers.map((b) => [b.id, b.size, b.start, b.end])).toEqual([
      ['0', 256, 0, 1],
      ['2', 256, 0, 2],
      ['3', 1024, 1, 3],
      ['4', 10, 2, 3],
    ]);
    expect(parseCsv(readFileSync(join(dir, 'two.sg1.csv'), 'utf8')).buffers).toHaveLength(3);
    const j = JSON.parse(run('plan', csv, '--json').out);
    expect(j.liveBound).toBe(1280);
    expect(verifyPlan(p0, j.buffers.map((b: { offset: number }) => b.offset), j.peak).errors).toEqual([]);
  });

  it.each([
    [['plan', 'UNK'], /unk\.tflite: subgraph 0, tensor 0 "in" has an unknown dimension 1 in its stored shape \[1, -1\]/],
    [['plan', 'BADID'], /badid\.tflite: header: not a TFLite model: file identifier/],
    [['plan', 'TRUNC'], /trunc\.tflite: .*lies outside the file/],
    [['plan', 'M.onnx'], /M\.onnx: not a valid ONNX model/],
    [['plan', 'DYN', '--align', '3'], /--align: "3" is not a power of two/],
    [['plan', 'DYN', '--batch', '0'], /--batch: "0" is not a positive integer/],
    [['plan', 'DYN', '--batch', '1e3'], /--batch: "1e3" is not a positive integer/],
    [['plan', 'DYN', '--batch', '0x10'], /--batch: "0x10" is not a positive integer/],
    [['plan', 'DYN', '--align', '0x10'], /--align: "0x10" is not a power of two/],
    [['plan', 'DYN', '--align', '1e1'], /--align: "1e1" is not a power of two/],
    [['plan', 'CSV', '--align', '16'], /--align applies to model files/],
    [['plan', 'CSV', '--no-prepared'], /--no-prepared applies to TFLite models \(\.tflite\), not to /],
    [['plan', 'UNDERFILE'], /ok\.csv\/x\.csv: cannot read \(ENOTDIR\)/],
    [['plan', 'M.onnx', '--no-prepared'], /--no-prepared applies to TFLite models, not to .*M\.onnx/],
    [['inspect', 'UNK'], /unknown dimension/],
    [['convert', 'UNK', '--csv', 'OUTCSV'], /unknown dimension/],
  ])('%j: a clear error, exit 2, no file written', (args, msg) => {
    writeFileSync(join(dir, 'badid.tflite'), buildTflite(FIXTURES.chain()).map((b, i) => (i === 7 ? 0x32 : b)));
    writeFileSync(join(dir, 'trunc.tflite'), buildTflite(FIXTURES.chain()).slice(0, 100));
    writeFileSync(join(dir, 'M.onnx'), new Uint8Array(16));
    writeFileSync(join(dir, 'ok.csv'), CSV);
    const outs = ['svg', 'h', 'tflite', 'json'].map((e) => join(dir, `never-${Math.random().toString(36).slice(2)}.${e}`));
    const csvOut = join(dir, `never-${Math.random().toString(36).slice(2)}.csv`);
    const names: Record<string, string> = { DYN: dynamic, UNK: unknownDim, BADID: join(dir, 'badid.tflite'), TRUNC: join(dir, 'trunc.tflite'), 'M.onnx': join(dir, 'M.onnx'), CSV: join(dir, 'ok.csv'), UNDERFILE: join(dir, 'ok.csv', 'x.csv'), OUTCSV: csvOut };
    const argv = args.map((a) => names[a] ?? a);
    // Every plan asks for an output file (a CSV, whose other flags are refused, just --out); inspect writes none.
    const extra = argv[0] !== 'plan' ? [] : argv[1] === names.CSV ? ['--out', outs[3]!] : ['--svg', outs[0]!, '--header', outs[1]!, '--write-tflite', outs[2]!, '--out', outs[3]!];
    const r = run(...argv, ...extra);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(msg);
    for (const o of [...outs, csvOut]) expect(existsSync(o)).toBe(false);
  });

  it('--out: the model JSON, or subgraph 0 as a MiniMalloc solution CSV', () => {
    const outCsv = join(dir, 'model-sol.csv');
    expect(run('plan', chain, '--out', outCsv).code).toBe(0);
    const sol = parseCsv(readFileSync(outCsv, 'utf8'));
    const problem = importTflite(new Uint8Array(readFileSync(chain)), chain).subgraphs[0]!.problem;
    expect(sol.buffers.map((b) => b.id)).toEqual(problem.buffers.map((b) => b.id));
    expect(verifyPlan(problem, sol.buffers.map((b) => b.offset!)).valid).toBe(true);
    const outJson = join(dir, 'model-plan.json');
    expect(run('plan', chain, '--out', outJson).code).toBe(0);
    expect(JSON.parse(readFileSync(outJson, 'utf8')).subgraphs).toHaveLength(1);
  });

  it('--batch fixes a dynamic batch', () => {
    const j = JSON.parse(run('plan', dynamic, '--batch', '3', '--align', '1', '--json').out);
    expect(j.buffers.map((b: { size: number }) => b.size)).toEqual([48, 24]);
    verifyModelJson(dynamic, j, { batch: 3, align: 1 });
  });
});

describe('arenapack plan: several files, format flags, the stacked arena, all-or-nothing outputs', () => {
  const chain = join(dir, 'multi-chain.tflite');
  writeFileSync(chain, buildTflite(FIXTURES.chain()));
  const two = join(dir, 'multi-two.tflite');
  writeFileSync(two, buildTflite(FIXTURES.twoSubgraphs()));

  it('--jobs plans several files, one report each in the order given; a bad one makes the exit code', () => {
    const csv = file('multi.csv', CSV);
    const ok = run('plan', csv, chain, '--jobs', '2', '--json');
    expect(ok.code).toBe(0);
    const reports = JSON.parse(ok.out) as { file: string; plan: PlanJsonLike & { subgraphs: PlanJsonLike[] } }[];
    expect(reports.map((r) => r.file)).toEqual([csv, chain]);
    expect(reports[0]!.plan.peak).toBe(12);
    expect(verifyPlan(parseCsv(CSV), reports[0]!.plan.buffers.map((b) => b.offset), 12).valid).toBe(true);
    verifyModelJson(chain, reports[1]!.plan);
    const bad = run('plan', csv, join(dir, 'missing.csv'), '--jobs', '2');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/missing\.csv: cannot read/);
    expect(run('plan', csv, chain, '--out', join(dir, 'x.json')).err).toMatch(/--out takes a single input file/);
  });

  it('refuses --input-shape on a TFLite model instead of ignoring it', () => {
    const r = run('plan', chain, '--input-shape', 'x=1x2');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--input-shape applies to ONNX models/);
  });

  it('--json gives the stacked arena of all subgraphs and whether it fits', () => {
    const j = JSON.parse(run('plan', two, '--json').out);
    verifyModelJson(two, j);
    expect(j.arena.bases[0]).toBe(0);
    // Stacked: each subgraph's plan ends before the next one's base, the last one at the arena's end.
    j.subgraphs.forEach((g: { peak: number }, s: number) => {
      expect(j.arena.bases[s] + g.peak).toBeLessThanOrEqual(s + 1 < j.subgraphs.length ? j.arena.bases[s + 1] : j.arena.size);
    });
    const tight = run('plan', two, '--json', '--no-spill', '--capacity', String(j.arena.size - 1));
    expect(tight.code).toBe(3);
    expect(JSON.parse(tight.out).arena.fits).toBe(false);
  });

  it('writes every output file or none: a bad path leaves no --out behind', () => {
    const out = join(dir, `none-${Date.now()}.json`);
    const r = run('plan', chain, '--out', out, '--svg', join(dir, 'no', 'such', 'dir.svg'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/dir\.svg: cannot write \(ENOENT\)/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('arenapack plan --out is deterministic', () => {
  it('the same input writes the same bytes (no wall times in the file)', () => {
    const f = file('det.csv', CSV);
    const a = join(dir, 'det-a.json');
    const b = join(dir, 'det-b.json');
    expect(run('plan', f, '--out', a).code).toBe(0);
    expect(run('plan', f, '--out', b).code).toBe(0);
    const text = readFileSync(a, 'utf8');
    expect(readFileSync(b, 'utf8')).toBe(text);
    expect(text).not.toMatch(/timeMs/);
    expect(JSON.parse(text).methods.length).toBeGreaterThan(1);
  });
});

describe('arenapack: an option that takes one value, given twice, is refused (exit 2, nothing written)', () => {
  const chain = join(dir, 'twice-chain.tflite');
  writeFileSync(chain, buildTflite(FIXTURES.chain()));

  it('names the option and both values, for CSV and model options alike, and for inspect / convert', () => {
    const csv = file('twice.csv', CSV);
    const out = (name: string): string => join(dir, `twice-${name}`);
    const cases: [string, string, string, string][] = [
      [csv, '--capacity', '1KiB', '2KiB'],
      [csv, '--time-limit', '1', '2'],
      [csv, '--method', 'greedy-size', 'naive'],
      [csv, '--seed', '1', '1'],
      [csv, '--iterations', '10', '20'],
      [csv, '--out', out('a.json'), out('b.json')],
      [csv, '--svg', out('a.svg'), out('b.svg')],
      [chain, '--header', out('a.h'), out('b.h')],
      [chain, '--align', '16', '1'],
      [chain, '--batch', '1', '2'],
      [chain, '--pointer-bits', '32', '64'],
    ];
    for (const [input, flag, first, second] of cases) {
      const r = run('plan', input, flag, first, flag, second);
      expect(r.code, `${flag} twice`).toBe(2);
      expect(r.err).toBe(`arenapack: ${flag} is given twice ("${first}", then "${second}"): give it once\n`);
      expect(r.out).toBe('');
    }
    for (const f of ['a.json', 'b.json', 'a.svg', 'b.svg', 'a.h', 'b.h']) expect(existsSync(out(f)), f).toBe(false);
    expect(run('inspect', chain, '--sort', 'size', '--sort', 'index').err).toMatch(/^arenapack: --sort is given twice \("size", then "index"\)/);
    expect(run('convert', chain, '--csv', out('a.csv'), '--csv', out('b.csv')).code).toBe(2);
    expect(existsSync(out('a.csv')) || existsSync(out('b.csv'))).toBe(false);
  });

  it('list options (--memory, --inplace) and flags (--json) still repeat', () => {
    const csv = file('twice-list.csv', CSV);
    const tiers = run('plan', csv, '--memory', 'chip=8:0', '--memory', 'ddr:1', '--json');
    expect(tiers.code).toBe(0);
    expect(JSON.parse(tiers.out).memories.map((m: { name: string }) => m.name)).toEqual(['chip', 'ddr']);
    expect(run('plan', chain, '--inplace', 'elementwise', '--inplace', 'concat', '--json', '--json').code).toBe(0);
  });
});
