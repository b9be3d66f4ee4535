import { describe, expect, it } from 'vitest';
import { formatModelReport } from '../../src/export/model-report.js';
import { importTflite } from '../../src/import/tflite/index.js';
import { planModel } from '../../src/plan-model.js';
import { verifyPlan } from '../../src/problem/verify.js';
import { buildTflite, FIXTURES } from '../helpers/tflite-builder.js';

describe('formatModelReport', () => {
  it('answer first, then per subgraph: tensors, plan, bound, capacity, the peak operator and tensors; --verbose adds the methods and no reuse', () => {
    const model = importTflite(buildTflite(FIXTURES.twoSubgraphs()), 't.tflite', { align: 1 });
    const { results, baselines } = planModel(model, { iterations: 200 }, 3000);
    model.subgraphs.forEach((sg, s) => expect(verifyPlan(sg.problem, results[s]!.offsets, results[s]!.peak).valid).toBe(true));
    const text = formatModelReport(model, results, baselines, { head: 1328, runtimeDefault: 1600 });
    expect(text.split('\n')[0]).toBe('t.tflite: TFLite model, 2 subgraphs, 5 operators; a step is an operator (step k runs the k-th operator of the order planned)');
    expect(text).toMatch(/^  arena needed +1\.30 KiB \(1328 B\) +TFLM head/m);
    expect(text).toMatch(/^  before +1\.56 KiB \(1600 B\) +TFLM's own GreedyMemoryPlanner on the model as given .*: 17\.0% less with this plan$/m);
    expect(text).toMatch(/^t\.tflite — subgraph 0 "main": 4 planned buffers over 3 steps$/m);
    expect(text).toMatch(/^t\.tflite — subgraph 1 "body": 3 planned buffers over 2 steps$/m);
    expect(text).toMatch(/tensors +5 tensors \(4 planned in 4 buffers, 1 constant\), 3 operators/);
    expect(text).toMatch(/lower bound +1\.25 KiB \(1280 B\) +live bound — met: proven optimal/);
    // The peak's step is an operator, named by index and type, and its tensors largest first with sizes.
    const peak = text.match(/^  peak +step (\d+) = operator (\d+) \(([A-Z_0-9]+)\)(?: \(the plan's top[^)]*\)[^)]*\))?: [\d.]+ (?:KiB|B).* live in (\d+) tensors?: (.*)$/m);
    expect(peak).not.toBeNull();
    const sg0 = model.subgraphs[0]!;
    const step = Number(peak![1]);
    expect(Number(peak![2])).toBe(step);
    expect(peak![3]).toBe(sg0.operators![step]!.type);
    const live = sg0.problem.buffers.map((b, i) => ({ b, i })).filter(({ b }) => b.start <= step && step < b.end);
    expect(Number(peak![4])).toBe(live.length);
    const sizes = [...peak![5]!.matchAll(/"[^"]*" ([\d.]+) (KiB|B)/g)].map((m) => Number(m[1]) * (m[2] === 'KiB' ? 1024 : 1));
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(live.reduce((a, { b }) => a + b.size, 0));
    expect(text).not.toMatch(/no reuse/);
    expect(formatModelReport(model, results, baselines, undefined, { verbose: true })).toMatch(/no reuse +1\.51 KiB \(1546 B\)/);
    expect(text).toMatch(/capacity +2\.93 KiB \(3000 B\): fits/);
    // 1280 B, then subgraph 1 (48 B) from 1280 (already 16-aligned).
    expect(text).toMatch(/t\.tflite: 2 subgraphs stacked in one arena \(header, offline plan\): 1\.30 KiB \(1328 B\); capacity 2\.93 KiB: fits/);
  });
});
