/**
 * The command line's reports (issue #12): what to change to fit (each hint planned), the JSON's
 * peak and memory profile, inspect's views and numbering, convert to stdout, --dim, and the formats
 * named when a file is none of them. Runs build/js/cli.js (npm run build first).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtCli, cliRunner } from './helpers/cli.js';
import { parseCsv } from '../src/import/csv.js';
import { importOnnx } from '../src/import/onnx/index.js';
import { importTflite } from '../src/import/tflite/index.js';
import { problemToCsv } from '../src/export/csv.js';
import { highWaterProfile, liveAt, liveProfile, planPeakStep, profileAt } from '../src/problem/profile.js';
import { verifyPlan } from '../src/problem/verify.js';
import { planModel } from '../src/plan-model.js';
import { reorderModel } from '../src/order/model.js';
import { modelArenaSize } from '../src/export/tensor-offsets.js';
import { formatBytes, formatBytesBoth } from '../src/format/bytes.js';
import { buildTflite, FIXTURES } from './helpers/tflite-builder.js';
import { model as onnxModel, node, vi } from './helpers/onnx-builder.js';
import { sharedDir } from './helpers/shared.js';

const { dir, run } = cliRunner('arenapack-report-');

const deq = join(dir, 'deq.tflite');
writeFileSync(deq, buildTflite(FIXTURES.dequantize()));
const chain = join(dir, 'chain.tflite');
writeFileSync(chain, buildTflite(FIXTURES.chain()));

describe('what to change to fit', () => {
  it("a model that does not fit: the capacity needed and --reorder, each figure planned, with TFLM's tail estimate; JSON hints alike; no --no-prepared for TFLite", () => {
    const bytes = readFileSync(deq);
    const keep = planModel(importTflite(bytes, deq), { method: 'heuristic' });
    const reordered = planModel(reorderModel(bytes, deq).reordered, { method: 'heuristic' });
    // A TFLite model's arena is what a user types in: head + TFLM's tail estimate (the same for both).
    const whole = (JSON.parse(run('plan', deq, '--json', '--method', 'heuristic').out) as { arena: { tflm: { head: number; total: number; tail: { bytes: number } } } }).arena.tflm;
    const tail = whole.tail.bytes;
    const need = Math.max(modelArenaSize(keep.results) + tail, whole.total);
    const less = modelArenaSize(reordered.results) + tail;
    expect(less).toBeLessThan(need);
    // A capacity between the two: only the new order fits.
    const cap = less + 16;
    const r = run('plan', deq, '--capacity', String(cap), '--no-spill', '--method', 'heuristic');
    expect(r.code).toBe(3);
    const tailText = `with TFLM's tail estimate (${formatBytesBoth(tail)})`;
    expect(r.out).toContain(`    - a capacity of ${formatBytesBoth(need)}: the plan of every tensor on chip fits it ${tailText}\n`);
    expect(r.out).toContain(`    - --reorder (an operator order with a lower live bound): ${formatBytesBoth(less)} ${tailText}, fits ${formatBytes(cap)} (16 B to spare)\n`);
    // Its 3 prepared tensors are planned per run (TFLM computes them at every Invoke): left out of the
    // plan, TFLM places them itself in the same head, so --no-prepared is no hint.
    expect(r.out).toContain('note: 3 tensors prepared from constants (DEQUANTIZE, DENSIFY, ...), 160 B: computed again at every run (TFLM)');
    expect(r.out).not.toContain('--no-prepared');
    const left = (JSON.parse(run('plan', deq, '--json', '--method', 'heuristic', '--no-prepared').out) as { arena: { tflm: { head: number } } }).arena.tflm;
    expect(left.head).toBeGreaterThanOrEqual(whole.head);
    const j = JSON.parse(run('plan', deq, '--capacity', String(cap), '--no-spill', '--method', 'heuristic', '--json').out);
    // No tensor is larger than the capacity less the tail; the head does not fit beside the tail, so
    // spilling (what the command does without --no-spill) fits too, its figure with the tail.
    expect(j.hints.map((h: { change: string }) => h.change)).toEqual(['capacity', 'spill', expect.stringMatching(/^--reorder/)]);
    expect(j.hints[0]).toEqual({ change: 'capacity', arena: need, fits: true });
    expect(j.hints[1].fits).toBe(true);
    expect(j.hints[1].arena).toBeLessThanOrEqual(cap);
    expect(j.hints[2]).toMatchObject({ arena: less, fits: true });
    // When it fits, no hints.
    expect(JSON.parse(run('plan', deq, '--capacity', String(need), '--json').out).hints).toBeUndefined();
  });

  it('names a tensor that alone exceeds the capacity less TFLM\'s tail estimate', () => {
    const tail = (JSON.parse(run('plan', chain, '--json', '--method', 'heuristic').out) as { arena: { tflm: { tail: { bytes: number } } } }).arena.tflm.tail.bytes;
    const r = run('plan', chain, '--capacity', String(512 + tail), '--no-spill', '--method', 'heuristic');
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/- tensor #3 "relu" alone is 1\.00 KiB \(1024 B\), more than the capacity less TFLM's tail estimate \(512 B\): no plan keeps it on chip/);
  });

  it.skipIf(sharedDir('models/tflite') === undefined)("mediapipe_face_landmark_with_attention: its 371 prepared tensors (4.54 MiB) live per Invoke as TFLM computes them: head 1.84 MiB, TFLM's own; with the tail estimate 2.01 MiB, 8.94 KiB over 2 MiB", () => {
    const f = join(sharedDir('models/tflite')!, 'mediapipe_face_landmark_with_attention.tflite');
    const r = run('plan', f, '--capacity', '2MiB', '--method', 'heuristic', '--no-spill');
    // Not spilled: the head fits on chip, the whole arena does not.
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/arena needed {4}1\.84 MiB \(1924704 B\) {2}TFLM head/);
    expect(r.out).toMatch(/before {10}1\.84 MiB \(1924704 B\) {2}TFLM's own GreedyMemoryPlanner .*: the same as this plan/);
    expect(r.out).toMatch(/- a capacity of 2\.01 MiB \(2106304 B\): the plan of every tensor on chip fits it with TFLM's tail estimate \(177\.34 KiB/);
    expect(r.out).toContain('note: 371 tensors prepared from constants (DEQUANTIZE, DENSIFY, ...), 4757312 B: computed again at every run (TFLM), planned from their operator to their last reader');
    // Left out of the plan, TFLM would place them itself (its head 1.92 MiB with them so): no hint offers it.
    expect(r.out).not.toContain('--no-prepared');
    // Spilling (the default) keeps the head within 2 MiB less the tail estimate: head + tail fit.
    const spilled = run('plan', f, '--capacity', '2MiB', '--method', 'heuristic', '--json');
    expect(spilled.code).toBe(0);
    const a = (JSON.parse(spilled.out) as { arena: { fits: boolean; tflm: { head: number; total: number; tail: { bytes: number } } } }).arena;
    expect(a.fits).toBe(true);
    expect(a.tflm.tail.bytes).toBe(181600);
    expect(a.tflm.total).toBeLessThanOrEqual(2 * 1024 * 1024);
  });
});

describe('what to change to fit, several files at once', () => {
  it('the summary says the best hint of each file that does not fit; the JSON carries each file\'s hints, as planning it alone', () => {
    const bytes = readFileSync(deq);
    // A TFLite figure is the whole arena: the plan's peak with TFLM's tail estimate (the model's, as the JSON gives it).
    const tail = (JSON.parse(run('plan', deq, '--json').out) as { arena: { tflm: { tail: { bytes: number } } } }).arena.tflm.tail.bytes;
    const less = modelArenaSize(planModel(reorderModel(bytes, deq).reordered, { method: 'heuristic' }).results) + tail;
    const cap = less + 16;
    // A buffer list that fits, and one that does not: x alone is over the capacity (it spills), y + z fill it.
    const small = join(dir, 'small.csv');
    writeFileSync(small, 'id,lower,upper,size\na,0,2,8\nb,1,3,8\n');
    const big = join(dir, 'big.csv');
    writeFileSync(big, `id,lower,upper,size\nx,0,2,${cap + 16}\ny,1,3,${cap - 16}\nz,2,4,16\n`);
    const flags = ['--capacity', String(cap), '--method', 'heuristic'];
    const r = run('plan', deq, small, big, ...flags);
    expect(r.err).toBe('');
    const table = r.out.slice(r.out.indexOf('summary: 3 files')).trim().split('\n');
    expect(table[1]).toMatch(/^ +file +arena +lower bound +status +capacity +to fit$/);
    const cells = (row: string): string[] => row.trim().split(/ {2,}/);
    // deq.tflite: --reorder keeps every tensor on chip within the capacity.
    expect(cells(table[2]!)[0]).toBe(deq);
    expect(cells(table[2]!).at(-1)).toBe(`--reorder: ${formatBytes(less)}`);
    expect(cells(table[3]!)).toEqual([small, '16 B', '16 B', 'optimal', 'fits', '-']);
    expect(cells(table[4]!)[0]).toBe(big);
    expect(cells(table[4]!).at(-1)).toBe(`spill 1 buffer, DDR traffic ${formatBytes(cap + 16)}`); // x, written once and read once
    // Each file's report prints its "to fit" lines, as alone.
    expect(r.out).toContain(
      `    - --reorder (an operator order with a lower live bound): ${formatBytesBoth(less)} with TFLM's tail estimate (${formatBytesBoth(tail)}), fits ${formatBytes(cap)} (16 B to spare)\n`,
    );
    // --json: each file's hints, the same as planning it alone.
    const all = JSON.parse(run('plan', deq, small, big, ...flags, '--json').out) as { file: string; plan: { hints?: unknown[] } }[];
    for (const [f, entry] of [deq, small, big].map((f, i) => [f, all[i]!] as const)) {
      expect(entry.file).toBe(f);
      expect(entry.plan.hints).toEqual(JSON.parse(run('plan', f, ...flags, '--json').out).hints);
    }
    // deq.tflite spills to fit beside TFLM's tail; --reorder would keep every tensor on chip.
    expect(all[0]!.plan.hints!.map((h) => (h as { change: string }).change)).toEqual(['capacity', 'spill', expect.stringMatching(/^--reorder/)]);
    expect(all[1]!.plan.hints).toBeUndefined();
    expect(all[2]!.plan.hints).toEqual([
      { change: 'capacity', arena: 2 * cap, fits: true }, // x + y
      { change: 'tensor', buffer: 'x', size: cap + 16 },
      { change: 'spill', arena: cap, fits: true },
    ]);
  });
});

describe('what to change to fit, in the JSON written', () => {
  it('--out FILE.json carries the same hints as --json prints (a buffer list)', () => {
    const f = join(dir, 'out-hints.csv');
    writeFileSync(f, 'id,lower,upper,size\nx,0,2,64\ny,1,3,32\nz,2,4,16\n');
    const out = join(dir, 'out-hints.json');
    const r = run('plan', f, '--capacity', '48', '--json', '--out', out);
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.out) as { hints?: unknown[] };
    expect(printed.hints).toHaveLength(3);
    expect((JSON.parse(readFileSync(out, 'utf8')) as { hints?: unknown[] }).hints).toEqual(printed.hints);
  });
});

describe('--svg for a buffer list (CSV, JSON)', () => {
  it('draws the problem\'s panels with the memory profile, as for a model; after spilling, on chip and DDR', () => {
    const f = join(dir, 'pic.csv');
    writeFileSync(f, 'id,lower,upper,size\nx,0,2,64\ny,1,3,32\nz,2,4,16\n');
    const svg = join(dir, 'pic.svg');
    const r = run('plan', f, '--svg', svg);
    expect(r.code).toBe(0);
    const text = readFileSync(svg, 'utf8');
    expect(text.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(text).toContain('<g id="buffers"');
    expect(text.match(/<rect class="buf activation" data-i="\d"/g)).toHaveLength(3);
    expect(text).toContain('<g class="profile">');
    expect(text).toMatch(/<path class="live" d="M[^"]+"/);
    expect(text).toMatch(/<path class="high-water" d="M[^"]+"/);
    expect(text).toContain('>memory profile</text>');
    // Under 64 B it spills: two panels, each with its profile.
    const spilled = join(dir, 'pic-spilled.svg');
    expect(run('plan', f, '--capacity', '64', '--svg', spilled).code).toBe(0);
    const two = readFileSync(spilled, 'utf8');
    expect(two).toContain('<g id="buffers-chip"');
    expect(two).toContain('<g id="buffers-ddr"');
    expect(two.match(/<g class="profile">/g)).toHaveLength(2);
    expect(two).not.toMatch(/\b1 buffers\b/);
    // A JSON problem too; with memory tiers it is refused (nothing written).
    const jf = join(dir, 'pic.json');
    writeFileSync(jf, JSON.stringify({ buffers: [{ id: 'a', start: 0, end: 2, size: 8 }, { id: 'b', start: 1, end: 3, size: 8 }] }));
    const jsvg = join(dir, 'pic-json.svg');
    expect(run('plan', jf, '--svg', jsvg).code).toBe(0);
    expect(readFileSync(jsvg, 'utf8')).toContain('<g class="profile">');
    const tiers = run('plan', f, '--memory', 'chip=64:0', '--memory', 'ddr:1', '--svg', join(dir, 'tiers.svg'));
    expect(tiers.code).toBe(2);
    expect(tiers.err).toMatch(/--svg does not go with memory tiers/);
    expect(existsSync(join(dir, 'tiers.svg'))).toBe(false);
  });
});

describe('output into a pipe that closes early', () => {
  it('`plan x.csv --json | head -c 20` ends quietly: no EPIPE crash, no stack trace', () => {
    // About 1 MB of JSON: far more than a pipe holds, so the write meets the closed pipe.
    const rows = Array.from({ length: 8000 }, (_, i) => `b${i},${i % 500},${(i % 500) + 1 + (i % 7)},${16 + (i % 64)}`);
    const f = join(dir, 'many.csv');
    writeFileSync(f, 'id,lower,upper,size\n' + rows.join('\n') + '\n');
    const r = spawnSync('bash', ['-c', 'set -o pipefail; "$0" "$1" plan "$2" --method greedy-size --json | head -c 20', process.execPath, builtCli, f], { encoding: 'utf8' });
    expect(r.stdout).toMatch(/^\{\n {2}"peak": \d/);
    expect(r.stdout).toHaveLength(20);
    // (A progress line may reach stderr on a loaded machine; an error never.)
    expect(r.stderr).not.toMatch(/EPIPE|Error|node:/);
    expect(r.status).toBe(0);
  });
});

describe('one bound', () => {
  it('when the alignment-aware bound is the bound, the report prints it as the bound, and the method table is measured against it', () => {
    // Two 1-byte buffers live together, aligned to 16: 2 bytes live, but the lower one takes 16.
    const f = join(dir, 'aligned.csv');
    writeFileSync(f, 'id,lower,upper,size,alignment\na,0,2,1,16\nb,1,3,1,16\n');
    const r = run('plan', f);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^  arena needed +17 B +\S+$/m);
    expect(r.out).toMatch(/^  lower bound +17 B +live bound with alignment — met: proven optimal$/m);
    expect(r.out).toMatch(/^  peak +step 1 \(the plan's top, 17 B, is set there: 15 B above what is live\): 2 B live in 2 buffers: a 1 B, b 1 B$/m);
    expect(r.out).not.toMatch(/live bound +2 B/);
    const v = run('plan', f, '--verbose');
    expect(v.out).toMatch(/^  greedy-size +17 B +17 +0\.0%/m);
    // The plain live bound only in --verbose, and named as what it is.
    expect(v.out).toMatch(/^  live bound +2 B \(the most bytes live at one step, alignment ignored\)$/m);
  });
});

describe('--json: where the peak is and the memory profile', () => {
  it('peakStep, the tensors live there largest first, the profile; all agree with the plan', () => {
    const j = JSON.parse(run('plan', chain, '--json').out);
    const problem = importTflite(readFileSync(chain), chain).subgraphs[0]!.problem;
    const offsets = j.buffers.map((b: { offset: number }) => b.offset);
    expect(verifyPlan(problem, offsets, j.peak).errors).toEqual([]);
    expect(j.atPeak).toEqual(liveAt(problem, j.peakStep).map((i) => ({ id: problem.buffers[i]!.id, size: problem.buffers[i]!.size })));
    expect(j.peakLive).toBe(profileAt(liveProfile(problem), j.peakStep));
    expect(j.peakOperator.index).toBe(j.peakStep);
    expect(typeof j.peakOperator.type).toBe('string');
    // The peak step is where the plan's high-water mark reaches the peak (the plan's top is set there).
    expect(j.peakStep).toBe(planPeakStep(problem, offsets).step);
    expect(profileAt(highWaterProfile(problem, offsets), j.peakStep)).toBe(j.peak);
    // The profile: the live bytes' maximum is the live bound, the high-water mark's is the peak.
    expect(Math.max(...j.profile.live)).toBe(j.liveBound);
    expect(Math.max(...j.profile.highWater)).toBe(j.peak);
    expect(j.profile.steps).toHaveLength(j.profile.live.length);
    expect(j.baseline.name).toMatch(/TFLM's own GreedyMemoryPlanner/);
    expect(j.baseline.peak).toBeGreaterThanOrEqual(j.arena.tflm.head);
  });

  it('a CSV: the baseline is named (greedy by size, first fit) and the profile is there', () => {
    const j = JSON.parse(run('plan', 'examples/small-cnn.csv', '--json').out);
    expect(j.baseline).toEqual({ name: expect.stringMatching(/^greedy by size, first fit/), peak: 147456 });
    expect(j.peakStep).toBe(2);
    expect(j.atPeak).toEqual([{ id: 'conv1_out', size: 73728 }, { id: 'dw1_out', size: 73728 }]);
  });
});

describe('inspect, convert and the formats read', () => {
  it('inspect --sort size --hide-constants: the same tensors and buffer ids in the text and the JSON', () => {
    const text = run('inspect', deq, '--sort', 'size', '--hide-constants');
    expect(text.code).toBe(0);
    const rows = text.out.split('\n').filter((l) => /^\s+\d+\s+[a-z]+\s+FLOAT/.test(l));
    const j = JSON.parse(run('inspect', deq, '--sort', 'size', '--hide-constants', '--json').out);
    const tensors = j.subgraphs[0].tensors as { index: number; kind: string; bytes: number; buffer?: string }[];
    expect(tensors.some((t) => t.kind === 'constant')).toBe(false);
    expect(tensors.map((t) => t.bytes)).toEqual([...tensors.map((t) => t.bytes)].sort((a, b) => b - a));
    expect(rows.map((l) => Number(l.trim().split(/\s+/)[0]))).toEqual(tensors.map((t) => t.index));
    expect(rows.map((l) => l.match(/#(\d+)/)?.[1])).toEqual(tensors.map((t) => t.buffer));
    // The ids are the plan's buffer ids.
    const plan = JSON.parse(run('plan', deq, '--json').out);
    for (const t of tensors) if (t.buffer !== undefined) expect(plan.buffers.map((b: { id: string }) => b.id)).toContain(t.buffer);
  });

  it('convert without --csv writes the CSV to stdout; a model with several subgraphs needs --csv', () => {
    const r = run('convert', chain);
    expect(r.code).toBe(0);
    expect(r.out).toBe(problemToCsv(importTflite(readFileSync(chain), chain).subgraphs[0]!.problem));
    expect(parseCsv(r.out).buffers.length).toBeGreaterThan(0);
    const two = join(dir, 'two.tflite');
    writeFileSync(two, buildTflite(FIXTURES.twoSubgraphs()));
    const t = run('convert', two);
    expect(t.code).toBe(2);
    expect(t.out).toBe('');
    expect(t.err).toMatch(/has 2 subgraphs, one CSV each: give --csv FILE/);
  });

  it('plan README.md names every format arenapack reads (exit 2)', () => {
    const r = run('plan', 'README.md');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/README\.md: not a format arenapack reads; it reads \.csv .*, \.json .*, \.tflite .*, \.onnx/);
  });

  it('--dim NAME=VALUE sets an ONNX symbolic dimension; without it every unresolved one is named at once', () => {
    const f = join(dir, 'sym.onnx');
    writeFileSync(f, onnxModel({ inputs: [vi('x', ['batch', 'seq', 8])], outputs: [vi('y', null)], nodes: [node('Relu', ['x'], ['y'])] }));
    const none = run('plan', f);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/2 input dimensions are not known: graph input "x" \[batch, seq, 8\]: "batch" at axis 0, "seq" at axis 1\. Give --dim batch=N --dim seq=N/);
    const r = run('plan', f, '--dim', 'seq=4', '--batch', '2', '--json');
    expect(r.code).toBe(0);
    const problem = importOnnx(readFileSync(f), f, { dims: { batch: 2, seq: 4 } }).subgraphs[0]!.problem;
    expect(problem.buffers[0]!.size).toBe(2 * 4 * 8 * 4);
    expect(JSON.parse(r.out).liveBound).toBe(2 * 2 * 4 * 8 * 4);
    expect(run('plan', chain, '--dim', 'a=1').err).toMatch(/--dim applies to ONNX models/);
  });

  it('--batch on a model without a dynamic batch says it changes nothing (report and JSON notes), and plans as stored', () => {
    // TFLite: chain has no -1 in any shape signature.
    const plain = run('plan', chain, '--json');
    const batched = run('plan', chain, '--batch', '4', '--json');
    expect(batched.code).toBe(0);
    const j = JSON.parse(batched.out) as { peak: number; notes: string[]; buffers: { size: number }[] };
    expect(j.notes).toContain('--batch 4 changes nothing here: no tensor has a dynamic batch (-1 at dimension 0 of its shape signature); planned at the stored shapes');
    expect(j.buffers.map((b) => b.size)).toEqual((JSON.parse(plain.out) as typeof j).buffers.map((b) => b.size));
    expect((JSON.parse(plain.out) as typeof j).notes.join('\n')).not.toMatch(/--batch/);
    expect(run('plan', chain, '--batch', '4').out).toMatch(/note: --batch 4 changes nothing here/);
    // ONNX: a static input, and a symbolic one --dim sets before --batch could.
    const fixed = join(dir, 'static.onnx');
    writeFileSync(fixed, onnxModel({ inputs: [vi('x', [1, 8])], outputs: [vi('y', null)], nodes: [node('Relu', ['x'], ['y'])] }));
    const o = JSON.parse(run('plan', fixed, '--batch', '2', '--json').out) as typeof j;
    expect(o.notes.join('\n')).toMatch(/--batch 2 changes nothing: no graph input has a symbolic or unknown first axis .*; planned at the declared shapes/);
    expect(o.buffers.map((b) => b.size)).toEqual([32, 32]);
    const sym = join(dir, 'sym-dim.onnx');
    writeFileSync(sym, onnxModel({ inputs: [vi('x', ['batch', 8])], outputs: [vi('y', null)], nodes: [node('Relu', ['x'], ['y'])] }));
    expect((JSON.parse(run('plan', sym, '--dim', 'batch=3', '--batch', '2', '--json').out) as typeof j).notes.join('\n')).toMatch(/--batch 2 changes nothing: .*\(--input-shape and --dim come first\)/);
    // Where --batch does set a batch, no such note.
    expect((JSON.parse(run('plan', sym, '--batch', '2', '--json').out) as typeof j).notes.join('\n')).not.toMatch(/changes nothing/);
  });

  it('--verbose with --json: a note on stderr that the JSON holds it all; stdout the same JSON', () => {
    const csv = join(dir, 'verbose.csv');
    writeFileSync(csv, 'id,lower,upper,size\na,0,2,8\nb,1,3,8\n');
    const plain = run('plan', csv, '--json');
    const verbose = run('plan', csv, '--json', '--verbose');
    expect(verbose.code).toBe(0);
    expect(verbose.err).toBe("arenapack: note: --verbose changes the text report only: --json always carries every method's peak and time, the bound, the proof and every buffer\n");
    expect(plain.err).toBe('');
    const keep = (t: string): unknown => (JSON.parse(t) as { methods: { method: string; peak: number }[] }).methods.map((m) => [m.method, m.peak]);
    expect(keep(verbose.out)).toEqual(keep(plain.out));
    expect(run('plan', csv, '--verbose').err).toBe('');
  });
});
