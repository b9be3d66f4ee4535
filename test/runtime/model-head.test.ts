import { describe, expect, it } from 'vitest';
import { tensorOffsets } from '../../src/export/tensor-offsets.js';
import { importTflite } from '../../src/import/tflite/index.js';
import { verifyPlan } from '../../src/problem/verify.js';
import { planForTflm, tensorsPart } from '../../src/runtime/tflm/model-head.js';
import { withScratchBuffers } from '../../src/runtime/tflm/shape-plan.js';
import { solve } from '../../src/solve/solve.js';
import { scratchFixtures } from '../helpers/scratch-fixtures.js';
import { buildTflite } from '../helpers/tflite-builder.js';

describe('tensorsPart', () => {
  it('keeps the tensors\' offsets of a plan made with scratch buffers, with their top as the peak, checked against the tensors\' bound', () => {
    const problem = { buffers: [{ id: 'a', size: 64, start: 0, end: 2, align: 16 }, { id: 'b', size: 32, start: 1, end: 3, align: 16 }] };
    const scratch = { kernels: 'reference' as const, operators: [{ subgraph: 0, operator: 1, type: 'x', requests: [{ bytes: 40, label: 's' }] }], unknown: [] };
    const original = solve(problem, { method: 'heuristic' });
    const withScratch = withScratchBuffers(problem, 0, scratch, undefined, true);
    const plan = solve(withScratch, { method: 'heuristic' });
    const part = tensorsPart(problem, plan, original);
    expect(part.offsets).toEqual(plan.offsets.slice(0, 2));
    expect(part.peak).toBe(Math.max(part.offsets[0]! + 64, part.offsets[1]! + 32));
    expect(verifyPlan(problem, part.offsets, part.peak).valid).toBe(true);
    expect(part.bound).toBe(original.bound);
    expect(part.status).toBe(part.peak === original.bound ? 'optimal' : 'feasible');
    expect(tensorsPart(problem, original, original)).toBe(original);
  });
});

describe('planForTflm', () => {
  it('reports each operator\'s scratch, the candidates\' heads and the smallest; a custom op without a rule is unknown', () => {
    const fx = scratchFixtures().find((f) => f.name === 'rfft_float')!;
    fx.spec.subgraphs[0]!.tensors.push({ name: 'y', shape: [2, 34], type: 0 });
    fx.spec.subgraphs[0]!.operators.push({ op: 'MyCustomOp', inputs: [1], outputs: [2] });
    fx.spec.subgraphs[0]!.outputs = [2];
    const bytes = buildTflite(fx.spec);
    const model = importTflite(bytes, 'f.tflite');
    const plans = model.subgraphs.map((sg) => solve(sg.problem, { method: 'heuristic' }));
    const facts = planForTflm({
      bytes,
      file: 'f.tflite',
      subgraphs: model.subgraphs,
      plans,
      solve: (p) => solve(p, { method: 'heuristic' }),
      offsets: (ps) => tensorOffsets(model, ps),
    });
    expect(facts.scratch.operators.map((o) => [o.operator, o.type, o.requests.map((r) => r.bytes)])).toEqual([[0, 'SignalRfft', [256]]]);
    expect(facts.scratch.unknown).toEqual([{ subgraph: 0, operator: 1, type: 'MyCustomOp' }]);
    expect(facts.head).toBe(Math.min(...facts.candidates.map((c) => c.head)));
    expect(facts.candidates.find((c) => c.label === facts.chosen)!.head).toBe(facts.head);
    facts.plans.forEach((p, s) => expect(verifyPlan(model.subgraphs[s]!.problem, p.offsets, p.peak).valid).toBe(true));
  });
});
