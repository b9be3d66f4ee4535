import { describe, expect, it } from 'vitest';
import { importTflite } from '../../../src/import/tflite/index.js';
import type { ModelImportOptions, ModelSubgraph } from '../../../src/import/model.js';
import { liveBound } from '../../../src/problem/bounds.js';
import { verifyPlan } from '../../../src/problem/verify.js';
import { solve } from '../../../src/solve/solve.js';
import { buildTflite, FIXTURES, OP, type ModelSpec } from '../../helpers/tflite-builder.js';

function sg0(spec: ModelSpec, opts: ModelImportOptions = {}): ModelSubgraph {
  return importTflite(buildTflite(spec), 'f.tflite', { align: 1, ...opts }).subgraphs[0]!;
}

/** buffer id -> [size, start, end, tensors] */
function table(sg: ModelSubgraph): Record<string, [number, number, number, number[]]> {
  const out: Record<string, [number, number, number, number[]]> = {};
  sg.problem.buffers.forEach((b, i) => (out[b.id] = [b.size, b.start, b.end, sg.tensorsOf[i]!]));
  return out;
}

function planAndVerify(sg: ModelSubgraph): number {
  const r = solve(sg.problem, { iterations: 200 });
  expect(verifyPlan(sg.problem, r.offsets, r.peak).valid).toBe(true);
  return r.peak;
}

describe('importTflite (src/graph/problem.ts): buffers and live ranges equal hand-computed ones', () => {
  it('chain: producer step to the step after the last reader; the output to the end; weights left out', () => {
    const sg = sg0(FIXTURES.chain());
    expect(table(sg)).toEqual({ '0': [256, 0, 1, [0]], '2': [256, 0, 2, [2]], '3': [1024, 1, 3, [3]], '4': [10, 2, 3, [4]] });
    expect(sg.names).toEqual(['input', 'conv', 'relu', 'logits']);
    expect(sg.tensorCount).toBe(5);
    expect(sg.operatorCount).toBe(3);
    expect(liveBound(sg.problem)).toBe(1280);
    expect(planAndVerify(sg)).toBe(1280);
    expect(sg.tensors!.map((t) => t.kind)).toEqual(['input', 'constant', 'activation', 'activation', 'output']);
  });

  it('residual: the skip input stays live across the branch', () => {
    const sg = sg0(FIXTURES.residual());
    expect(table(sg)).toEqual({ '0': [16, 0, 3, [0]], '1': [32, 0, 2, [1]], '2': [16, 1, 3, [2]], '3': [16, 2, 3, [3]] });
    expect(liveBound(sg.problem)).toBe(64);
    planAndVerify(sg);
  });

  it('variable: not planned in the arena (TFLM keeps it in its persistent tail), its bytes reported apart', () => {
    const sg = sg0(FIXTURES.variable());
    expect(table(sg)).toEqual({ '0': [4, 0, 1, [0]], '2': [4, 0, 2, [2]], '3': [4, 1, 2, [3]] });
    expect(sg.tensors![1]!.kind).toBe('variable');
    expect(sg.tensors![1]!.buffer).toBeUndefined();
    expect(sg.variableBytes).toBe(16);
    expect(sg.notes.join('\n')).toMatch(/1 variable tensor \(state\), 16 B: not in the planned arena \(offline plan -1\)/);
    planAndVerify(sg);
  });

  it('intermediate: live while its operator runs; a 0-byte one is skipped with a note', () => {
    const sg = sg0(FIXTURES.intermediate());
    expect(table(sg)).toEqual({ '0': [6, 0, 1, [0]], '1': [12, 0, 1, [1]], '3': [6, 0, 2, [3]], '4': [6, 1, 2, [4]] });
    expect(sg.tensors![2]!.kind).toBe('intermediate');
    expect(sg.tensors![2]!.bytes).toBe(0);
    expect(sg.notes.join('\n')).toMatch(/1 tensor of 0 bytes: not planned/);
    expect(liveBound(sg.problem)).toBe(6 + 12 + 6);
    planAndVerify(sg);
  });

  it('prepared tensors (DENSIFY, DEQUANTIZE of constants, transitively) live from their operator to their last reader by default (TFLM computes them at every Invoke), or are left out', () => {
    const kept = sg0(FIXTURES.dequantize());
    expect(table(kept)).toEqual({
      '1': [16, 0, 4, [1]],
      '2': [64, 2, 4, [2]],
      '3': [16, 3, 5, [3]],
      '5': [32, 0, 2, [5]],
      '6': [64, 1, 5, [6]],
      '7': [16, 4, 5, [7]],
    });
    expect(kept.preparedRange).toBe('per-run');
    expect(kept.notes[0]).toMatch(/3 tensors prepared from constants .*, 160 B: computed again at every run \(TFLM\), planned from their operator to their last reader/);
    const left = sg0(FIXTURES.dequantize(), { keepPrepared: false });
    expect(table(left)).toEqual({ '1': [16, 0, 4, [1]], '3': [16, 3, 5, [3]], '7': [16, 4, 5, [7]] });
    expect(left.notes[0]).toMatch(/left out of the plan: TFLM places them itself, in the head/);
    expect(left.tensors!.filter((t) => t.kind === 'prepared').map((t) => t.index)).toEqual([2, 5, 6]);
    planAndVerify(kept);
    planAndVerify(left);
  });

  it('a SQUEEZE output shares its dying input; a RESHAPE whose input lives on does not', () => {
    const shared = sg0(FIXTURES.reshape());
    expect(table(shared)).toEqual({ '0': [32, 0, 1, [0]], '1': [32, 0, 4, [1]], '3': [32, 1, 4, [3, 4]], '5': [32, 3, 4, [5]] });
    expect(shared.notes.join('\n')).toMatch(/1 buffer shared by RESHAPE/);
    const apart = sg0(FIXTURES.reshape(), { shareReshapes: false });
    expect(table(apart)).toEqual({
      '0': [32, 0, 1, [0]],
      '1': [32, 0, 4, [1]],
      '3': [32, 1, 3, [3]],
      '4': [32, 2, 4, [4]],
      '5': [32, 3, 4, [5]],
    });
    expect(planAndVerify(shared)).toBeLessThanOrEqual(planAndVerify(apart));
  });

  it('includeWeights: one whole-run buffer per constant data buffer', () => {
    const sg = sg0(FIXTURES.chain(), { includeWeights: true });
    expect(table(sg)['1']).toEqual([16, 0, 3, [1]]);
    expect(sg.notes.join('\n')).toMatch(/1 constant tensor planned as whole-run buffers/);
    const spec = FIXTURES.chain();
    spec.subgraphs[0]!.tensors.push({ name: 'same weights', shape: [4, 1, 1, 4], buffer: 2 });
    spec.subgraphs[0]!.operators[2]!.inputs.push(5);
    // buffer 2 holds tensor 1's weights (0 is the sentinel, 1 the input's empty buffer): both tensors share it.
    const shared = sg0(spec, { includeWeights: true });
    expect(table(shared)['1']).toEqual([16, 0, 3, [1, 5]]);
  });

  it('alignment: every buffer gets the alignment (16 by default), the sizes stay raw', () => {
    const sg = importTflite(buildTflite(FIXTURES.chain()), 'f.tflite').subgraphs[0]!;
    expect(sg.problem.buffers.map((b) => b.align)).toEqual([16, 16, 16, 16]);
    expect(sg.problem.buffers.map((b) => b.size)).toEqual([256, 256, 1024, 10]);
    const r = solve(sg.problem, { iterations: 200 });
    expect(verifyPlan(sg.problem, r.offsets, r.peak).valid).toBe(true);
    expect(r.offsets.every((o) => o % 16 === 0)).toBe(true);
    expect(sg0(FIXTURES.chain(), { align: 64 }).problem.buffers[0]!.align).toBe(64);
  });

  it('dynamic batch: the stored shape (as TFLM allocates it) with a note, or the batch given', () => {
    const stored = sg0(FIXTURES.dynamic());
    expect(table(stored)).toEqual({ '0': [16, 0, 1, [0]], '2': [8, 0, 1, [2]] });
    expect(stored.notes.join('\n')).toMatch(/2 tensors have a dynamic shape signature \(-1\): planned at their stored shape, as TFLM allocates them/);
    const sg = sg0(FIXTURES.dynamic(), { batch: 3 });
    expect(table(sg)).toEqual({ '0': [48, 0, 1, [0]], '2': [24, 0, 1, [2]] });
    expect(sg.tensors![0]!.shape).toEqual([3, 4]);
    expect(sg.tensors![0]!.storedShape).toEqual([1, 4]);
  });

  it('a stored shape that contradicts its producer is computed as full TFLite prepares it (RESHAPE with -1, then RELU)', () => {
    const sg = sg0(FIXTURES.placeholder(), { align: 1 });
    // By hand: in [1,2,3,4] FLOAT32 = 96 B; r = reshape(in, [-1, 6]) = [4, 6] = 96 B, sharing in's buffer
    // (in dies at the RESHAPE); out = relu(r) = [4, 6] = 96 B. Live bound: 96 + 96 at step 1.
    expect(sg.tensors!.map((t) => t.shape)).toEqual([[1, 2, 3, 4], [2], [4, 6], [4, 6]]);
    expect(sg.tensors![2]!.storedShape).toEqual([1, 1]);
    expect(table(sg)).toEqual({ '0': [96, 0, 2, [0, 2]], '3': [96, 1, 2, [3]] });
    expect(liveBound(sg.problem)).toBe(192);
    expect(sg.notes.join('\n')).toMatch(/2 tensors have a stored shape that contradicts their producer .*TFLM rejects the model as stored/);
  });

  it('a placeholder shape reaching an operator without a shape rule is an error naming it', () => {
    const spec = FIXTURES.placeholder();
    spec.subgraphs[0]!.operators[1]!.op = OP.CONV_2D;
    expect(() => sg0(spec)).toThrow(/f\.tflite: subgraph 0, operator 1 \(CONV_2D\): it reads a tensor whose stored shape was replaced .* no shape rule for CONV_2D/);
    const noShape = FIXTURES.placeholder();
    noShape.subgraphs[0]!.tensors[1] = { name: 'shape', shape: [2], type: 2 }; // computed at run time: no data
    expect(() => sg0(noShape)).toThrow(/operator 0 \(RESHAPE\): its shape tensor is computed at run time/);
  });

  it("lists the operators as the model graph's: builtin names (codes above 127 too), custom codes, tensors", () => {
    const sg = sg0(FIXTURES.placeholder());
    expect(sg.operators!.map((o) => [o.index, o.type, o.builtin, o.inputs, o.outputs, o.intermediates])).toEqual([
      [0, 'RESHAPE', 22, [0, 1], [2], []],
      [1, 'RELU', 19, [2], [3], []],
    ]);
    const spec = FIXTURES.plainFloat();
    spec.subgraphs[0]!.operators[1]!.op = OP.STABLEHLO_ADD;
    spec.subgraphs[0]!.operators[2]!.op = 'MyOp';
    expect(sg0(spec).operators!.map((o) => o.type)).toEqual(['RELU', 'STABLEHLO_ADD', 'MyOp']);
  });

  it('a string activation is a clear error naming it', () => {
    const spec = FIXTURES.chain();
    spec.subgraphs[0]!.tensors[2]!.type = 5;
    expect(() => sg0(spec)).toThrow(/subgraph 0, tensor 2 "conv" is a STRING tensor, whose size is known only at run time/);
  });

  it('a tensor nobody touches is not planned; one read but never written lives from step 0', () => {
    const spec = FIXTURES.chain();
    spec.subgraphs[0]!.tensors.push({ name: 'orphan', shape: [4] }, { name: 'unwritten', shape: [8] });
    spec.subgraphs[0]!.operators[1]!.inputs.push(6);
    const sg = sg0(spec);
    expect(sg.tensors![5]!.kind).toBe('unused');
    expect(table(sg)['6']).toEqual([8, 0, 2, [6]]);
    expect(sg.notes.join('\n')).toMatch(/1 tensor read but never written/);
    expect(sg.notes.join('\n')).toMatch(/1 tensor no operator touches/);
  });
});
