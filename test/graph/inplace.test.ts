import { describe, expect, it } from 'vitest';
import { inplaceAliases, type InplaceGraph } from '../../src/graph/inplace.js';
import type { TensorKind } from '../../src/graph/types.js';
import { importOnnx } from '../../src/import/onnx/index.js';
import { importTflite } from '../../src/import/tflite/index.js';
import { verifyPlan } from '../../src/problem/verify.js';
import { INPLACE_ELEMENTWISE } from '../../src/runtime/tflm/inplace.js';
import { solve } from '../../src/solve/solve.js';
import { bruteForceTiedMinPeak } from '../helpers/tied-oracle.js';
import { int, model, node, vi } from '../helpers/onnx-builder.js';
import { buildTflite, FIXTURES } from '../helpers/tflite-builder.js';

/** The buffers' aliases of the inplaceMix fixture imported with `kinds`: id -> [aliasOf, aliasOffset]. */
function aliasesOf(kinds: ('elementwise' | 'concat')[]): Record<string, [string, number]> {
  const m = importTflite(buildTflite(FIXTURES.inplaceMix()), 'mix.tflite', { inplace: kinds });
  const out: Record<string, [string, number]> = {};
  for (const b of m.subgraphs[0]!.problem.buffers) if (b.aliasOf !== undefined) out[b.id] = [b.aliasOf, b.aliasOffset ?? 0];
  return out;
}

describe('--inplace on the model graph (inplaceMix: in, a=RELU, b=TANH(a), c=LOGISTIC(in), d=CONCAT(b,c), e=RELU6(d), out=MUL(e,e))', () => {
  it('elementwise: an output takes the bytes of an input that dies there; never a graph input', () => {
    // a = RELU(in): in is a graph input, so a has its own bytes; b takes a's, e takes d's, out takes e's.
    expect(aliasesOf(['elementwise'])).toEqual({ '2': ['1', 0], '5': ['4', 0], '6': ['5', 0] });
  });

  it('concat: each dying input at its slice of the output (b through its chain root a)', () => {
    expect(aliasesOf(['concat'])).toEqual({ '2': ['4', 0], '3': ['4', 256] });
    expect(aliasesOf(['elementwise', 'concat'])).toEqual({ '1': ['4', 0], '2': ['1', 0], '3': ['4', 256], '5': ['4', 0], '6': ['5', 0] });
  });

  it('plans verified with their aliases; elementwise alone proven optimal (every block a rectangle), equal to brute force', () => {
    const peaks: Record<string, number> = {};
    for (const [label, kinds] of [['none', []], ['elementwise', ['elementwise']], ['concat', ['concat']], ['both', ['elementwise', 'concat']]] as const) {
      const m = importTflite(buildTflite(FIXTURES.inplaceMix()), 'mix.tflite', { inplace: [...kinds] });
      const p = m.subgraphs[0]!.problem;
      const res = solve(p);
      expect(verifyPlan(p, res.offsets, res.peak).valid).toBe(true);
      peaks[label] = res.peak;
      if (label === 'elementwise') {
        expect(res.status).toBe('optimal');
        expect(m.subgraphs[0]!.notes.join('\n')).toMatch(/--inplace elementwise \(reference kernels\): 3 tensors .*, 1280 B no longer apart/);
      }
      if (label === 'concat') expect(m.subgraphs[0]!.notes.join('\n')).toMatch(/--inplace concat \(reference kernels\): 2 tensors .*, 512 B no longer apart/);
    }
    // No in place: b + c + d (or d + e, e + out) = 1024; either option alone leaves one of those steps at
    // 1024; with both every tensor but `in` lies in one block of 512: in + b + c at step 2 = 768.
    expect(peaks).toEqual({ none: 1024, elementwise: 1024, concat: 1024, both: 768 });
  });

  it('the chain of aliases of `both` is planned at the optimum brute force finds', () => {
    const m = importTflite(buildTflite(FIXTURES.inplaceMix()), 'mix.tflite', { inplace: ['elementwise', 'concat'], align: 1 });
    const p = { buffers: m.subgraphs[0]!.problem.buffers.map((b) => ({ ...b, size: b.size / 64, ...(b.aliasOffset !== undefined ? { aliasOffset: b.aliasOffset / 64 } : {}) })) };
    expect(solve(p).peak).toBe(bruteForceTiedMinPeak(p));
  });
});

describe('inplaceAliases (the rule alone)', () => {
  /** An operator; a CONCATENATION gets `concatAxis` (default 1), as the readers set it. */
  const op = (index: number, type: string, inputs: number[], outputs: number[], axis = 1): InplaceGraph['operators'][number] => ({
    index,
    type,
    inputs,
    outputs,
    ...(type === 'CONCATENATION' ? { concatAxis: axis } : {}),
  });
  /** Tensors 0..n-1, all activations of `bytes` bytes and shape [1, bytes] unless given. */
  function graph(ops: ReturnType<typeof op>[], n: number, over: Partial<InplaceGraph> = {}, kinds: Record<number, TensorKind> = {}, shapes: Record<number, number[]> = {}): InplaceGraph {
    const lastRead = new Map<number, number>();
    ops.forEach((o, k) => o.inputs.forEach((t) => lastRead.set(t, k)));
    return {
      operators: ops,
      kindOf: (t) => kinds[t] ?? 'activation',
      bytesOf: (t) => (shapes[t] ?? [1, 16]).reduce((a, d) => a * d, 1),
      shapeOf: (t) => shapes[t] ?? [1, 16],
      lastReadOf: (t) => lastRead.get(t),
      ownerOf: (t) => t,
      ...over,
    };
  }
  const ref = { kinds: ['elementwise', 'concat'] as const, elementwise: INPLACE_ELEMENTWISE.reference, align: 16 };

  it('no broadcast: an ADD whose inputs differ in shape keeps its output apart', () => {
    const g = graph([op(0, 'ADD', [0, 1], [2])], 3, {}, {}, { 1: [1, 1] });
    expect(inplaceAliases(g, ref)).toEqual([]);
  });

  it('an input read later, a variable, a constant or a graph output stays; an operator off the list stays', () => {
    expect(inplaceAliases(graph([op(0, 'RELU', [0], [1]), op(1, 'RELU', [0], [2])], 3), ref).map((a) => a.tensor)).toEqual([2]);
    for (const kind of ['variable', 'constant', 'input', 'output', 'prepared'] as const) {
      expect(inplaceAliases(graph([op(0, 'RELU', [0], [1])], 2, {}, { 0: kind }), ref), kind).toEqual([]);
    }
    expect(inplaceAliases(graph([op(0, 'SOFTMAX', [0], [1])], 2), ref)).toEqual([]);
    expect(inplaceAliases(graph([op(0, 'RELU', [0], [1])], 2), { ...ref, elementwise: INPLACE_ELEMENTWISE['cmsis-nn'] })).toEqual([]);
  });

  it('QUANTIZE only where the width is kept (same shape and bytes)', () => {
    expect(inplaceAliases(graph([op(0, 'QUANTIZE', [0], [1])], 2, {}, {}, { 0: [1, 16], 1: [1, 16] }), ref)).toHaveLength(1);
    const widen = graph([op(0, 'QUANTIZE', [0], [1])], 2, { bytesOf: (t) => (t === 0 ? 16 : 32) });
    expect(inplaceAliases(widen, ref)).toEqual([]);
  });

  it('concat: only on the outermost non-unit axis, inputs used once, at aligned offsets', () => {
    const cat = [op(0, 'CONCATENATION', [0, 1], [2])];
    const shapes = { 0: [1, 16], 1: [1, 16], 2: [1, 32] };
    expect(inplaceAliases(graph(cat, 3, {}, {}, shapes), ref).map((a) => [a.tensor, a.of, a.offset])).toEqual([
      [0, 2, 0],
      [1, 2, 16],
    ]);
    // Axis 2 of [1, 2, 16]: the slices interleave.
    const inner = { 0: [1, 2, 8], 1: [1, 2, 8], 2: [1, 2, 16] };
    expect(inplaceAliases(graph([op(0, 'CONCATENATION', [0, 1], [2], 2)], 3, {}, {}, inner), ref)).toEqual([]);
    expect(inplaceAliases(graph([op(0, 'CONCATENATION', [0, 1], [2], -1)], 3, {}, {}, inner), ref)).toEqual([]);
    // The same tensor twice.
    expect(inplaceAliases(graph([op(0, 'CONCATENATION', [0, 0], [2])], 3, {}, {}, { 0: [1, 16], 2: [1, 32] }), ref)).toEqual([]);
    // 8-byte slices under 16-byte alignment: the second stays copied.
    const small = { 0: [1, 8], 1: [1, 8], 2: [1, 16] };
    expect(inplaceAliases(graph(cat, 3, {}, {}, small), ref).map((a) => a.tensor)).toEqual([0]);
  });
});

describe('--inplace on an ONNX graph (the same rule, ONNX operator names)', () => {
  /** x [1,64] -> Relu a -> Sigmoid b (a dies) ; Tanh(x) c ; Concat(b, c, axis 1) d [1,128] -> Add(d, d) out. */
  const bytes = model({
    nodes: [
      node('Relu', ['x'], ['a']),
      node('Sigmoid', ['a'], ['b']),
      node('Tanh', ['x'], ['c']),
      node('Concat', ['b', 'c'], ['d'], [int('axis', 1)]),
      node('Add', ['d', 'd'], ['out']),
    ],
    inputs: [vi('x', [1, 64])],
    outputs: [vi('out', [1, 128])],
  });
  const aliases = (kinds: ('elementwise' | 'concat')[]): Record<string, [string, number]> => {
    const sg = importOnnx(bytes, 'mix.onnx', { inplace: kinds }).subgraphs[0]!;
    const name = (id: string): string => sg.tensors!.find((t) => String(t.index) === id)!.name;
    const out: Record<string, [string, number]> = {};
    for (const b of sg.problem.buffers) if (b.aliasOf !== undefined) out[name(b.id)] = [name(b.aliasOf), b.aliasOffset ?? 0];
    return out;
  };

  it('elementwise, concat and both, as for TFLite', () => {
    expect(aliases(['elementwise'])).toEqual({ b: ['a', 0], out: ['d', 0] });
    expect(aliases(['concat'])).toEqual({ b: ['d', 0], c: ['d', 256] });
    expect(aliases(['elementwise', 'concat'])).toEqual({ a: ['d', 0], b: ['a', 0], c: ['d', 256], out: ['d', 0] });
    const sg = importOnnx(bytes, 'mix.onnx', { inplace: ['elementwise', 'concat'] }).subgraphs[0]!;
    const res = solve(sg.problem);
    expect(verifyPlan(sg.problem, res.offsets, res.peak).valid).toBe(true);
    // x (256) + the one block (512) at the Tanh step.
    expect(res.peak).toBe(768);
  });
});
