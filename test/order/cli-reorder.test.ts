import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importOnnx } from '../../src/import/onnx/index.js';
import { importTflite } from '../../src/import/tflite/index.js';
import { readTflite } from '../../src/import/tflite/reader.js';
import { verifyPlan } from '../../src/problem/verify.js';
import { readOfflinePlan } from '../helpers/offline-plan.js';
import { branches, branchesOnnx } from '../helpers/order-fixtures.js';
import { buildTflite } from '../helpers/tflite-builder.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'build', 'js', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'arenapack-reorder-'));
const model = join(dir, 'branches.tflite');
writeFileSync(model, buildTflite(branches()));
const onnxModel = join(dir, 'branches.onnx');
writeFileSync(onnxModel, branchesOnnx());

function run(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe('arenapack plan --reorder', () => {
  it('the report shows the stored and the reordered live bound and best peak', () => {
    const r = run('plan', model, '--reorder', '--align', '1');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/stored order +live bound 144 B \(144 B\), best peak 144 B \(144 B\)/);
    expect(r.out).toMatch(/reordered +live bound 88 B \(88 B\), best peak 88 B \(88 B\)/);
    expect(r.out).toMatch(/live bound 38\.89% lower, best peak 38\.89% lower; 1 of 5 operators moved/);
    expect(r.out).toMatch(/order +proven best/);
    // The method table above is the reordered model's.
    expect(r.out).toMatch(/live bound +88 B/);
  });

  it('--json adds the order per subgraph and the stored order\'s figures; the plan verifies in the new order', () => {
    const r = run('plan', model, '--reorder', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.order).toEqual(j.subgraphs[0].order);
    expect([[0, 2, 1, 3, 4], [1, 3, 0, 2, 4]]).toContainEqual(j.order);
    expect(j.liveBound).toBe(88);
    expect(j.storedOrder).toMatchObject({ liveBound: 144, peak: 144 });
    const sg = importTflite(new Uint8Array(readFileSync(model)), model, { orders: [j.order] }).subgraphs[0]!;
    const offsets = j.buffers.map((b: { offset: number }) => b.offset);
    expect(verifyPlan(sg.problem, offsets, j.peak).valid).toBe(true);
    // Without --reorder there is no order key.
    expect(JSON.parse(run('plan', model, '--json').out)).not.toHaveProperty('order');
  });

  it('--write-tflite writes the operators in the new order with the plan; --header names that file', () => {
    const out = join(dir, 'out.tflite');
    const h = join(dir, 'out.h');
    const r = run('plan', model, '--reorder', '--json', '--write-tflite', out, '--header', h);
    expect(r.code).toBe(0);
    const order: number[] = JSON.parse(r.out).order;
    const a = readTflite(new Uint8Array(readFileSync(model)), 'a');
    const bytes = new Uint8Array(readFileSync(out));
    const b = readTflite(bytes, 'b');
    expect(b.subgraphs[0]!.operators).toEqual(order.map((op) => a.subgraphs[0]!.operators[op]));
    expect(JSON.stringify(b.subgraphs[0]!.tensors)).toBe(JSON.stringify(a.subgraphs[0]!.tensors));
    // The header's offsets hold for the written model, so it carries that file's hash, not the input's.
    const header = readFileSync(h, 'utf8');
    expect(header).toContain(createHash('sha256').update(bytes).digest('hex'));
    expect(header).not.toContain(createHash('sha256').update(readFileSync(model)).digest('hex'));
    // The written model (operators in the new order) and its offline plan: the plan holds there.
    const sg = importTflite(bytes, out, { replaceOfflinePlan: true }).subgraphs[0]!; // the live ranges, not the plan written
    const values = readOfflinePlan(b)!;
    const offsets = sg.tensorsOf.map((tensors) => values[3 + tensors[0]!]!);
    expect(verifyPlan(sg.problem, offsets).errors).toEqual([]);
  });

  it('usage errors: not a .tflite, or a header without the model it belongs to; nothing written', () => {
    const csv = join(dir, 'p.csv');
    writeFileSync(csv, 'id,lower,upper,size\nb1,0,3,4\n');
    const h = join(dir, 'never.h');
    const cases: [string[], RegExp][] = [
      [['plan', csv, '--reorder'], /--reorder applies to model files/],
      [['plan', onnxModel, '--reorder', '--write-tflite', join(dir, 'never.tflite')], /--write-tflite needs a \.tflite model/],
      [['plan', model, '--reorder', '--header', h], /--reorder with --header: .*--write-tflite/],
    ];
    for (const [argv, message] of cases) {
      const r = run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
    expect(existsSync(h)).toBe(false);
    expect(existsSync(join(dir, 'never.tflite'))).toBe(false);
  });

  it('ONNX: the order lists node indices', () => {
    const r = run('plan', onnxModel, '--reorder', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect([[0, 2, 1, 3, 4], [1, 3, 0, 2, 4]]).toContainEqual(j.order);
    expect(j.storedOrder.liveBound).toBe(144);
    expect(j.liveBound).toBe(88);
    const sg = importOnnx(new Uint8Array(readFileSync(onnxModel)), onnxModel, { orders: [j.order] }).subgraphs[0]!;
    expect(verifyPlan(sg.problem, j.buffers.map((b: { offset: number }) => b.offset), j.peak).errors).toEqual([]);
  });
});
