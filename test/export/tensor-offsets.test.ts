import { describe, expect, it } from 'vitest';
import { modelArenaSize, subgraphBases, tensorOffsets } from '../../src/export/tensor-offsets.js';
import { importTflite } from '../../src/import/tflite/index.js';
import { buildTflite, FIXTURES } from '../helpers/tflite-builder.js';

describe('tensor offsets of a model-wide plan', () => {
  it('subgraphs stacked, each base aligned to 16', () => {
    expect(subgraphBases([{ peak: 100 }, { peak: 7 }, { peak: 1 }])).toEqual([0, 112, 128]);
    expect(modelArenaSize([{ peak: 100 }, { peak: 7 }, { peak: 1 }])).toBe(129);
    expect(modelArenaSize([])).toBe(0);
  });

  it('owner and aliases share the offset; constants and unplanned tensors get -1, even with weights planned', () => {
    const model = importTflite(buildTflite(FIXTURES.reshape()), 'r.tflite', { includeWeights: true });
    const sg = model.subgraphs[0]!;
    // Buffers in owner order: 0, 1, 2 (weights), 3 (+4), 5.
    expect(sg.tensorsOf).toEqual([[0], [1], [2], [3, 4], [5]]);
    const offsets = tensorOffsets(model, [{ offsets: [0, 32, 64, 96, 128], peak: 160 }]);
    expect(offsets).toEqual([[0, 32, -1, 96, 96, 128]]);
    expect(() => tensorOffsets(model, [])).toThrow(/0 plans for 1 subgraphs/);
  });
});
