import { describe, expect, it } from 'vitest';
import { formatModelReport } from '../../src/export/model-report.js';
import { importTflite } from '../../src/import/tflite/index.js';
import { planModel } from '../../src/plan-model.js';
import { verifyPlan } from '../../src/problem/verify.js';
import { buildTflite, FIXTURES } from '../helpers/tflite-builder.js';

describe('formatModelReport', () => {
  it('per subgraph: tensors, live bound, no reuse, before, after, fits, overhead, notes', () => {
    const model = importTflite(buildTflite(FIXTURES.twoSubgraphs()), 't.tflite', { align: 1 });
    const { results, baselines } = planModel(model, { iterations: 200 }, 2000);
    model.subgraphs.forEach((sg, s) => expect(verifyPlan(sg.problem, results[s]!.offsets, results[s]!.peak).valid).toBe(true));
    const text = formatModelReport(model, results, baselines);
    expect(text).toMatch(/^t\.tflite — subgraph 0 "main": 4 buffers$/m);
    expect(text).toMatch(/^t\.tflite — subgraph 1 "body": 3 buffers$/m);
    expect(text).toMatch(/tensors +5 tensors \(4 planned in 4 buffers, 1 constant\), 3 operators/);
    expect(text).toMatch(/live bound +1\.25 KiB \(1280 B\)/);
    expect(text).toMatch(/no reuse +1\.51 KiB \(1546 B\)/);
    expect(text).toMatch(/before +\d/);
    expect(text).toMatch(/after +1\.25 KiB \(1280 B\) .*overhead 0\.00% over the live bound/);
    expect(text).toMatch(/capacity 1\.95 KiB: fits/);
    // 1280 B, then subgraph 1 (48 B) from 1280 (already 16-aligned).
    expect(text).toMatch(/t\.tflite: 2 subgraphs stacked in one arena \(header, offline plan\): 1\.30 KiB \(1328 B\); capacity 1\.95 KiB: fits/);
  });
});
