import { describe, expect, it } from 'vitest';
import { modelArena, subgraphBases, tensorOffsets } from '../../src/export/tensor-offsets.js';
import { importTflite } from '../../src/import/tflite/index.js';
import { TFLM_ALIGNMENT, tflmAligned } from '../../src/runtime/tflm/allocation.js';
import { tflmGraph } from '../../src/runtime/tflm/graph.js';
import { calledSubgraphBases, crossSubgraphConflicts } from '../../src/runtime/tflm/subgraph-layout.js';
import { solveVerified } from '../helpers/plan.js';
import { buildTflite, FIXTURES, OP, T, type ModelSpec, type SubgraphSpec } from '../helpers/tflite-builder.js';

function planned(spec: ModelSpec, name: string) {
  const bytes = buildTflite(spec);
  const model = importTflite(bytes, name);
  const plans = model.subgraphs.map((sg) => solveVerified(sg.problem, { method: 'heuristic' }));
  return { bytes, model, plans, graph: tflmGraph(model) };
}

/** The top (offset + size rounded to 16) of the buffers of subgraph 0's plan live at `step`. */
function liveTop(p: ReturnType<typeof planned>, step: number): number {
  return p.model.subgraphs[0]!.problem.buffers.reduce((top, b, i) => (b.start <= step && step < b.end ? Math.max(top, p.plans[0]!.offsets[i]! + tflmAligned(b.size)) : top), 0);
}

/** A subgraph of one RELU on FLOAT32 [1, 8]. */
const relu = (name: string): SubgraphSpec => ({
  name,
  tensors: [
    { shape: [1, 8], type: T.FLOAT32 },
    { shape: [1, 8], type: T.FLOAT32 },
  ],
  inputs: [0],
  outputs: [1],
  operators: [{ op: OP.RELU, inputs: [0], outputs: [1] }],
});

describe('subgraph layout (TFLM lifetimes across subgraphs)', () => {
  it('WHILE: cond and body share one base, right above what main has live at the WHILE', () => {
    const p = planned(FIXTURES.whileLoop(), 'w.tflite');
    const bases = calledSubgraphBases(p.model, p.plans)!;
    expect(bases[1]).toBe(bases[2]);
    expect(bases[1]).toBe(tflmAligned(liveTop(p, 0)));
    expect(bases).toEqual([0, 96, 96]);
    // Stacked, the body would start after main's and cond's peaks.
    expect(subgraphBases(p.plans)[2]).toBeGreaterThan(bases[2]!);
    expect(crossSubgraphConflicts(p.graph, tensorOffsets(p.model, p.plans))).toEqual([]);
  });

  it("IF run once: the branches go above what is live at the IF, below the caller's later peak", () => {
    const p = planned(FIXTURES.ifBranch(), 'if.tflite');
    const { bases, size, layout } = modelArena(p.model, p.plans);
    expect(layout).toBe('by calls');
    expect(bases[1]).toBe(tflmAligned(liveTop(p, 1)));
    expect(bases[2]).toBe(bases[1]);
    expect(bases[1]! + p.plans[1]!.peak).toBeLessThanOrEqual(p.plans[0]!.peak);
    expect(size).toBe(p.plans[0]!.peak);
    expect(crossSubgraphConflicts(p.graph, tensorOffsets(p.model, p.plans))).toEqual([]);
  });

  it('branches run by two IFs live, for TFLM, from their first run to their last: stacked above everything', () => {
    const p = planned(FIXTURES.ifTwice(), 'twice.tflite');
    const bases = calledSubgraphBases(p.model, p.plans)!;
    expect(bases[1]).toBe(tflmAligned(p.plans[0]!.peak));
    expect(bases[2]).toBe(tflmAligned(bases[1]! + p.plans[1]!.peak));
    expect(crossSubgraphConflicts(p.graph, tensorOffsets(p.model, p.plans))).toEqual([]);
    // Sharing one base as the branches of one IF run once do would overlap them: for TFLM the then
    // branch (first run at the first IF, last at the second) and the else branch live at once.
    const offsets = tensorOffsets(p.model, p.plans);
    const shared = offsets.map((o, s) => (s === 2 ? o.map((x) => (x >= 0 ? x - bases[2]! + bases[1]! : x)) : o));
    expect(crossSubgraphConflicts(p.graph, shared).join('\n')).toMatch(/subgraph 1 tensor \d+ .* and subgraph 2 tensor \d+/);
  });

  it('a subgraph no operator runs is stacked above the others; without calls every subgraph is stacked', () => {
    const spec = FIXTURES.whileLoop();
    spec.subgraphs.push(relu('orphan'));
    const p = planned(spec, 'orphan.tflite');
    const bases = calledSubgraphBases(p.model, p.plans)!;
    expect(bases.slice(0, 3)).toEqual([0, 96, 96]);
    expect(bases[3]).toBe(tflmAligned(Math.max(...p.plans.slice(0, 3).map((x, s) => bases[s]! + x.peak))));
    const flat = planned({ subgraphs: [relu('main'), relu('other')] }, 'flat.tflite');
    expect(calledSubgraphBases(flat.model, flat.plans)).toBeUndefined();
    expect(modelArena(flat.model, flat.plans)).toEqual({ bases: subgraphBases(flat.plans), size: subgraphBases(flat.plans)[1]! + flat.plans[1]!.peak, layout: 'stacked' });
  });

  it('the checker names tensors of two subgraphs that share bytes while TFLM keeps both live', () => {
    const p = planned(FIXTURES.whileLoop(), 'w.tflite');
    const offsets = tensorOffsets(p.model, p.plans).map((o, s) => (s === 2 ? o.map((x) => (x >= 0 ? x % TFLM_ALIGNMENT : x)) : o));
    const conflicts = crossSubgraphConflicts(p.graph, offsets);
    expect(conflicts.length).toBeGreaterThan(0);
    expect(conflicts[0]).toMatch(/subgraph 0 tensor \d+ .* and subgraph 2 tensor \d+ .* live at scope \d+/);
  });
});
