import { describe, expect, it } from 'vitest';
import { blocks, cutOperators } from '../../src/order/cuts.js';
import { operatorFloor, operatorFloors } from '../../src/order/floor.js';
import type { OpGraph } from '../../src/order/graph.js';
import { hoistable } from '../../src/order/hoist.js';
import { branches, opGraphOf } from '../helpers/order-fixtures.js';
import { FIXTURES, type ModelSpec } from '../helpers/tflite-builder.js';

const graphOf = (spec: ModelSpec): OpGraph => opGraphOf(spec, { align: 1 });

describe('cuts and blocks', () => {
  it('every operator of a chain is a cut', () => {
    const g = graphOf(FIXTURES.chain());
    expect(cutOperators(g)).toEqual([0, 1, 2]);
    expect(blocks(g)).toEqual([[0], [1], [2]]);
  });

  it('two branches: only the join is a cut; the branches form one block', () => {
    const g = graphOf(branches());
    expect(cutOperators(g)).toEqual([4]);
    expect(blocks(g)).toEqual([[0, 1, 2, 3], [4]]);
  });

  it('the graph of the branches: sizes, dependencies, whole-run bytes', () => {
    const g = graphOf(branches());
    expect(g.preds).toEqual([[], [], [0], [1], [2, 3]]);
    expect(g.tensors.map((t) => t.size)).toEqual([16, 64, 64, 8, 8, 8]);
    expect(g.tensors[0]).toMatchObject({ fromStart: true, toEnd: false, users: [0, 1] });
    expect(g.tensors[5]).toMatchObject({ fromStart: false, toEnd: true, creators: [4] });
    expect([g.base, g.firstStep, g.pinned]).toEqual([0, 0, []]);
    // The floor: B1 (or A1) holds x and its output, 80 B, in every order; the best order needs 88.
    expect(operatorFloor(g)).toBe(80);
    // Bytes held beside the tensors (a kernel's scratch) at one operator's step count there only.
    expect(operatorFloor(g, [0, 0, 0, 0, 100])).toBe(124);
    expect(operatorFloor(g, [0, 8])).toBe(88);
  });

  it('held: the tensors the dependencies keep live across an operator count at its step', () => {
    // x (16 B) -RELU-> a (32 B) -custom-> b (16 B); ADD(x, b) -> out (16 B): x waits for the ADD.
    const g = graphOf(FIXTURES.residual());
    expect(operatorFloors(g)).toEqual([48, 48, 48]);
    expect(operatorFloors(g, undefined, true)).toEqual([48, 64, 48]);
    expect(operatorFloor(g, undefined, true)).toBe(64);
    // The two branches: nothing is held across a branch's operator in every order (the other branch may run later).
    expect(operatorFloor(graphOf(branches()), undefined, true)).toBe(80);
  });

  it('a variable is not in the arena (TFLM keeps it in its tail) and pins the operators touching it', () => {
    const g = graphOf(FIXTURES.variable());
    expect(g.base).toBe(0);
    expect(g.pinned).toEqual([0]);
  });

  it('operators computing from weights alone into nothing planned are hoisted, and left out of the cuts', () => {
    // DENSIFY, DEQUANTIZE, DEQUANTIZE make prepared tensors, left out of the plan (--no-prepared); the two FULLY_CONNECTED read the input.
    const g = opGraphOf(FIXTURES.dequantize(), { align: 1, keepPrepared: false });
    expect([...hoistable(g)]).toEqual([1, 1, 1, 0, 0]);
    expect(cutOperators(g)).toEqual([4]);
    expect(cutOperators(g, hoistable(g))).toEqual([3, 4]);
    expect(blocks(g, hoistable(g))).toEqual([[3], [4]]);
    expect(g.base).toBe(0);
  });

  it('prepared tensors TFLM computes at every Invoke move with the order: their operators are not hoisted', () => {
    // The same operators, their outputs planned from their operator to their last reader (TFLM).
    const g = graphOf(FIXTURES.dequantize());
    expect([...hoistable(g)]).toEqual([0, 0, 0, 0, 0]);
    expect(g.base).toBe(0);
    // t5 (DENSIFY's output, 32 B) made by operator 0 and read by operator 1; t2 (64 B) made by 2, read by 3.
    expect(g.tensors.map((t) => [t.size, t.creators, t.readers])).toEqual(
      expect.arrayContaining([
        [32, [0], [1]],
        [64, [2], [3]],
        [64, [1], [4]],
      ]),
    );
  });

  it('a RESHAPE gives a share rule from its input to its output', () => {
    const g = graphOf(FIXTURES.reshape());
    expect(g.shares).toHaveLength(2);
    expect(g.shares.map((r) => r.op)).toEqual([1, 2]);
  });
});
