import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importTflite, tfliteModelFrom } from '../../src/import/tflite/index.js';
import { readTflite } from '../../src/import/tflite/reader.js';
import { subgraphOpGraph } from '../../src/order/from-graph.js';
import { dpOrder } from '../../src/order/dp.js';
import { orderBound, wholePart } from '../../src/order/memory.js';
import { reorder } from '../../src/order/reorder.js';
import { liveBound } from '../../src/problem/bounds.js';
import { allValidOrders, orderFaults } from '../helpers/order-check.js';
import { randomGraph } from '../helpers/random-graph.js';
import { buildTflite } from '../helpers/tflite-builder.js';

/** Subgraph 0 of `model` imported (default options: align 16, no weights, prepared kept, views shared) in `order`. */
const inOrder = (model: ReturnType<typeof readTflite>, order: readonly number[]) => tfliteModelFrom(model, 'r.tflite', { orders: [order] }).subgraphs[0]!;

describe('reorder: the dynamic program against brute force', () => {
  it('finds the least live bound over every valid order on random graphs of at most 9 operators', () => {
    let improved = 0;
    fc.assert(
      fc.property(randomGraph(2, 9), (spec) => {
        const bytes = buildTflite(spec);
        const model = readTflite(bytes, 'r.tflite');
        const stored = importTflite(bytes, 'r.tflite').subgraphs[0]!;
        // Brute force through the importer itself: every valid order, its live ranges, their bound.
        const orders = allValidOrders(model, 0);
        const bounds = orders.map((o) => liveBound(inOrder(model, o).problem));
        const best = Math.min(...bounds);
        const g = subgraphOpGraph(stored, true).graph;
        // The dynamic program alone, on the whole graph as one part, with no upper bound to prune by.
        const dp = dpOrder(wholePart(g), { maxStates: 1e6, upper: Infinity });
        expect(dp.complete).toBe(true);
        expect(dp.peak).toBe(best);
        expect(orderFaults(model, 0, dp.order!)).toEqual([]);
        expect(orderBound(g, dp.order!)).toBe(best);
        // And the whole scheduler: cuts, heuristics, the dynamic program per block.
        const r = reorder(g);
        expect(orderFaults(model, 0, r.order)).toEqual([]);
        expect(r.bound).toBe(best);
        expect(liveBound(inOrder(model, r.order).problem)).toBe(best);
        expect(r.storedBound).toBe(liveBound(stored.problem));
        expect(r.optimal).toBe(true);
        expect(r.floor).toBeLessThanOrEqual(best);
        if (best < r.storedBound) improved++;
      }),
      { numRuns: 120, seed: 6 },
    );
    // The property is not vacuous: on some graphs another order is strictly better.
    expect(improved).toBeGreaterThan(5);
  });

  it('past its state budget the dynamic program gives up, and the order found is still valid and never worse', () => {
    let gaveUp = 0;
    fc.assert(
      fc.property(randomGraph(6, 30), (spec) => {
        const bytes = buildTflite(spec);
        const model = readTflite(bytes, 'r.tflite');
        const g = subgraphOpGraph(importTflite(bytes, 'r.tflite').subgraphs[0]!, true).graph;
        const tiny = reorder(g, { maxStates: 3, noFloor: true });
        expect(orderFaults(model, 0, tiny.order)).toEqual([]);
        expect(tiny.bound).toBeLessThanOrEqual(tiny.storedBound);
        expect(liveBound(inOrder(model, tiny.order).problem)).toBe(tiny.bound);
        if (tiny.exactBlocks < tiny.blocks) {
          gaveUp++;
          expect(tiny.optimal).toBe(tiny.bound <= tiny.floor);
        }
        const full = reorder(g);
        expect(full.bound).toBeLessThanOrEqual(tiny.bound);
      }),
      { numRuns: 60, seed: 8 },
    );
    expect(gaveUp).toBeGreaterThan(10);
  });

  it('the heuristics alone (no dynamic program) never do worse than the stored order', () => {
    fc.assert(
      fc.property(randomGraph(2, 9), (spec) => {
        const bytes = buildTflite(spec);
        const model = readTflite(bytes, 'r.tflite');
        const stored = importTflite(bytes, 'r.tflite').subgraphs[0]!;
        const r = reorder(subgraphOpGraph(stored, true).graph, { noDp: true });
        expect(orderFaults(model, 0, r.order)).toEqual([]);
        expect(r.bound).toBeLessThanOrEqual(r.storedBound);
        // Without the dynamic program only the floor proves anything.
        expect(r.optimal).toBe(r.bound <= r.floor);
        expect(r.bound).toBeGreaterThanOrEqual(r.floor);
      }),
      { numRuns: 60, seed: 7 },
    );
  });
});
