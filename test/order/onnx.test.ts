import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeOnnx, importOnnx, inferShapes, onnxModelFrom, type GraphShapes, type OnnxImportOptions } from '../../src/import/onnx/index.js';
import { reorderOnnx, type ReorderedModel } from '../../src/order/model.js';
import { liveBound } from '../../src/problem/bounds.js';
import { InputError } from '../../src/problem/errors.js';
import { verifyPlan } from '../../src/problem/verify.js';
import { solve } from '../../src/solve/solve.js';
import { branchesOnnx as branches } from '../helpers/order-fixtures.js';
import { randomOnnx } from '../helpers/random-onnx.js';
import { sharedDir } from '../helpers/shared.js';

const onnxDir = sharedDir('models/onnx');

/** The main graph of `shapes` imported (default options: align 16, no weights, views shared) in `order`. */
const inOrder = (shapes: GraphShapes, order: readonly number[]) => onnxModelFrom(shapes, 'r.onnx', { orders: [order] }).subgraphs[0]!;

/** Independent of src/order: the node orders in which every node runs after the producers of what it reads. */
function validOrders(shapes: GraphShapes): number[][] {
  const nodes = shapes.graph.nodes;
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => n.outputs.forEach((o) => producer.set(o, i)));
  const out: number[][] = [];
  const prefix: number[] = [];
  const visit = (): void => {
    if (prefix.length === nodes.length) {
      out.push([...prefix]);
      return;
    }
    nodes.forEach((n, i) => {
      if (prefix.includes(i)) return;
      if (!n.inputs.every((x) => producer.get(x) === undefined || prefix.includes(producer.get(x)!))) return;
      prefix.push(i);
      visit();
      prefix.pop();
    });
  };
  visit();
  return out;
}

describe('reordering ONNX graphs', () => {
  it('the branches: 144 B -> 88 B, proven; the importer agrees, and the plan verifies', () => {
    const bytes = branches();
    const r = reorderOnnx(bytes, 'b.onnx', { align: 1 });
    const res = r.results[0]!;
    expect([res.storedBound, res.bound, res.floor]).toEqual([144, 88, 80]);
    expect(res.optimal).toBe(true);
    expect([[0, 2, 1, 3, 4], [1, 3, 0, 2, 4]]).toContainEqual(res.order);
    const sg = r.reordered.subgraphs[0]!;
    expect(sg.order).toEqual(res.order);
    expect(liveBound(sg.problem)).toBe(88);
    const plan = solve(sg.problem, { method: 'auto', timeLimitMs: 500 });
    expect(verifyPlan(sg.problem, plan.offsets, plan.peak).valid).toBe(true);
    expect(plan.peak).toBe(88);
    // Tensor indices (buffer ids) are those of the stored order.
    expect(sg.problem.buffers.map((b) => b.id)).toEqual(r.stored.subgraphs[0]!.problem.buffers.map((b) => b.id));
  });

  it('equals brute force over every valid node order on random graphs of at most 7 nodes', () => {
    let improved = 0;
    fc.assert(
      fc.property(randomOnnx(2, 7), (bytes) => {
        const shapes = inferShapes(decodeOnnx(bytes, 'r.onnx'));
        const best = Math.min(...validOrders(shapes).map((o) => liveBound(inOrder(shapes, o).problem)));
        const r = reorderOnnx(bytes, 'r.onnx').results[0]!;
        expect(r.bound).toBe(best);
        expect(r.optimal).toBe(true);
        expect(validOrders(shapes)).toContainEqual(r.order);
        if (best < r.storedBound) improved++;
      }),
      { numRuns: 80, seed: 11 },
    );
    expect(improved).toBeGreaterThan(3);
  });

  it('a node order that is no permutation, or reads before the producer, is an InputError', () => {
    const bytes = branches();
    expect(() => importOnnx(bytes, 'b.onnx', { orders: [[0, 1, 2, 3]] })).toThrow(/b\.onnx: subgraph 0: the node order must list each of its 5 nodes exactly once/);
    expect(() => importOnnx(bytes, 'b.onnx', { orders: [[2, 0, 1, 3, 4]] })).toThrow(/node \(MatMul, #2\): reads "a1" before node \(MatMul, #0\) produces it/);
    expect(() => importOnnx(bytes, 'b.onnx', { orders: [[2, 0, 1, 3, 4]] })).toThrow(InputError);
  });

  it.skipIf(onnxDir === undefined)('never raises the live bound on the models of ../shared/models/onnx', () => {
    const dir = onnxDir!;
    const options: Record<string, OnnxImportOptions> = {
      'onnxjs_super_resolution_10.onnx': { batch: 1 },
      'onnxjs_teams_msra_190729.onnx': { inputShapes: { bgrm: [1, 4, 256, 256] } },
      'npm_silero_vad_legacy.onnx': { inputShapes: { input: [1, 512], h: [2, 1, 64], c: [2, 1, 64] } },
      'npm_silero_vad_v5.onnx': { inputShapes: { input: [1, 576], state: [2, 1, 128] } },
    };
    let done = 0;
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.onnx')).sort()) {
      const bytes = new Uint8Array(readFileSync(join(dir, f)));
      let r: ReorderedModel;
      try {
        r = reorderOnnx(bytes, f, options[f] ?? {});
      } catch (e) {
        if (e instanceof InputError) continue; // what the importer cannot plan (onnx-corpus.test.ts names it)
        throw e;
      }
      r.results.forEach((res, s) => {
        expect(res.bound, `${f} ${s}`).toBeLessThanOrEqual(res.storedBound);
        const p = r.reordered.subgraphs[s]!.problem;
        const plan = solve(p, { method: 'greedy-size' });
        expect(verifyPlan(p, plan.offsets, plan.peak).valid).toBe(true);
      });
      done++;
    }
    expect(done).toBeGreaterThan(20);
  });
});
