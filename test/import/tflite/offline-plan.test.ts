import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tensorOffsets } from '../../../src/export/tensor-offsets.js';
import { writeOfflinePlan } from '../../../src/export/tflm-offline-plan.js';
import { importTflite } from '../../../src/import/tflite/index.js';
import { InputError } from '../../../src/problem/errors.js';
import { readOfflinePlanOf } from '../../helpers/offline-plan.js';
import { solveVerified } from '../../helpers/plan.js';
import { sharedDir } from '../../helpers/shared.js';
import { cliRunner } from '../../helpers/cli.js';
import { buildTflite, FIXTURES, int32s, type ModelSpec } from '../../helpers/tflite-builder.js';

const dir = sharedDir('models/tflite');

/** plainFloat (4 FLOAT32 [1, 8] tensors, 32 B each) with an offline plan of its own: in and out at 0 (overlapping, as Vela does), a, b not placed. */
function withPlan(values: number[]): ModelSpec {
  return { ...FIXTURES.plainFloat(), metadata: [{ name: 'OfflineMemoryAllocation', data: int32s(values) }] };
}

/** Imports, plans (verified), and returns the model-wide offsets and the plan's peak. */
function plan(spec: ModelSpec, replaceOfflinePlan = false): { offsets: number[][]; peak: number; notes: string } {
  const model = importTflite(buildTflite(spec), 'p.tflite', { replaceOfflinePlan });
  const plans = model.subgraphs.map((sg) => solveVerified(sg.problem, { iterations: 200 }));
  return { offsets: tensorOffsets(model, plans), peak: plans[0]!.peak, notes: model.subgraphs[0]!.notes.join('\n') };
}

describe("a model's own offline plan (OfflineMemoryAllocation, e.g. Vela's)", () => {
  it('is kept by default: its tensors keep their offsets (even overlapping), the rest is planned above its extent', () => {
    const r = plan(withPlan([0, 1, 4, 0, -1, -1, 0]));
    expect(r.offsets[0]![0]).toBe(0);
    expect(r.offsets[0]![3]).toBe(0);
    // a and b (32 B each) are planned around a block reserved at 0..32 for the whole run.
    expect(r.offsets[0]![1]! >= 32 && r.offsets[0]![2]! >= 32).toBe(true);
    expect(r.notes).toMatch(/its own offline plan .*kept — 2 tensors keep their offsets, 32 B reserved at offset 0/);
  });

  it('is replaced only with replaceOfflinePlan (--replace-offline-plan), and says so', () => {
    const r = plan(withPlan([0, 1, 4, 0, -1, -1, 0]), true);
    expect(r.offsets[0]!.every((o) => o >= 0)).toBe(true);
    const model = importTflite(buildTflite(withPlan([0, 1, 4, 0, -1, -1, 0])), 'p.tflite', { replaceOfflinePlan: true });
    expect(model.subgraphs[0]!.tensors!.every((t) => t.fixedOffset === undefined)).toBe(true);
    expect(model.subgraphs[0]!.problem.buffers.map((b) => b.id)).toEqual(['0', '1', '2', '3']);
    expect(r.notes).toMatch(/offline plan .* is replaced \(--replace-offline-plan\)/);
  });

  it('written back unchanged where kept (--write-tflite)', () => {
    const bytes = buildTflite(withPlan([0, 1, 4, 0, -1, -1, 0]));
    const model = importTflite(bytes, 'p.tflite');
    const offsets = tensorOffsets(model, model.subgraphs.map((sg) => solveVerified(sg.problem, { iterations: 200 })));
    const values = readOfflinePlanOf(writeOfflinePlan(bytes, 'p.tflite', offsets))!;
    expect([values[3], values[6]]).toEqual([0, 0]);
  });

  it.each([
    [[1, 1, 4, 0, -1, -1, 0], /has version 1/],
    [[0, 1, 3, 0, -1, -1], /lists 3 offsets \(3 stored\) for the model's 4 tensors/],
    [[0, 1, 4, 0, -2, -1, 0], /gives subgraph 0, tensor 1 the offset -2/],
  ])('a malformed one (%j) is an InputError naming it', (values, message) => {
    expect(() => plan(withPlan(values))).toThrow(InputError);
    expect(() => plan(withPlan(values))).toThrow(message);
  });

  it.skipIf(dir === undefined)('tfmicro_person_detect_vela.tflite: Vela placed input, output and both NPU scratch tensors at 0, 74,464 B: kept', () => {
    const f = 'tfmicro_person_detect_vela.tflite';
    const bytes = new Uint8Array(readFileSync(join(dir!, f)));
    const model = importTflite(bytes, f);
    const sg = model.subgraphs[0]!;
    expect(sg.tensors!.filter((t) => t.fixedOffset === 0).map((t) => t.index)).toEqual([0, 3, 4, 5]);
    const r = solveVerified(sg.problem, {});
    expect(r.peak).toBe(74464);
    expect(tensorOffsets(model, [r])[0]).toEqual([0, -1, -1, 0, 0, 0]);
    const replaced = importTflite(bytes, f, { replaceOfflinePlan: true }).subgraphs[0]!;
    expect(solveVerified(replaced.problem, {}).peak).toBe(158146);
  });
});

describe('--replace-offline-plan on a Vela model: the "before" is the stored plan on the device (issue #10)', () => {
  it.skipIf(dir === undefined)('tfmicro_person_detect_vela.tflite: before 74,464 B (the stored plan), the plan 158,160 B is 112.4% more; the same in --json', () => {
    const { run } = cliRunner('arenapack-vela-');
    const f = join(dir!, 'tfmicro_person_detect_vela.tflite');
    const text = run('plan', f, '--replace-offline-plan');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/arena needed +154\.45 KiB \(158160 B\)/);
    expect(text.out).toMatch(/before +72\.72 KiB \(74464 B\) +TFLM on the model as stored, with its own offline plan \(OfflineMemoryAllocation, the one --replace-offline-plan replaces\).*: 112\.4% more with this plan\n/);
    expect(text.out).not.toContain('offline plan kept');
    const json = JSON.parse(run('plan', f, '--replace-offline-plan', '--json').out) as { baseline: { name: string; peak: number } };
    expect(json.baseline.peak).toBe(74464);
    expect(json.baseline.name).toMatch(/^TFLM on the model as stored/);
    // Kept (the default): the same figure, the plan meets it.
    expect(run('plan', f).out).toMatch(/before +72\.72 KiB \(74464 B\) +TFLM's own GreedyMemoryPlanner on the model as given .*: the same as this plan\n/);
  });
});
