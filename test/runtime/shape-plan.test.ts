import { describe, expect, it } from 'vitest';
import { tensorOffsets } from '../../src/export/tensor-offsets.js';
import { importTflite } from '../../src/import/tflite/index.js';
import { verifyPlan } from '../../src/problem/verify.js';
import { tflmGraph } from '../../src/runtime/tflm/graph.js';
import { modelScratch, tflmHead, type ModelScratch } from '../../src/runtime/tflm/head.js';
import { SCRATCH_ID, shapeForScratch, withScratchBuffers } from '../../src/runtime/tflm/shape-plan.js';
import { solve } from '../../src/solve/solve.js';
import { scratchFixtures } from '../helpers/scratch-fixtures.js';
import { buildTflite, OP, T } from '../helpers/tflite-builder.js';

const scratch: ModelScratch = {
  kernels: 'reference',
  operators: [{ subgraph: 0, operator: 2, type: 'builtin 27', requests: [{ bytes: 20, label: 'a' }, { bytes: 64, label: 'b' }] }],
  unknown: [],
};

describe('withScratchBuffers', () => {
  it('adds one 16-rounded buffer per request at its operator\'s step (after reordering too), after the tensors', () => {
    const problem = { buffers: [{ id: '0', size: 10, start: 0, end: 3 }] };
    const p = withScratchBuffers(problem, 0, scratch);
    expect(p.buffers.slice(1)).toEqual([
      { id: `${SCRATCH_ID}2:0`, size: 32, start: 2, end: 3, align: 16 },
      { id: `${SCRATCH_ID}2:1`, size: 64, start: 2, end: 3, align: 16 },
    ]);
    expect(withScratchBuffers(problem, 0, scratch, [2, 0, 1]).buffers[1]!.start).toBe(0);
    expect(withScratchBuffers(problem, 1, scratch)).toBe(problem);
  });

  it('at the bottom: fixed offsets stacked largest first', () => {
    const p = withScratchBuffers({ buffers: [] }, 0, scratch, undefined, true);
    expect(p.buffers.map((b) => [b.size, b.offset])).toEqual([[32, 64], [64, 0]]);
  });
});

describe('shapeForScratch', () => {
  it('keeps the candidate with the smallest simulated head; each candidate\'s plan is valid and its head is what TFLM\'s planner gives', () => {
    // An ADD feeding the SVDF fixture: the SVDF's scratch competes with the ADD's tensors.
    const fx = scratchFixtures()[0]!;
    const sg = fx.spec.subgraphs[0]!;
    sg.tensors.push({ name: 'pre', shape: [2, 8], type: T.FLOAT32 }, { name: 'big', shape: [2, 64], type: T.FLOAT32 });
    const pre = sg.tensors.length - 2;
    sg.operators.unshift({ op: OP.ADD, inputs: [pre, pre], outputs: [0] }, { op: OP.ADD, inputs: [0, 0], outputs: [pre + 1] });
    sg.operators[2]!.inputs[0] = 0;
    sg.inputs = [pre];
    sg.outputs = [5, pre + 1];
    const bytes = buildTflite(fx.spec);
    const imported = importTflite(bytes, 'f.tflite');
    const graph = tflmGraph(imported);
    const sc = modelScratch(graph);
    const plans = imported.subgraphs.map((s) => solve(s.problem, { method: 'heuristic' }));
    const offsets = (ps: readonly { offsets: number[]; peak: number }[]) => tensorOffsets(imported, ps);
    const shaped = shapeForScratch({ graph, scratch: sc, subgraphs: imported.subgraphs, plans, solve: (p) => solve(p, { method: 'heuristic' }), offsets });
    expect(shaped.candidates.map((c) => c.label)).toEqual(['plan without scratch', 'plan with scratch', 'plan with scratch at 0']);
    expect(shaped.chosen.head.head).toBe(Math.min(...shaped.candidates.map((c) => c.head)));
    for (const p of shaped.chosen.plans) expect(p.offsets.length).toBeGreaterThan(0);
    const table = offsets(shaped.chosen.plans);
    expect(tflmHead(graph, sc, (s, t) => (table[s]![t]! >= 0 ? table[s]![t] : undefined)).head).toBe(shaped.chosen.head.head);
    // The scratch-aware plan is a valid plan of the problem with the scratch buffers.
    const withScratch = withScratchBuffers(imported.subgraphs[0]!.problem, 0, sc, undefined, true);
    const atBottom = solve(withScratch, { method: 'heuristic' });
    expect(verifyPlan(withScratch, atBottom.offsets, atBottom.peak).valid).toBe(true);
  });
});
