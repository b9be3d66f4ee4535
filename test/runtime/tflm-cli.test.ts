import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importTflite } from '../../src/import/tflite/index.js';
import { verifyPlan } from '../../src/problem/verify.js';
import { tflmGraph } from '../../src/runtime/tflm/graph.js';
import { modelScratch, tflmHead } from '../../src/runtime/tflm/head.js';
import { scratchFixtures } from '../helpers/scratch-fixtures.js';
import { buildTflite } from '../helpers/tflite-builder.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'build', 'js', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'arenapack-tflm-cli-'));

function run(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** The RFFT fixture behind an ADD, so the plan has tensors around the scratch. */
function model(): string {
  const fx = scratchFixtures().find((f) => f.name === 'rfft_float')!;
  const sg = fx.spec.subgraphs[0]!;
  sg.tensors.push({ name: 'x', shape: [2, 48], type: 0 });
  sg.operators.unshift({ op: 0, inputs: [2, 2], outputs: [0] });
  sg.inputs = [2];
  const path = join(dir, 'rfft.tflite');
  writeFileSync(path, buildTflite(fx.spec));
  return path;
}

describe('arenapack plan on a TFLite model: the TFLM head with kernel scratch', () => {
  it('--json: tflm.head is the head TFLM\'s planner gives with the written offsets and the scratch; --header prints it as the head size, arena.tflm.head too', () => {
    const path = model();
    const header = join(dir, 'plan.h');
    const r = run('plan', path, '--json', '--header', header);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.tflm.kernels).toBe('reference');
    expect(j.tflm.scratch).toEqual([{ subgraph: 0, operator: 1, type: 'SignalRfft', requests: [{ bytes: 256, label: 'zero-padded frame' }] }]);
    const bytes = new Uint8Array(readFileSync(path));
    const imported = importTflite(bytes, path);
    const problem = imported.subgraphs[0]!.problem;
    const offsets = j.buffers.map((b: { offset: number }) => b.offset);
    expect(verifyPlan(problem, offsets, j.peak).valid).toBe(true);
    const atTensor = new Map<number, number>();
    j.buffers.forEach((b: { offset: number; tensors: number[] }) => b.tensors.forEach((t) => atTensor.set(t, b.offset)));
    const graph = tflmGraph(imported);
    expect(tflmHead(graph, modelScratch(graph), (_s, t) => atTensor.get(t)).head).toBe(j.tflm.head);
    expect(j.tflm.head).toBe(Math.min(...j.tflm.candidates.map((c: { head: number }) => c.head)));
    expect(readFileSync(header, 'utf8')).toContain(`#define RFFT_HEAD_SIZE ${j.tflm.head}\n`);
    expect(j.arena.tflm.head).toBe(j.tflm.head);
  });

  it('the report names the head, the kernels and each operator\'s scratch; --kernels cmsis-nn labels its sizes', () => {
    const r = run('plan', model(), '--kernels', 'cmsis-nn');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/CMSIS-NN kernels, Cortex-M with DSP/);
    expect(r.out).toMatch(/head with scratch\s+\S+ KiB \(\d+ B\)/);
    expect(r.out).toMatch(/operator 1 \(SignalRfft\): 256 B zero-padded frame/);
  });

  it('--kernels is refused for a CSV and an unknown library', () => {
    const csv = join(dir, 'p.csv');
    writeFileSync(csv, 'id,lower,upper,size\na,0,2,4\n');
    expect(run('plan', csv, '--kernels', 'reference').code).toBe(2);
    expect(run('plan', model(), '--kernels', 'other').code).toBe(2);
  });

  it('several files (--jobs): each TFLite model gets the same TFLM section and plan as alone', () => {
    const path = model();
    const alone = JSON.parse(run('plan', path, '--json', '--kernels', 'cmsis-nn').out);
    const r = run('plan', path, path, '--json', '--jobs', '2', '--kernels', 'cmsis-nn');
    expect(r.code, r.err).toBe(0);
    const [a, b] = JSON.parse(r.out);
    for (const j of [a, b]) {
      expect(j.plan.tflm).toEqual(alone.tflm);
      expect(j.plan.buffers).toEqual(alone.buffers);
    }
    expect(run('plan', path, path, '--jobs', '2').out).toMatch(/head with scratch/);
  });
});
