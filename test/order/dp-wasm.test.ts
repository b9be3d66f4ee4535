import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyPlan } from '../../src/problem/verify.js';
import { dpOrder, type DpOptions } from '../../src/order/dp.js';
import { dpOrderWasm, encodePart } from '../../src/order/dp-wasm.js';
import type { OpGraph, OrderTensor, ShareRule } from '../../src/order/graph.js';
import { partPeak, wholePart } from '../../src/order/memory.js';
import { buildPart, type Part } from '../../src/order/part.js';
import { reorderTflite } from '../../src/order/model.js';
import { reorder, type ReorderResult } from '../../src/order/reorder.js';
import { InputError } from '../../src/problem/errors.js';
import { Engine } from '../../src/solve/wasm/engine.js';
import { randomProblem } from '../helpers/problems.js';
import { randomGraph } from '../helpers/random-graph.js';
import { opGraphOf } from '../helpers/order-fixtures.js';
import { sharedDir } from '../helpers/shared.js';

const tfliteDir = sharedDir('models/tflite');

/** A random DAG as an OpGraph: each operator reads 1-3 recent tensors and makes one; some are reshapes (shares). */
function arbOpGraph(minOps: number, maxOps: number): fc.Arbitrary<OpGraph> {
  const op = fc.record({
    reads: fc.array(fc.nat({ max: 7 }), { minLength: 1, maxLength: 3 }),
    size: fc.integer({ min: 1, max: 4096 }),
    reshape: fc.boolean(),
  });
  return fc.record({ input: fc.integer({ min: 1, max: 4096 }), ops: fc.array(op, { minLength: minOps, maxLength: maxOps }), base: fc.nat({ max: 100 }) }).map(({ input, ops, base }) => {
    const tensors: OrderTensor[] = [{ size: input, creators: [], users: [], readers: [], fromStart: true, toEnd: false }];
    const preds: number[][] = [];
    const shares: ShareRule[] = [];
    ops.forEach((o, v) => {
      const reads = [...new Set(o.reads.map((r) => tensors.length - 1 - (r % tensors.length)))];
      const reshape = o.reshape && reads.length === 1;
      const out = tensors.length;
      tensors.push({ size: reshape ? tensors[reads[0]!]!.size : o.size, creators: [v], users: [v], readers: [], fromStart: false, toEnd: false });
      for (const t of reads) {
        tensors[t]!.users.push(v);
        tensors[t]!.readers.push(v);
      }
      if (reshape) shares.push({ op: v, from: reads[0]!, to: out });
      preds.push([...new Set(reads.flatMap((t) => tensors[t]!.creators))].sort((a, b) => a - b));
    });
    for (const t of tensors) if (t.readers.length === 0) t.toEnd = true;
    return { opCount: ops.length, tensors, base, firstStep: 0, preds, shares, pinned: [] };
  });
}

/** The parts a graph gives: the whole, and a slice of the stored order run after the operators before it. */
function partsOf(g: OpGraph, cut: number): Part[] {
  const a = cut % Math.max(1, g.opCount - 1);
  const ops = Array.from({ length: g.opCount - a }, (_, i) => a + i);
  const before = new Uint8Array(g.opCount);
  for (let v = 0; v < a; v++) before[v] = 1;
  return [wholePart(g), buildPart(g, ops, before, a === 0)];
}

function same(part: Part, options: DpOptions): boolean {
  const ts = dpOrder(part, options);
  const wasm = dpOrderWasm(part, options);
  expect(wasm).toEqual(ts);
  if (wasm.order !== undefined) expect(partPeak(part, wasm.order)).toBe(wasm.peak);
  return ts.complete;
}

const withoutTime = (r: ReorderResult): Omit<ReorderResult, 'timeMs'> => {
  const { timeMs: _, ...rest } = r;
  return rest;
};

describe('the dynamic program in WebAssembly equals the TypeScript one', () => {
  it('same order, peak, completeness and states on random DAGs, with and without an upper bound and a budget', () => {
    let gaveUp = 0;
    let finished = 0;
    let noOrder = 0;
    fc.assert(
      fc.property(arbOpGraph(2, 40), fc.nat(), fc.integer({ min: 1, max: 400 }), (g, cut, budget) => {
        for (const part of partsOf(g, cut)) {
          same(part, { maxStates: 1e6, upper: Infinity });
          const heuristic = partPeak(part, part.ops.map((_, i) => i));
          if (same(part, { maxStates: 200_000, upper: heuristic })) finished++;
          if (dpOrder(part, { maxStates: 200_000, upper: heuristic }).order === undefined) noOrder++;
          if (!same(part, { maxStates: budget, upper: Infinity })) gaveUp++;
        }
      }),
      { numRuns: 150, seed: 61 },
    );
    // Not vacuous: budgets run out, searches finish, and some find nothing below the bound.
    expect(gaveUp).toBeGreaterThan(20);
    expect(finished).toBeGreaterThan(20);
    expect(noOrder).toBeGreaterThan(5);
  });

  it('wide graphs where the search creates many states (and grows its tables)', () => {
    fc.assert(
      fc.property(arbOpGraph(40, 70), (g) => {
        const part = wholePart(g);
        same(part, { maxStates: 30_000, upper: Infinity });
      }),
      { numRuns: 8, seed: 62 },
    );
  });

  it('reorder gives the same result with either dynamic program on random models', () => {
    fc.assert(
      fc.property(randomGraph(2, 30), fc.integer({ min: 2, max: 50 }), (spec, budget) => {
        const g = opGraphOf(spec);
        for (const options of [{ noFloor: true }, { noFloor: true, maxStates: budget }, {}]) {
          expect(withoutTime(reorder(g, options))).toEqual(withoutTime(reorder(g, { ...options, tsDp: true })));
        }
      }),
      { numRuns: 60, seed: 63 },
    );
  });

  it.skipIf(tfliteDir === undefined)('reorder gives the same result with either dynamic program on every model of ../shared/models/tflite (no floor shortcut)', () => {
    const dir = tfliteDir!;
    let states = 0;
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.tflite')).sort()) {
      const bytes = new Uint8Array(readFileSync(join(dir, f)));
      let wasm;
      try {
        wasm = reorderTflite(bytes, f, { batch: 1 }, { noFloor: true });
      } catch (e) {
        if (e instanceof InputError) continue;
        throw e;
      }
      const ts = reorderTflite(bytes, f, { batch: 1 }, { noFloor: true, tsDp: true });
      expect(wasm.results.map(withoutTime), f).toEqual(ts.results.map(withoutTime));
      states += wasm.results.reduce((a, r) => a + r.states, 0);
    }
    // The dynamic program did real work, budget exhaustion included (one block of 257 operators).
    expect(states).toBeGreaterThan(200_000);
  });

  it('leaves a problem loaded for placement intact on the same engine', () => {
    const engine = new Engine();
    const problem = randomProblem(200, 5);
    engine.load(problem);
    const before = engine.run('greedySize');
    expect(verifyPlan(problem, before.offsets, before.peak).errors).toEqual([]);
    const part = wholePart(fc.sample(arbOpGraph(30, 30), { numRuns: 1, seed: 64 })[0]!);
    const dp = engine.orderDp({ ...encodePart(part), ops: part.ops.length, start: part.start, first: part.first, upper: Infinity, maxStates: 1e6 });
    expect(dp).toEqual(dpOrder(part, { maxStates: 1e6, upper: Infinity }));
    expect(engine.run('greedySize')).toEqual(before);
    const slots = engine.run('slotsGreedySize');
    expect(verifyPlan(problem, slots.offsets, slots.peak).errors).toEqual([]);
  });
});
