import { describe, expect, it } from 'vitest';
import { importTflite } from '../../../src/import/tflite/index.js';
import { InputError } from '../../../src/problem/errors.js';
import { buildTflite, FIXTURES, OP, type ModelSpec } from '../../helpers/tflite-builder.js';

/** in -RELU-> r; RESHAPE(r) -> y; RELU(r) -> z; ADD(y, z) -> out; all 32 B. */
const reshapeBranch = (): ModelSpec => ({
  subgraphs: [
    {
      tensors: [
        { name: 'in', shape: [32] },
        { name: 'r', shape: [32] },
        { name: 'y', shape: [1, 32] },
        { name: 'z', shape: [32] },
        { name: 'out', shape: [32] },
      ],
      inputs: [0],
      outputs: [4],
      operators: [
        { op: OP.RELU, inputs: [0], outputs: [1] },
        { op: OP.RESHAPE, inputs: [1], outputs: [2] },
        { op: OP.RELU, inputs: [1], outputs: [3] },
        { op: OP.ADD, inputs: [2, 3], outputs: [4] },
      ],
    },
  ],
});

describe('importTflite with an operator order', () => {
  it('the stored order given explicitly changes nothing but records the order', () => {
    const bytes = buildTflite(FIXTURES.reshape());
    const plain = importTflite(bytes, 'r.tflite').subgraphs[0]!;
    const ordered = importTflite(bytes, 'r.tflite', { orders: [[0, 1, 2, 3]] }).subgraphs[0]!;
    expect(ordered.order).toEqual([0, 1, 2, 3]);
    expect(plain.order).toBeUndefined();
    expect({ ...ordered, order: undefined }).toEqual({ ...plain, order: undefined });
  });

  it('live ranges follow the order; a RESHAPE shares its input only where it is the last reader', () => {
    const bytes = buildTflite(reshapeBranch());
    const stored = importTflite(bytes, 'b.tflite', { align: 1 }).subgraphs[0]!;
    expect(stored.tensorsOf).toEqual([[0], [1], [2], [3], [4]]);
    const moved = importTflite(bytes, 'b.tflite', { align: 1, orders: [[0, 2, 1, 3]] }).subgraphs[0]!;
    expect(moved.tensorsOf).toEqual([[0], [1, 2], [3], [4]]);
    // r: from step 0 (RELU) to after step 2 (RESHAPE, now its last reader); z from step 1.
    expect(moved.tensors![1]).toMatchObject({ start: 0, end: 3 });
    expect(moved.tensors![3]).toMatchObject({ start: 1, end: 4 });
    expect(moved.problem.buffers.find((b) => b.id === '1')).toEqual({ id: '1', size: 32, start: 0, end: 4 });
  });

  it('an order that is no permutation, or that reads before the producer runs, is an InputError', () => {
    const bytes = buildTflite(reshapeBranch());
    expect(() => importTflite(bytes, 'b.tflite', { orders: [[0, 1, 1, 3]] })).toThrow(InputError);
    expect(() => importTflite(bytes, 'b.tflite', { orders: [[0, 1, 2]] })).toThrow(/b\.tflite: subgraph 0: the operator order must list each of its 4 operators exactly once/);
    expect(() => importTflite(bytes, 'b.tflite', { orders: [[1, 0, 2, 3]] })).toThrow(
      /tensor 1 "r": read by operator 1 before its producer, operator 0, runs \(the operator order is not an execution order/,
    );
  });

  it('orders for some subgraphs only: the others keep the stored order', () => {
    const bytes = buildTflite(FIXTURES.twoSubgraphs());
    const m = importTflite(bytes, 't.tflite', { orders: [undefined, [0, 1]] });
    expect(m.subgraphs[0]!.order).toBeUndefined();
    expect(m.subgraphs[1]!.order).toEqual([0, 1]);
  });
});
