import { describe, expect, it } from 'vitest';
import type { ImportedModel } from '../../src/import/model.js';
import { importOnnx } from '../../src/import/onnx/index.js';
import { importTflite } from '../../src/import/tflite/index.js';
import { subgraphOpGraph } from '../../src/order/from-graph.js';
import { model, node, tensor, vi, weights, INT64 } from '../helpers/onnx-builder.js';
import { buildTflite, floats, int32s, OP, T } from '../helpers/tflite-builder.js';

/**
 * One tiny network in both formats (FLOAT32): x [1,4] 16 B; A1 = x @ wa1 -> a1 [1,16] 64 B;
 * B1 = x @ wb1 -> b1 [1,16] 64 B; R = Reshape(a1, [1,16]) -> r 64 B (a view: a1 dies there);
 * A2 = r @ wa2 -> a2 [1,2] 8 B; B2 = b1 @ wb2 -> b2 8 B; ADD(a2, b2) -> out 8 B. Operators 0..5 in
 * that order. The TFLite tensors are numbered as the ONNX importer numbers them (inputs,
 * initializers, then node outputs), so even the indices agree.
 */
const NAMES = ['x', 'wa1', 'wb1', 's', 'wa2', 'wb2', 'a1', 'b1', 'r', 'a2', 'b2', 'out'];
/** Shapes by tensor name; the constants (weights, the Reshape's shape) are wa1..wb2 and s. */
const SHAPES: Record<string, number[]> = { x: [1, 4], wa1: [4, 16], wb1: [4, 16], s: [2], wa2: [16, 2], wb2: [16, 2], a1: [1, 16], b1: [1, 16], r: [1, 16], a2: [1, 2], b2: [1, 2], out: [1, 2] };
const CONSTANTS = ['wa1', 'wb1', 's', 'wa2', 'wb2'];
/** The operators: ONNX op_type, TFLite builtin, inputs, output. */
const OPERATORS: [string, number, string[], string][] = [
  ['MatMul', OP.FULLY_CONNECTED, ['x', 'wa1'], 'a1'],
  ['MatMul', OP.FULLY_CONNECTED, ['x', 'wb1'], 'b1'],
  ['Reshape', OP.RESHAPE, ['a1', 's'], 'r'],
  ['MatMul', OP.FULLY_CONNECTED, ['r', 'wa2'], 'a2'],
  ['MatMul', OP.FULLY_CONNECTED, ['b1', 'wb2'], 'b2'],
  ['Add', OP.ADD, ['a2', 'b2'], 'out'],
];

function tflite(): Uint8Array {
  const at = (name: string): number => NAMES.indexOf(name);
  const data = (name: string): Uint8Array => (name === 's' ? int32s([1, 16]) : floats(new Array<number>(SHAPES[name]![0]! * SHAPES[name]![1]!).fill(0.5)));
  return buildTflite({
    subgraphs: [
      {
        tensors: NAMES.map((name) => ({ name, shape: SHAPES[name]!, type: name === 's' ? T.INT32 : T.FLOAT32, ...(CONSTANTS.includes(name) ? { data: data(name) } : {}) })),
        inputs: [at('x')],
        outputs: [at('out')],
        operators: OPERATORS.map(([, op, inputs, output]) => ({ op, inputs: inputs.map(at), outputs: [at(output)] })),
      },
    ],
  });
}

function onnx(): Uint8Array {
  return model({
    nodes: OPERATORS.map(([type, , inputs, output]) => node(type, inputs, [output])),
    inputs: [vi('x', SHAPES.x!)],
    outputs: [vi('out', SHAPES.out!)],
    initializers: CONSTANTS.map((name) => (name === 's' ? tensor('s', [2], [1, 16], INT64) : weights(name, SHAPES[name]!))),
  });
}

/** What planning takes from a subgraph, by tensor name: kinds, bytes and live ranges; the buffers. */
function facts(m: ImportedModel) {
  const sg = m.subgraphs[0]!;
  const name = (t: number): string => sg.tensors!.find((x) => x.index === t)!.name;
  return {
    tensors: sg.tensors!.filter((t) => t.kind !== 'constant').map((t) => ({ name: t.name, kind: t.kind, bytes: t.bytes, start: t.start, end: t.end })),
    buffers: sg.problem.buffers.map((b, i) => ({ tensors: sg.tensorsOf[i]!.map(name), size: b.size, start: b.start, end: b.end, align: b.align })),
  };
}

describe('one model graph from either format', () => {
  it('the fixture numbers its tensors alike in both formats', () => {
    expect(importTflite(tflite(), 'n.tflite').subgraphs[0]!.tensors!.map((t) => t.name)).toEqual(NAMES);
    expect(importOnnx(onnx(), 'n.onnx').subgraphs[0]!.tensors!.map((t) => t.name)).toEqual(NAMES);
  });

  it('the stored order: the same live ranges and buffers (checked by hand), views shared or not', () => {
    for (const shareReshapes of [true, false]) {
      const a = facts(importTflite(tflite(), 'n.tflite', { shareReshapes }));
      expect(facts(importOnnx(onnx(), 'n.onnx', { shareReshapes }))).toEqual(a);
      const range = Object.fromEntries(a.tensors.map((t) => [t.name, [t.start, t.end]]));
      expect(range).toEqual({ x: [0, 2], a1: [0, 3], b1: [1, 5], r: [2, 4], a2: [3, 6], b2: [4, 6], out: [5, 6] });
      // r takes a1's memory when views are shared: one buffer, live from a1's producer to r's last reader.
      expect(a.buffers.find((b) => b.tensors.includes('r'))).toEqual(
        shareReshapes ? { tensors: ['a1', 'r'], size: 64, start: 0, end: 4, align: 16 } : { tensors: ['r'], size: 64, start: 2, end: 4, align: 16 },
      );
    }
  });

  it('in other operator orders too (the live ranges follow the order, whatever the format)', () => {
    for (const order of [
      [0, 2, 3, 1, 4, 5],
      [1, 4, 0, 2, 3, 5],
    ]) {
      const a = facts(importTflite(tflite(), 'n.tflite', { orders: [order] }));
      expect(facts(importOnnx(onnx(), 'n.onnx', { orders: [order] }))).toEqual(a);
      expect(a.tensors.find((t) => t.name === 'b1')).toMatchObject(order[0] === 0 ? { start: 3, end: 5 } : { start: 0, end: 2 });
    }
  });

  it('the operator graph for --reorder is the same graph', () => {
    const fromTflite = subgraphOpGraph(importTflite(tflite(), 'n.tflite').subgraphs[0]!, true);
    const fromOnnx = subgraphOpGraph(importOnnx(onnx(), 'n.onnx').subgraphs[0]!, true);
    expect(fromOnnx).toEqual(fromTflite);
    expect(fromTflite.graph.shares).toEqual([{ op: 2, from: 1, to: 3 }]);
    expect(fromTflite.graph.preds).toEqual([[], [], [0], [2], [1], [3, 4]]);
  });
});
