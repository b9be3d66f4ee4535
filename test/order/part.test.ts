import { describe, expect, it } from 'vitest';
import type { OpGraph } from '../../src/order/graph.js';
import { orderBound, partPeak, partSteps } from '../../src/order/memory.js';
import { buildPart } from '../../src/order/part.js';

/**
 * By hand: op 0 makes r (32 B) from the graph input i (16 B); op 1 reads r and makes z (32 B, a graph
 * output); op 2, a RESHAPE, reads r and makes y (32 B), sharing r's memory when it is r's last reader;
 * op 3 reads y and makes w (8 B, a graph output). Steps in stored order:
 *   op 0: i + r = 48;  op 1: r + z = 64;  op 2: r + z + y - 32 (shared) = 64;  op 3: z + y + w = 72.
 */
const graph: OpGraph = {
  opCount: 4,
  tensors: [
    { size: 16, creators: [], users: [0], readers: [0], fromStart: true, toEnd: false },
    { size: 32, creators: [0], users: [0, 1, 2], readers: [1, 2], fromStart: false, toEnd: false },
    { size: 32, creators: [1], users: [1], readers: [], fromStart: false, toEnd: true },
    { size: 32, creators: [2], users: [2, 3], readers: [3], fromStart: false, toEnd: false },
    { size: 8, creators: [3], users: [3], readers: [], fromStart: false, toEnd: true },
  ],
  base: 0,
  firstStep: 0,
  preds: [[], [0], [0], [2]],
  shares: [{ op: 2, from: 1, to: 3 }],
  pinned: [],
};

describe('parts and the bytes of their steps', () => {
  it('the whole graph, by hand', () => {
    expect(orderBound(graph, [0, 1, 2, 3])).toBe(72);
    // RESHAPE before op 1: not r's last reader, no sharing: r + y = 64 at op 2, r + y + z = 96 at op 1.
    expect(orderBound(graph, [0, 2, 1, 3])).toBe(96);
  });

  it('a part after ops 0 and 1: the reader that ran before the part does not stop the sharing', () => {
    const before = new Uint8Array([1, 1, 0, 0]);
    const part = buildPart(graph, [2, 3], before, false);
    expect(part.start).toBe(64); // r and z
    expect(partSteps(part, [0, 1])).toEqual([64, 72]);
    expect(partPeak(part, [0, 1])).toBe(72);
  });

  it('a part that begins the run holds the inputs nothing reads at its first step only', () => {
    const g: OpGraph = { ...graph, firstStep: 100 };
    const part = buildPart(g, [0, 1, 2, 3], new Uint8Array(4), true);
    expect(partSteps(part, [0, 1, 2, 3])).toEqual([148, 64, 64, 72]);
  });
});
