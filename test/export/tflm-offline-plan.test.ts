import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tensorOffsets } from '../../src/export/tensor-offsets.js';
import { offlinePlanValues, writeOfflinePlan } from '../../src/export/tflm-offline-plan.js';
import { importTflite } from '../../src/import/tflite/index.js';
import { modelTable, readTflite } from '../../src/import/tflite/reader.js';
import { MODEL } from '../../src/import/tflite/schema.js';
import { FlatView } from '../../src/import/tflite/table.js';
import { InputError } from '../../src/problem/errors.js';
import { verifyPlan } from '../../src/problem/verify.js';
import { solve } from '../../src/solve/solve.js';
import { int32s } from '../helpers/offline-plan.js';
import { solveVerified } from '../helpers/plan.js';
import { sharedDir } from '../helpers/shared.js';
import { buildTflite, FIXTURES, type ModelSpec } from '../helpers/tflite-builder.js';

const NAME = 'OfflineMemoryAllocation';

/** Byte-wise equality, fast on megabytes (toEqual on typed arrays is slow). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** Writes the plan and checks that reading it back gives the same model and exactly these offsets. */
function roundTrip(bytes: Uint8Array, file: string, offsets: number[][]): { out: Uint8Array; planBuffer: number } {
  const out = writeOfflinePlan(bytes, file, offsets);
  const a = readTflite(bytes, file);
  const b = readTflite(out, file);
  const shift = out.length - bytes.length;
  expect(shift % 16).toBe(0);
  expect(b.version).toBe(a.version);
  expect(JSON.stringify(b.subgraphs) === JSON.stringify(a.subgraphs)).toBe(true);
  expect(b.operatorCodes).toEqual(a.operatorCodes);
  const entries = b.metadata.filter((m) => m.name === NAME);
  expect(entries).toHaveLength(1);
  const planBuffer = entries[0]!.buffer;
  expect(b.metadata.map((m) => m.name)).toEqual([...new Set([...a.metadata.map((m) => m.name), NAME])]);
  for (const [i, m] of a.metadata.entries()) if (m.name !== NAME) expect(b.metadata[i]).toEqual(m);
  a.buffers.forEach((x, i) => {
    if (i === planBuffer) return;
    const y = b.buffers[i]!;
    expect(sameBytes(y.data, x.data), `buffer ${i}`).toBe(true);
    if (x.data.length > 0) expect(y.dataPos).toBe(x.dataPos + shift);
    if (x.offset > 1) {
      expect(y.offset).toBe(x.offset + shift);
      expect(sameBytes(out.subarray(y.offset, y.offset + y.size), bytes.subarray(x.offset, x.offset + x.size))).toBe(true);
    } else expect(y.offset).toBe(x.offset);
    expect(y.size).toBe(x.size);
  });
  expect(b.buffers.length).toBe(Math.max(a.buffers.length, planBuffer + 1));
  // Every old byte is kept (only file offsets of data past the flatbuffer are re-pointed), and every
  // other Model field of the new root points at the same old object (description, signatures, ...).
  if (a.buffers.every((x) => x.offset <= 1)) expect(sameBytes(out.subarray(shift), bytes)).toBe(true);
  const va = new FlatView(bytes, file);
  const vb = new FlatView(out, file);
  const ra = modelTable(va);
  const rb = modelTable(vb);
  for (let slot = 0; slot < va.slots(ra); slot++) {
    if (slot === MODEL.buffers || slot === MODEL.metadata || va.field(ra, slot, 4) === 0) continue;
    if (slot === MODEL.version) expect(vb.u32(rb, slot, 0)).toBe(va.u32(ra, slot, 0));
    else expect(vb.ref(rb, slot, 'field')).toBe(va.ref(ra, slot, 'field') + shift);
  }
  const plan = b.buffers[planBuffer]!;
  expect(plan.dataPos % 16).toBe(0);
  expect(int32s(plan.data)).toEqual([0, offsets.length, offsets.flat().length, ...offsets.flat()]);
  return { out, planBuffer };
}

function planned(spec: ModelSpec): { bytes: Uint8Array; offsets: number[][] } {
  const bytes = buildTflite(spec);
  const model = importTflite(bytes, 'm.tflite');
  const plans = model.subgraphs.map((sg) => solveVerified(sg.problem, { iterations: 200 }));
  return { bytes, offsets: tensorOffsets(model, plans) };
}

describe('writeOfflinePlan', () => {
  it('offlinePlanValues: [0, subgraphs, tensors, offsets...]; refuses what int32 cannot hold', () => {
    expect(offlinePlanValues([[0, -1, 16], [32]])).toEqual([0, 2, 4, 0, -1, 16, 32]);
    expect(() => offlinePlanValues([[2 ** 31]])).toThrow(InputError);
    expect(() => offlinePlanValues([[-2]])).toThrow(/offset -2 does not fit/);
  });

  // ('dynamic' needs --batch; planned() reads models with the default options.)
  it.each((Object.keys(FIXTURES) as (keyof typeof FIXTURES)[]).filter((name) => name !== 'unknownDim'))('%s: the same model back, and exactly the plan', (name) => {
    const { bytes, offsets } = planned(FIXTURES[name]());
    const { planBuffer } = roundTrip(bytes, 'm.tflite', offsets);
    expect(planBuffer).toBe(readTflite(bytes, 'm.tflite').buffers.length);
  });

  it('constants get -1; a shared buffer gives the same offset to all its tensors', () => {
    const { offsets } = planned(FIXTURES.reshape());
    expect(offsets[0]![2]).toBe(-1);
    expect(offsets[0]![3]).toBe(offsets[0]![4]);
    expect(offsets[0]!.filter((o) => o >= 0).every((o) => o % 16 === 0)).toBe(true);
  });

  it('keeps the description and other metadata, and replaces an existing plan in place (writing twice changes nothing more)', () => {
    const spec = FIXTURES.chain();
    spec.metadata = [{ name: 'min_runtime_version', data: new TextEncoder().encode('1.5.0') }];
    spec.description = 'a model';
    const { bytes, offsets } = planned(spec);
    const once = roundTrip(bytes, 'm.tflite', offsets);
    const moved = offsets.map((o) => o.map((x) => (x >= 0 ? x + 16 : x)));
    const twice = roundTrip(once.out, 'm.tflite', moved);
    expect(twice.planBuffer).toBe(once.planBuffer);
    expect(readTflite(twice.out, 'm.tflite').buffers.length).toBe(readTflite(once.out, 'm.tflite').buffers.length);
  });

  it('an existing plan whose buffer something else uses gets a new buffer', () => {
    const spec = FIXTURES.chain();
    spec.metadata = [{ name: NAME, data: new Uint8Array(16) }];
    // Tensors 0, 2, 3, 4 take buffers 1-4 and the metadata buffer 5; the weights tensor points at 5 too.
    spec.subgraphs[0]!.tensors[1]!.buffer = 5;
    const shared = buildTflite(spec);
    const before = readTflite(shared, 'm.tflite');
    expect(before.metadata[0]!.buffer).toBe(5);
    // The 16 zero bytes are no valid plan to keep: plan anew.
    const model = importTflite(shared, 'm.tflite', { replaceOfflinePlan: true });
    const offsets = tensorOffsets(model, model.subgraphs.map((sg) => solveVerified(sg.problem, { method: 'greedy-size' })));
    const { planBuffer } = roundTrip(shared, 'm.tflite', offsets);
    expect(planBuffer).toBe(before.buffers.length);
  });

  it('data stored past the flatbuffer is re-pointed (offset + prefix)', () => {
    const spec = FIXTURES.chain();
    spec.externalData = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    const { bytes, offsets } = planned(spec);
    roundTrip(bytes, 'm.tflite', offsets);
  });

  it('subgraphs are stacked: subgraph 1 starts after subgraph 0, aligned to 16', () => {
    const bytes = buildTflite(FIXTURES.twoSubgraphs());
    const model = importTflite(bytes, 'm.tflite');
    const plans = model.subgraphs.map((sg) => solveVerified(sg.problem, { iterations: 200 }));
    const offsets = tensorOffsets(model, plans);
    const base = Math.ceil(plans[0]!.peak / 16) * 16;
    expect(Math.min(...offsets[1]!.filter((o) => o >= 0))).toBe(base);
    roundTrip(bytes, 'm.tflite', offsets);
  });

  it('offsets that do not match the model are refused', () => {
    const bytes = buildTflite(FIXTURES.chain());
    expect(() => writeOfflinePlan(bytes, 'm.tflite', [[0, 0]])).toThrow(/do not match/);
    expect(() => writeOfflinePlan(bytes, 'm.tflite', [[2 ** 31, -1, -1, -1, -1]])).toThrow(/m\.tflite: offset 2147483648 does not fit/);
  });
});

const dir = sharedDir('models/tflite');
describe.skipIf(dir === undefined)('writeOfflinePlan on every TFLite model of ../shared/models', () => {
  const files = dir ? readdirSync(dir).filter((f) => f.endsWith('.tflite')).sort() : [];
  it.each(files)('%s', (f) => {
    const bytes = new Uint8Array(readFileSync(join(dir!, f)));
    let model;
    try {
      model = importTflite(bytes, f, { batch: 1 });
    } catch (e) {
      // The three models with no static plan (see test/import/tflite/corpus.test.ts): the writer
      // itself does not care, so write a plan of -1 (runtime places everything).
      expect(e).toBeInstanceOf(InputError);
      const m = readTflite(bytes, f);
      roundTrip(bytes, f, m.subgraphs.map((sg) => sg.tensors.map(() => -1)));
      return;
    }
    const plans = model.subgraphs.map((sg) => {
      const r = solve(sg.problem, { method: 'greedy-size' });
      expect(verifyPlan(sg.problem, r.offsets, r.peak).valid).toBe(true);
      return r;
    });
    roundTrip(bytes, f, tensorOffsets(model, plans));
  });
});
