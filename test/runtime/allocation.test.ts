import { describe, expect, it } from 'vitest';
import { importTflite } from '../../src/import/tflite/index.js';
import { tflmGraph } from '../../src/runtime/tflm/graph.js';
import { tflmAllocation } from '../../src/runtime/tflm/allocation.js';
import { buildTflite, FIXTURES, OP, T, type SubgraphSpec } from '../helpers/tflite-builder.js';

const body = (name: string): SubgraphSpec => ({
  name,
  tensors: [{ shape: [4], type: T.FLOAT32 }, { shape: [4], type: T.FLOAT32 }],
  inputs: [0],
  outputs: [1],
  operators: [{ op: OP.RELU, inputs: [0], outputs: [1] }],
});

describe('tflmAllocation (micro_allocation_info.cc)', () => {
  it('control flow: a WHILE walks cond then body, one scope each, before its inputs are read; scratch spans them', () => {
    const model = tflmGraph(importTflite(
      buildTflite({
        subgraphs: [
          {
            tensors: [
              { shape: [4], type: T.FLOAT32 },
              { shape: [4], type: T.FLOAT32 },
              { shape: [4], type: T.FLOAT32 },
              { shape: [4], type: T.FLOAT32, data: new Uint8Array(16) },
              { shape: [8], type: T.FLOAT32, variable: true },
            ],
            inputs: [0],
            outputs: [2],
            operators: [
              { op: OP.ADD, inputs: [0, 3], outputs: [1] },
              { op: OP.WHILE, inputs: [1, 4], outputs: [2] },
            ],
          },
          body('cond'),
          body('body'),
        ],
      }),
      'w.tflite',
    ));
    const alloc = tflmAllocation(model, [{ subgraph: 0, operator: 1, bytes: 20 }], undefined, (s, i) => (s === 0 && i === 1 ? [1, 2] : []));
    const life = alloc.buffers.map((b, i) => [alloc.sources[i], b.size, b.first, b.last]);
    expect(life).toEqual([
      // subgraph 0: the constant (3) and the variable (4) are not planned
      [{ kind: 'tensor', subgraph: 0, tensor: 0 }, 16, 0, 1],
      [{ kind: 'tensor', subgraph: 0, tensor: 1 }, 16, 1, 6],
      [{ kind: 'tensor', subgraph: 0, tensor: 2 }, 16, 2, 6],
      [{ kind: 'tensor', subgraph: 1, tensor: 0 }, 16, 3, 4],
      [{ kind: 'tensor', subgraph: 1, tensor: 1 }, 16, 4, 4],
      [{ kind: 'tensor', subgraph: 2, tensor: 0 }, 16, 5, 6],
      [{ kind: 'tensor', subgraph: 2, tensor: 1 }, 16, 6, 6],
      [{ kind: 'scratch', request: 0 }, 32, 2, 6],
    ]);
  });

  it('a subgraph run from two operators lives from its first run to its last (first creation kept, every use moves the end)', () => {
    // main: RELU (scope 1), IF (2: then 3-5, else 6-8), ADD (9), IF (10: then 11-13, else 14-16; its inputs read at 16), RELU (17).
    const alloc = tflmAllocation(tflmGraph(importTflite(buildTflite(FIXTURES.ifTwice()), 'twice.tflite')), []);
    const life = (s: number, t: number): [number, number] => {
      const i = alloc.sources.findIndex((x) => x.kind === 'tensor' && x.subgraph === s && x.tensor === t);
      return [alloc.buffers[i]!.first, alloc.buffers[i]!.last];
    };
    expect([life(1, 0), life(1, 1), life(1, 2)]).toEqual([[3, 13], [4, 13], [5, 13]]);
    expect([life(2, 0), life(2, 1), life(2, 2)]).toEqual([[6, 15], [7, 16], [8, 16]]);
    expect([life(0, 0), life(0, 2), life(0, 6)]).toEqual([[0, 16], [1, 9], [17, 17]]);
  });

  it('a variable given an offline offset is planned in the head (as the runtime does); with -1 it is not', () => {
    const spec = body('main');
    spec.tensors.push({ shape: [8], type: T.FLOAT32, variable: true });
    spec.operators[0]!.inputs.push(2);
    const model = tflmGraph(importTflite(buildTflite({ subgraphs: [spec] }), 'v.tflite'));
    expect(tflmAllocation(model, [], (_s, t) => (t === 2 ? 128 : -1)).buffers).toContainEqual({ size: 32, first: -1, last: 1, offline: 128 });
    expect(tflmAllocation(model, [], () => -1).buffers).toHaveLength(2);
  });

  it('offline offsets are kept per tensor; -1 leaves a tensor to the planner', () => {
    const model = tflmGraph(importTflite(buildTflite({ subgraphs: [body('main')] }), 'm.tflite'));
    const alloc = tflmAllocation(model, [], (_s, t) => (t === 0 ? 64 : -1));
    expect(alloc.buffers).toEqual([
      { size: 16, first: 0, last: 1, offline: 64 },
      { size: 16, first: 1, last: 1 },
    ]);
  });
});
