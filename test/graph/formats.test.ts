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

function tflite(): Uint8Array {
  const w = (name: string, shape: number[]) => ({ name, shape, type: T.FLOAT32, data: floats(new Array<number>(shape[0]! * shape[1]!).fill(0.5)) });
  const act = (name: string, shape: number[]) => ({ name, shape, type: T.FLOAT32 });
  return buildTflite({
    subgraphs: [
      {
        tensors: [
          act('x', [1, 4]),
          w('wa1', [4, 16]),
          w('wb1', [4, 16]),
          { name: 's', shape: [2], type: T.INT32, data: int32s([1, 16]) },
          w('wa2', [16, 2]),
          w('wb2', [16, 2]),
          act('a1', [1, 16]),
          act('b1', [1, 16]),
          act('r', [1, 16]),
          act('a2', [1, 2]),
          act('b2', [1, 2]),
          act('out', [1, 2]),
        ],
        inputs: [0],
        outputs: [11],
        operators: [
          { op: OP.FULLY_CONNECTED, inputs: [0, 1], outputs: [6] },
          { op: OP.FULLY_CONNECTED, inputs: [0, 2], outputs: [7] },
          { op: OP.RESHAPE, inputs: [6, 3], outputs: [8] },
          { op: OP.FULLY_CONNECTED, inputs: [8, 4], outputs: [9] },
          { op: OP.FULLY_CONNECTED, inputs: [7, 5], outputs: [10] },
          { op: OP.ADD, inputs: [9, 10], outputs: [11] },
        ],
      },
    ],
  });
}

function onnx(): Uint8Array {
  return model({
    nodes: [
      node('MatMul', ['x', 'wa1'], ['a1']),
      node('MatMul', ['x', 'wb1'], ['b1']),
      node('Reshape', ['a1', 's'], ['r']),
      node('MatMul', ['r', 'wa2'], ['a2']),
      node('MatMul', ['b1', 'wb2'], ['b2']),
      node('Add', ['a2', 'b2'], ['out']),
    ],
    inputs: [vi('x', [1, 4])],
    outputs: [vi('out', [1, 2])],
    initializers: [weights('wa1', [4, 16]), weights('wb1', [4, 16]), tensor('s', [2], [1, 16], INT64), weights('wa2', [16, 2]), weights('wb2', [16, 2])],
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
