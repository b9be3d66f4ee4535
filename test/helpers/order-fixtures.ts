import { model, node, vi, weights } from './onnx-builder.js';
import { buildTflite, OP, type ModelSpec } from './tflite-builder.js';
import type { ModelImportOptions } from '../../src/import/model.js';
import { importTflite } from '../../src/import/tflite/index.js';
import { subgraphOpGraph } from '../../src/order/from-graph.js';
import type { OpGraph } from '../../src/order/graph.js';

/**
 * Two branches from input x (16 B): A1: x -> a1 (64 B) -> A2: a2 (8 B); B1: x -> b1 (64 B) -> B2: b2 (8 B);
 * ADD(a2, b2) -> out (8 B). Stored order A1, B1, A2, B2, ADD (operators 0..4), by hand (all INT8):
 *   A1: x + a1 = 80;  B1: x + a1 + b1 = 144 (x dies here);  A2: a1 + b1 + a2 = 136;  B2: b1 + a2 + b2 = 80;  ADD: 24.
 * Live bound 144. The best order finishes one branch first, A1, A2, B1, B2, ADD (= [0, 2, 1, 3, 4]):
 *   80, x + a1 + a2 = 88, x + a2 + b1 = 88, a2 + b1 + b2 = 80, 24: live bound 88. No order does better:
 * at the second of A1 / B1, x, that operator's 64 B output and the other branch's (at least 8 B) are live.
 * `custom` makes the four branch operators custom ones, which keep their stored relative order.
 */
export function branches(custom = false): ModelSpec {
  const op = (code: number): number | string => (custom ? `Custom${code}` : code);
  return {
    subgraphs: [
      {
        name: 'branches',
        tensors: [
          { name: 'x', shape: [16] },
          { name: 'a1', shape: [64] },
          { name: 'b1', shape: [64] },
          { name: 'a2', shape: [8] },
          { name: 'b2', shape: [8] },
          { name: 'out', shape: [8] },
        ],
        inputs: [0],
        outputs: [5],
        operators: [
          { op: op(OP.CONV_2D), inputs: [0], outputs: [1] },
          { op: op(OP.CONV_2D), inputs: [0], outputs: [2] },
          { op: op(OP.RELU), inputs: [1], outputs: [3] },
          { op: op(OP.RELU), inputs: [2], outputs: [4] },
          { op: OP.ADD, inputs: [3, 4], outputs: [5] },
        ],
      },
    ],
  };
}

/**
 * The same branches in ONNX (FLOAT): x [1,4] 16 B; A1 = MatMul(x, [4,16]) 64 B, A2 = MatMul(a1, [16,2])
 * 8 B, the same for B; Add(a2, b2) 8 B. Nodes A1, B1, A2, B2, Add (0..4): live bound 144 B stored,
 * 88 B in the best order [0, 2, 1, 3, 4], as above.
 */
export function branchesOnnx(): Uint8Array {
  return model({
    nodes: [
      node('MatMul', ['x', 'wa1'], ['a1']),
      node('MatMul', ['x', 'wb1'], ['b1']),
      node('MatMul', ['a1', 'wa2'], ['a2']),
      node('MatMul', ['b1', 'wb2'], ['b2']),
      node('Add', ['a2', 'b2'], ['out']),
    ],
    inputs: [vi('x', [1, 4])],
    outputs: [vi('out', [1, 2])],
    initializers: [weights('wa1', [4, 16]), weights('wb1', [4, 16]), weights('wa2', [16, 2]), weights('wb2', [16, 2])],
  });
}

/** Subgraph 0 of a built model as the order search sees it (views shared, as the importer's default). */
export function opGraphOf(spec: ModelSpec, options: ModelImportOptions = {}): OpGraph {
  const bytes = buildTflite(spec);
  return subgraphOpGraph(importTflite(bytes, 'g.tflite', options).subgraphs[0]!, true).graph;
}
