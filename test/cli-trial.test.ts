/**
 * What a new user's trial of the command line found (issue #10 follow-ups): one file with --jobs, the
 * report's peak with gaps and aliases, the fixed offsets bound, flags that mean nothing alone, --seed's
 * range, and the multi-file summary after spilling.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../src/import/csv.js';
import { verifyPlan, verifySpilledPlan } from '../src/problem/verify.js';
import type { Memory } from '../src/problem/types.js';
import { cliRunner } from './helpers/cli.js';
import { buildTflite, FIXTURES } from './helpers/tflite-builder.js';
import { model as onnxModel, node, vi } from './helpers/onnx-builder.js';

/** A one-operator ONNX model: y = Relu(x), x and y [1, 64] float. */
const reluOnnx = (): Uint8Array => onnxModel({ nodes: [node('Relu', ['x'], ['y'])], inputs: [vi('x', [1, 64])], outputs: [vi('y', [1, 64])] });

const { root, dir, run, file } = cliRunner('arenapack-trial-');
const cnn = join(root, 'examples', 'small-cnn.csv');
const gaps = join(root, 'examples', 'gaps.csv');

interface PlanJson {
  peak: number;
  bound: number;
  status: string;
  proof: string;
  peakLive: number;
  buffers: { offset: number; memory?: Memory }[];
}

describe('one input file with --jobs', () => {
  it('changes nothing: the same report, the same JSON object (not an array), --out allowed and byte for byte the same', () => {
    const alone = run('plan', cnn, '--out', join(dir, 'alone.json'));
    const jobs = run('plan', cnn, '--jobs', '2', '--out', join(dir, 'jobs.json'));
    expect([alone.code, jobs.code, jobs.err]).toEqual([0, 0, '']);
    expect(jobs.out).toBe(alone.out);
    expect(readFileSync(join(dir, 'jobs.json'), 'utf8')).toBe(readFileSync(join(dir, 'alone.json'), 'utf8'));
    const j = JSON.parse(run('plan', cnn, '--jobs', '3', '--json').out) as PlanJson;
    expect(Array.isArray(j)).toBe(false);
    expect(verifyPlan(parseCsv(readFileSync(cnn, 'utf8')), j.buffers.map((b) => b.offset), j.peak).errors).toEqual([]);
    // --jobs 0 means nothing: refused, with one file as with several.
    expect(run('plan', cnn, '--jobs', '0').err).toMatch(/--jobs: "0" is not a positive integer/);
    expect(run('plan', cnn, gaps, '--jobs', '0').code).toBe(2);
  });
});

describe('the peak counts each byte once (gaps and aliases)', () => {
  it('examples/gaps.csv: the live bytes at the peak are within the arena, in the report and the JSON; the plan verifies', () => {
    const r = run('plan', gaps);
    expect(r.code).toBe(0);
    expect(r.out).toContain('  arena needed    128 B');
    expect(r.out).toContain('  peak            step 6: 128 B live in 3 buffers: skip 64 B, sum 64 B, view 32 B in sum\n');
    const j = JSON.parse(run('plan', gaps, '--json').out) as PlanJson;
    expect(j.peakLive).toBe(128);
    expect(j.peakLive).toBeLessThanOrEqual(j.peak);
    expect(verifyPlan(parseCsv(readFileSync(gaps, 'utf8')), j.buffers.map((b) => b.offset), j.peak).errors).toEqual([]);
  });
});

describe('fixed offsets raise the lower bound', () => {
  // a is fixed at 100: every plan's peak is at least 116, while at most 32 bytes are live at once.
  const fixed = 'id,lower,upper,size,offset\na,0,2,16,100\nb,0,2,16,\nc,2,4,32,\n';
  it('the bound is max(live bound, offset + size of the fixed buffers): a heuristic\'s 116 B plan is proven optimal, not "262.5% over"', () => {
    const csv = file('fixed.csv', fixed);
    const r = run('plan', csv, '--method', 'greedy-size', '--capacity', '116');
    expect(r.code).toBe(0);
    expect(r.out).toContain('  lower bound     116 B  fixed offsets — met: proven optimal\n');
    const j = JSON.parse(run('plan', csv, '--method', 'greedy-size', '--capacity', '116', '--json').out) as PlanJson;
    expect([j.peak, j.bound, j.status, j.proof]).toEqual([116, 116, 'optimal', 'fixed offsets']);
    expect(verifyPlan(parseCsv(fixed), j.buffers.map((b) => b.offset), j.peak).errors).toEqual([]);
    // Below the fixed top: proven infeasible by that bound (exit 3), not a guess.
    const under = run('plan', csv, '--capacity', '100', '--no-spill');
    expect(under.code).toBe(3);
    expect(under.out).toContain('  lower bound     116 B  fixed offsets');
    expect(under.out).toContain('infeasible: proven that no plan fits the capacity');
  });
});

describe('flags that mean nothing alone are refused (exit 2)', () => {
  const model = file('chain.tflite', buildTflite(FIXTURES.chain()));
  it('--no-spill without a capacity: a CSV, a model, several files, a JSON problem without one; no output written', () => {
    const out = join(dir, 'never.json');
    for (const args of [[cnn], [model], [cnn, gaps], [cnn, model, '--jobs', '2']]) {
      const r = run('plan', ...args, '--no-spill', '--out', out);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--no-spill goes with --capacity/);
      expect(r.out).toBe('');
    }
    expect(existsSync(out)).toBe(false);
    const noCap = file('nocap.json', JSON.stringify({ buffers: [{ id: 'a', size: 8, start: 0, end: 2 }] }));
    const r = run('plan', noCap, '--no-spill');
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--no-spill goes with a capacity: ${noCap} has none`);
    // Several files: the one without a capacity fails (exit 2), the others are planned.
    const many = run('plan', noCap, cnn, '--no-spill', '--capacity', '1MiB');
    expect(many.code).toBe(0);
    const mixed = run('plan', noCap, file('cap.json', JSON.stringify({ capacity: 64, buffers: [{ id: 'a', size: 8, start: 0, end: 2 }] })), '--no-spill');
    expect(mixed.code).toBe(2);
    expect(mixed.err).toContain(`--no-spill goes with a capacity: ${noCap} has none`);
    expect(mixed.out).toContain('capacity        64 B: fits');
    // With a capacity (the flag's or the JSON problem's own) it is taken as before.
    expect(run('plan', file('cap2.json', JSON.stringify({ capacity: 64, buffers: [{ id: 'a', size: 8, start: 0, end: 2 }] })), '--no-spill').code).toBe(0);
    expect(run('plan', cnn, '--no-spill', '--capacity', '100KiB').code).toBe(3);
  });

  it('--seed outside 0..2^32-1 or not an integer; the largest seed is taken', () => {
    for (const seed of ['4294967296', '-1', '1.5', '1e3', 'abc', '']) {
      const r = run('plan', cnn, '--seed', seed);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`--seed: "${seed}" is not an integer from 0 to 4294967295`);
    }
    expect(run('plan', cnn, '--seed', '4294967295').code).toBe(0);
  });
});

describe('more flags that mean nothing where they are given (found trying the command line)', () => {
  it('--seed and --iterations with a method that runs no local search; --pointer-bits and --replace-offline-plan on an ONNX model; --pointer-bits goes with memory tiers', () => {
    for (const method of ['greedy-size', 'search', 'naive', 'slots-inorder']) {
      const r = run('plan', cnn, '--method', method, '--seed', '7');
      expect(r.code).toBe(2);
      expect(r.err).toContain(`--seed does not go with --method ${method}: only the local search uses it`);
    }
    expect(run('plan', cnn, '--method', 'greedy-size', '--iterations', '10').err).toContain('--iterations does not go with --method greedy-size');
    expect(run('plan', cnn, '--method', 'local-search', '--seed', '7', '--iterations', '10').code).toBe(0);
    // An ONNX model built here (the one-operator fixture of the ONNX tests' builder).
    const onnx = file('relu.onnx', reluOnnx());
    const bits = run('plan', onnx, '--pointer-bits', '64');
    expect([bits.code, bits.out]).toEqual([2, '']);
    expect(bits.err).toContain(`--pointer-bits applies to TFLite models (the estimate of TFLM's tail), not to ${onnx}`);
    expect(run('plan', onnx, '--replace-offline-plan').err).toContain(`--replace-offline-plan applies to TFLite models (the offline plan in their metadata), not to ${onnx}`);
    expect(run('inspect', onnx, '--replace-offline-plan').code).toBe(2);
    expect(run('plan', onnx).code).toBe(0);
    // Over memory tiers a TFLite model's TFLM arena is in the first memory, its tail estimate sized by
    // --pointer-bits (src/plan-model-tiers.ts): the flag goes with --memory, for one file or several.
    const model = file('tiers.tflite', buildTflite(FIXTURES.chain()));
    for (const files of [[model], [model, cnn]]) {
      const tiers = run('plan', ...files, '--memory', 'a=64KiB', '--memory', 'b:3', '--pointer-bits', '64');
      expect(tiers.err).not.toContain('does not go with --memory');
      expect(tiers.code, tiers.err).toBe(0);
    }
  });
});

describe('several files: a model flag that applies to none of them is refused, as for one file', () => {
  it('--align, --kernels, --dim ... with CSV files only (or no file of the flag\'s format): exit 2 naming the flag; with a file it applies to, planned', () => {
    const onnx = file('relu2.onnx', reluOnnx());
    for (const [args, message] of [
      [['--align', '4'], '--align applies to model files (.tflite, .onnx): none of the 2 files given is one'],
      [['--no-share-reshapes'], '--no-share-reshapes applies to model files (.tflite, .onnx)'],
      [['--kernels', 'cmsis-nn'], '--kernels applies to TFLite models (.tflite)'],
      [['--dim', 'N=1'], '--dim applies to ONNX models (.onnx)'],
    ] as const) {
      const r = run('plan', cnn, gaps, ...args);
      expect(r.code).toBe(2);
      expect(r.err).toContain(message);
      expect(r.out).toBe('');
    }
    expect(run('plan', cnn, onnx, '--kernels', 'cmsis-nn').err).toContain('--kernels applies to TFLite models (.tflite): none of the 2 files given is one');
    const mixed = run('plan', cnn, onnx, '--align', '4', '--json');
    expect(mixed.code).toBe(0);
    expect((JSON.parse(mixed.out) as unknown[]).length).toBe(2);
  });
});

describe('several files: a JSON problem with its own memories refuses --capacity and --no-spill, as alone', () => {
  it('the file fails (exit 2, the message of one file), the others are planned', () => {
    const mem = file('mem.json', JSON.stringify({ memories: [{ name: 'a', capacity: 64, cost: 1 }, { name: 'b', cost: 5 }], buffers: [{ id: 'x', size: 48, start: 0, end: 2 }, { id: 'y', size: 48, start: 1, end: 3 }] }));
    const alone = run('plan', mem, '--capacity', '1KiB');
    expect(alone.code).toBe(2);
    const message = `--capacity does not go with memory tiers (the "memories" of ${mem})`;
    expect(alone.err).toContain(message);
    const many = run('plan', mem, cnn, '--capacity', '1MiB');
    expect(many.code).toBe(2);
    expect(many.err).toContain(message);
    expect(many.out).toMatch(/small-cnn\.csv +144\.00 KiB +144\.00 KiB +optimal +fits/);
    expect(run('plan', mem, cnn, '--capacity', '1MiB', '--no-spill').err).toContain(message);
    expect(run('plan', mem, cnn).code).toBe(0);
  });
});

describe('several files: the summary compares like with like after spilling', () => {
  it('a spilled file\'s row: the on-chip arena and the bound of what stays on chip (never an arena under its bound)', () => {
    const r = run('plan', cnn, gaps, '--capacity', '100KiB', '--json');
    expect(r.code).toBe(0);
    const [spilled] = JSON.parse(r.out) as { plan: PlanJson }[];
    const p = parseCsv(readFileSync(cnn, 'utf8'));
    p.capacity = 100 * 1024;
    const memory = spilled!.plan.buffers.map((b) => b.memory!);
    expect(verifySpilledPlan(p, memory, spilled!.plan.buffers.map((b) => b.offset), p.capacity).valid).toBe(true);
    const text = run('plan', cnn, gaps, '--capacity', '100KiB').out;
    const row = text.split('\n').find((l) => l.startsWith(`  ${cnn} `))!;
    const [, arena, bound, status] = row.trim().split(/ {2,}/);
    expect(status).toBe('spilled');
    // 99.00 KiB on chip against the bound of the buffers kept, not the 144.00 KiB of every buffer.
    expect([arena, bound]).toEqual(['99.00 KiB', '99.00 KiB']);
  });
});
