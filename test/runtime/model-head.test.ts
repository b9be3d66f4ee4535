import { describe, expect, it } from 'vitest';
import { tensorOffsets } from '../../src/export/tensor-offsets.js';
import { importTflite } from '../../src/import/tflite/index.js';
import { verifyPlan } from '../../src/problem/verify.js';
import { tflmGraph } from '../../src/runtime/tflm/graph.js';
import { modelScratch, tflmHead } from '../../src/runtime/tflm/head.js';
import { planForTflm, tensorsPart } from '../../src/runtime/tflm/model-head.js';
import { scratchCandidates, withScratchBuffers } from '../../src/runtime/tflm/shape-plan.js';
import { solve, statusOf } from '../../src/solve/solve.js';
import { scratchFixtures } from '../helpers/scratch-fixtures.js';
import { buildTflite, FIXTURES, type ModelSpec } from '../helpers/tflite-builder.js';

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

  it('takes what is proven (live bound, largest, methods, proof) from the tensors\' own solve; fits and status against the capacity', () => {
    const buffers = [{ id: 'a', size: 64, start: 0, end: 2, align: 16 }, { id: 'b', size: 32, start: 1, end: 3, align: 16 }];
    const scratch = { kernels: 'reference' as const, operators: [{ subgraph: 0, operator: 1, type: 'x', requests: [{ bytes: 40, label: 's' }] }], unknown: [] };
    for (const capacity of [96, 120, 200]) {
      const problem = { buffers, capacity };
      const original = solve(problem, { method: 'heuristic' });
      const withScratch = withScratchBuffers(problem, 0, scratch, undefined, true);
      const plan = solve(withScratch, { method: 'heuristic' });
      expect(plan.liveBound).toBeGreaterThan(original.liveBound);
      const part = tensorsPart(problem, plan, original);
      expect([part.liveBound, part.largest, part.methods, part.proof]).toEqual([original.liveBound, original.largest, original.methods, original.proof]);
      expect(part.fits).toBe(part.peak <= capacity);
      expect(part.status).toBe(statusOf(part.peak, original.bound, capacity));
    }
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
      model,
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

/** The WHILE loop fixture with a float MEAN (4 KiB in, 64 B out, scratch 16 + 8 B) in subgraph 0, after the loop. */
function whileWithScratch(): ModelSpec {
  const spec = FIXTURES.whileLoop();
  const main = spec.subgraphs[0]!;
  const mean = scratchFixtures().find((f) => f.name === 'mean_float')!.spec.subgraphs[0]!;
  const base = main.tensors.length;
  main.tensors.push(...mean.tensors);
  main.operators.push(...mean.operators.map((op) => ({ ...op, inputs: op.inputs.map((t) => t + base), outputs: op.outputs.map((t) => t + base) })));
  main.inputs.push(base);
  main.outputs.push(base + 2);
  return spec;
}

describe('planForTflm on a model of several subgraphs', () => {
  it('reports for every candidate the head TFLM reaches with the offsets that candidate exports (WHILE, scratch in subgraph 0)', () => {
    const bytes = buildTflite(whileWithScratch());
    const model = importTflite(bytes, 'w.tflite');
    const plans = model.subgraphs.map((sg) => solve(sg.problem, { method: 'heuristic' }));
    const facts = planForTflm({
      model,
      plans,
      solve: (p) => solve(p, { method: 'heuristic' }),
      offsets: (ps) => tensorOffsets(model, ps),
    });
    const graph = tflmGraph(model);
    const scratch = modelScratch(graph);
    expect(scratch.operators.map((o) => [o.subgraph, o.type])).toEqual([[0, 'MEAN']]);
    const headOf = (ps: readonly (typeof plans)[number][]): number => {
      const table = tensorOffsets(model, ps);
      return tflmHead(graph, scratch, (s, t) => (table[s]![t]! >= 0 ? table[s]![t] : undefined)).head;
    };
    expect(headOf(facts.plans)).toBe(facts.head);
    expect(facts.candidates.map((c) => c.label)).toEqual(['plan without scratch', 'plan with scratch', 'plan with scratch at 0']);
    // Each re-planned candidate rebuilt here: its solve, restricted to the tensors as exported.
    scratchCandidates(model.subgraphs, scratch).forEach((c, k) => {
      const exported = c.problems.map((p, s) => (p === undefined ? plans[s]! : tensorsPart(model.subgraphs[s]!.problem, solve(p, { method: 'heuristic' }), plans[s]!)));
      expect(facts.candidates[k + 1]!.head, c.label).toBe(headOf(exported));
    });
    facts.candidatePlans.forEach((ps, i) => {
      expect(headOf(ps)).toBe(facts.candidates[i]!.head);
      ps.forEach((p, s) => {
        expect(verifyPlan(model.subgraphs[s]!.problem, p.offsets, p.peak).valid).toBe(true);
        expect(p.peak).toBe(model.subgraphs[s]!.problem.buffers.reduce((top, b, j) => Math.max(top, p.offsets[j]! + b.size), 0));
      });
    });
  });
});

describe('planForTflm: time', () => {
  it('the candidates\' solves share the time left: one after another, the k-th of n may take 1/(n-k+1) of it', () => {
    const bytes = buildTflite(whileWithScratch());
    const model = importTflite(bytes, 'w.tflite');
    const plans = model.subgraphs.map((sg) => solve(sg.problem, { method: 'heuristic' }));
    const shares: number[] = [];
    planForTflm({
      model,
      plans,
      solve: (p, _s, share) => {
        shares.push(share);
        return solve(p, { method: 'heuristic' });
      },
      offsets: (ps) => tensorOffsets(model, ps),
    });
    // Scratch only in subgraph 0: two candidates re-plan it, the others keep their plans.
    expect(shares).toEqual([1 / 2, 1]);
  });
});
