import { describe, expect, it } from 'vitest';
import { tensorOffsets } from '../../src/export/tensor-offsets.js';
import { writeOfflinePlan } from '../../src/export/tflm-offline-plan.js';
import { importTflite } from '../../src/import/tflite/index.js';
import { readTflite } from '../../src/import/tflite/reader.js';
import { reorderTflite } from '../../src/order/model.js';
import { liveBound } from '../../src/problem/bounds.js';
import { verifyPlan } from '../../src/problem/verify.js';
import { solve } from '../../src/solve/solve.js';
import { readOfflinePlan } from '../helpers/offline-plan.js';
import { orderFaults } from '../helpers/order-check.js';
import { branches } from '../helpers/order-fixtures.js';
import { buildTflite, FIXTURES } from '../helpers/tflite-builder.js';

describe('reordering a branchy graph', () => {
  it('finds the hand-computed best order (live bound 144 -> 88) and proves it', () => {
    const bytes = buildTflite(branches());
    const { stored, reordered, results } = reorderTflite(bytes, 'b.tflite', { align: 1 });
    const r = results[0]!;
    expect(liveBound(stored.subgraphs[0]!.problem)).toBe(144);
    expect(r.storedBound).toBe(144);
    expect(r.bound).toBe(88);
    expect(r.optimal).toBe(true);
    expect([[0, 2, 1, 3, 4], [1, 3, 0, 2, 4]]).toContainEqual(r.order);
    expect(r.moved).toBe(1);
    expect(reordered.subgraphs[0]!.order).toEqual(r.order);
    expect(liveBound(reordered.subgraphs[0]!.problem)).toBe(88);
    const plan = solve(reordered.subgraphs[0]!.problem, { method: 'auto', timeLimitMs: 500 });
    expect(verifyPlan(reordered.subgraphs[0]!.problem, plan.offsets, plan.peak).valid).toBe(true);
    expect(plan.peak).toBe(88);
  });

  it('custom operators keep their relative order: with all four branch operators custom, nothing moves', () => {
    const bytes = buildTflite(branches(true));
    const r = reorderTflite(bytes, 'c.tflite', { align: 1 }).results[0]!;
    expect(r.order).toEqual([0, 1, 2, 3, 4]);
    expect(r.bound).toBe(144);
    expect(orderFaults(readTflite(bytes, 'c.tflite'), 0, r.order)).toEqual([]);
  });

  it('a chain has one order: nothing moves, and the bound is the stored one', () => {
    const r = reorderTflite(buildTflite(FIXTURES.chain()), 'chain.tflite').results[0]!;
    expect(r.order).toEqual([0, 1, 2]);
    expect(r.bound).toBe(r.storedBound);
    expect(r.blocks).toBe(0);
  });
});

describe('--write-tflite with a new order', () => {
  it('the written model reads back with the operators in the new order, the same tensors and the plan', () => {
    const bytes = buildTflite(branches());
    const { reordered, results } = reorderTflite(bytes, 'b.tflite');
    const order = results[0]!.order;
    const sg = reordered.subgraphs[0]!;
    const plan = solve(sg.problem, { method: 'heuristic' });
    expect(verifyPlan(sg.problem, plan.offsets, plan.peak).valid).toBe(true);
    const offsets = tensorOffsets(reordered, [plan]);
    const out = writeOfflinePlan(bytes, 'b.tflite', offsets, [order]);

    const a = readTflite(bytes, 'b.tflite');
    const b = readTflite(out, 'out.tflite');
    const sa = a.subgraphs[0]!;
    const sb = b.subgraphs[0]!;
    expect(sb.operators).toEqual(order.map((op) => sa.operators[op]));
    expect(sb.operators).not.toEqual(sa.operators);
    expect(JSON.stringify(sb.tensors)).toBe(JSON.stringify(sa.tensors));
    expect([sb.inputs, sb.outputs, sb.name]).toEqual([sa.inputs, sa.outputs, sa.name]);
    expect(b.operatorCodes).toEqual(a.operatorCodes);
    expect(readOfflinePlan(b)).toEqual([0, 1, sa.tensors.length, ...offsets[0]!]);
    // Imported in its (new) stored order, the written model has the reordered problem and bound.
    const again = importTflite(out, 'out.tflite', { replaceOfflinePlan: true }).subgraphs[0]!; // the live ranges, not the plan written
    expect(again.problem).toEqual(sg.problem);
    expect(liveBound(again.problem)).toBe(88);
    expect(verifyPlan(again.problem, plan.offsets, plan.peak).valid).toBe(true);
  });

  it('only the reordered subgraph gets a new table; the other keeps its operators', () => {
    const spec = FIXTURES.twoSubgraphs();
    spec.subgraphs[0] = branches().subgraphs[0]!;
    const bytes = buildTflite(spec);
    const { reordered, results } = reorderTflite(bytes, 'two.tflite');
    expect(results[1]!.order).toEqual([0, 1]);
    const plans = reordered.subgraphs.map((sg) => solve(sg.problem, { method: 'greedy-size' }));
    const out = writeOfflinePlan(bytes, 'two.tflite', tensorOffsets(reordered, plans), results.map((r) => r.order));
    const a = readTflite(bytes, 'two.tflite');
    const b = readTflite(out, 'two.tflite');
    expect(b.subgraphs[1]).toEqual(a.subgraphs[1]);
    expect(b.subgraphs[0]!.operators).toEqual(results[0]!.order.map((op) => a.subgraphs[0]!.operators[op]));
  });
});
