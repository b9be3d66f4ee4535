import { modelPlanToJson } from '../src/export/model-json.js';
import { describe, expect, it } from 'vitest';
import { importTflite } from '../src/import/tflite/index.js';
import { planModel, reservedBytes } from '../src/plan-model.js';
import { verifyPlan, verifySpilledPlan } from '../src/problem/verify.js';
import { modelArena, modelArenaSize } from '../src/export/tensor-offsets.js';
import { buildTflite, FIXTURES } from './helpers/tflite-builder.js';
import { Deadline } from '../src/solve/deadline.js';

describe('planModel', () => {
  it("keeps to the command's deadline: with none left, every subgraph's plan comes from the first heuristic, verified, with the phases left out named", () => {
    const model = importTflite(buildTflite(FIXTURES.twoSubgraphs()), 't.tflite', { align: 1 });
    // A TFLite model: the subgraphs spill within the capacity less TFLM's tail estimate.
    const { results } = planModel(model, { method: 'auto', deadline: new Deadline(0, () => 5) }, 1000 + reservedBytes(model));
    results.forEach((r, s) => {
      expect(r.notes ?? []).toContain('inorder left out: the time limit was reached');
      if (r.spill) {
        expect(verifySpilledPlan(model.subgraphs[s]!.problem, r.spill.memory, r.offsets, r.spill.capacity, { chipPeak: r.peak, ddrPeak: r.spill.ddrPeak }).errors).toEqual([]);
        expect(r.notes?.at(-1)).toMatch(/^spill: the time limit ended the search for the set to keep/);
      } else expect(verifyPlan(model.subgraphs[s]!.problem, r.offsets, r.peak).valid).toBe(true);
    });
    expect(results[0]!.status).toBe('spilled');
  });


  it('plans every subgraph under the capacity and gives the baselines, also for a single method', () => {
    const model = importTflite(buildTflite(FIXTURES.twoSubgraphs()), 't.tflite', { align: 1 });
    const { results, baselines } = planModel(model, { method: 'greedy-size' }, 1000, { spill: false });
    expect(results).toHaveLength(2);
    model.subgraphs.forEach((sg, s) => {
      expect(sg.problem.capacity).toBe(1000);
      expect(verifyPlan(sg.problem, results[s]!.offsets, results[s]!.peak).valid).toBe(true);
    });
    expect(results[0]!.fits).toBe(false);
    expect(results[1]!.fits).toBe(true);
    expect(baselines[0]).toEqual({ naive: 256 + 256 + 1024 + 10, before: expect.any(Number) });
    expect(baselines[0]!.before).toBeGreaterThanOrEqual(results[0]!.liveBound);
    expect(baselines[1]!.naive).toBe(48);
  });

  it('spills per subgraph: subgraph 0 within the capacity, each later one within what the earlier ones left', () => {
    const model = importTflite(buildTflite(FIXTURES.twoSubgraphs()), 't.tflite', { align: 1 });
    // A TFLite model: TFLM's tail estimate stays on chip beside the head, so the subgraphs share the capacity less it.
    const tail = reservedBytes(model);
    expect(tail).toBeGreaterThan(0);
    // Subgraph 0 needs 1280 B, subgraph 1 48 B: under 1300 B + tail, 0 fits, 1 has 20 B left after it (base 1280).
    const { results } = planModel(model, { method: 'auto' }, 1300 + tail);
    expect(results[0]!.spill).toBeUndefined();
    expect(results[0]!.peak).toBe(1280);
    const r1 = results[1]!;
    expect(r1.status).toBe('spilled');
    expect(r1.spill!.capacity).toBe(1300 - 1280);
    const v = verifySpilledPlan(model.subgraphs[1]!.problem, r1.spill!.memory, r1.offsets, r1.spill!.capacity, { chipPeak: r1.peak, ddrPeak: r1.spill!.ddrPeak });
    expect(v.errors).toEqual([]);
    expect(modelArenaSize(results)).toBeLessThanOrEqual(1300);
    // The JSON's top level is subgraph 0's plan, but its verdicts are the model's: spilled, and it fits.
    const json = modelPlanToJson(model, results, 1300 + tail);
    expect(json.subgraphs[0]!.status).not.toBe('spilled');
    expect(json.status).toBe('spilled');
    expect(json.fits).toBe(true);
    // So are its spill keys (issue #10): subgraph 1's spilled buffers, each naming its subgraph, their
    // bytes and traffic summed over the model; no subgraph's spill choice at the top (it is in subgraphs).
    const sg1 = model.subgraphs[1]!;
    const spilledIdx = r1.spill!.memory.flatMap((m, i) => (m === 'ddr' ? [i] : []));
    expect(spilledIdx.length).toBeGreaterThan(0);
    expect(json.spilled).toEqual(spilledIdx.map((i) => ({ subgraph: 1, id: sg1.problem.buffers[i]!.id, name: sg1.names[i]! })));
    expect(json.spilledBytes).toBe(r1.spill!.spilledBytes);
    expect(json.ddrTraffic).toBe(r1.spill!.ddrTraffic);
    expect(json).not.toHaveProperty('spill');
    expect(json.subgraphs[1]!.spill!.capacity).toBe(20);
    expect(json.subgraphs[0]!.spilled).toEqual([]);
    // Under 1000 B + tail subgraph 0 spills too; the stacked on-chip arena fits beside the tail.
    const tight = planModel(importTflite(buildTflite(FIXTURES.twoSubgraphs()), 't.tflite', { align: 1 }), {}, 1000 + tail).results;
    expect(tight[0]!.status).toBe('spilled');
    expect(tight[0]!.spill!.capacity).toBe(1000);
    expect(modelArenaSize(tight)).toBeLessThanOrEqual(1000);
  });

  it('a TFLite model spills when its plan fits the capacity but not beside TFLM\'s tail; when the tail alone fills it, nothing spills', () => {
    const fresh = () => importTflite(buildTflite(FIXTURES.twoSubgraphs()), 't.tflite', { align: 1 });
    const model = fresh();
    const tail = reservedBytes(model);
    // 1400 B holds subgraph 0's 1280 B and subgraph 1's 48 B, but not with the tail: both must share 1400 - tail.
    const { results } = planModel(model, { method: 'auto' }, 1400);
    expect(results[0]!.status).toBe('spilled');
    expect(results[0]!.spill!.capacity).toBe(1400 - tail);
    results.forEach((r, s) => {
      if (r.spill) expect(verifySpilledPlan(model.subgraphs[s]!.problem, r.spill.memory, r.offsets, r.spill.capacity, { chipPeak: r.peak, ddrPeak: r.spill.ddrPeak }).errors).toEqual([]);
      else expect(verifyPlan(model.subgraphs[s]!.problem, r.offsets, r.peak).valid).toBe(true);
    });
    expect(modelArenaSize(results)).toBeLessThanOrEqual(1400 - tail);
    // A capacity the tail alone fills: no spill can help, the plans stay whole (and do not fit).
    const whole = planModel(fresh(), { method: 'auto' }, tail).results;
    expect(whole.every((r) => r.spill === undefined)).toBe(true);
    expect(whole[0]!.fits).toBe(false);
  });

  it("nothing spills when the model's one arena (TFLM's lifetimes: a called subgraph right above its caller's live tensors) fits beside the tail, though the subgraphs stacked would not", () => {
    const fresh = () => importTflite(buildTflite(FIXTURES.ifWide()), 'if.tflite');
    const plain = fresh();
    const { results } = planModel(plain, { method: 'heuristic' });
    const laid = modelArena(plain, results);
    expect(laid.layout).toBe('by calls');
    expect(modelArenaSize(results)).toBeGreaterThan(laid.size);
    const model = fresh();
    const cap = laid.size + reservedBytes(model);
    const planned = planModel(model, { method: 'heuristic' }, cap).results;
    expect(planned.every((r) => r.spill === undefined)).toBe(true);
    expect(modelArena(model, planned).size).toBe(laid.size);
    // One byte less: the stacked spill phase runs, and every subgraph's plan verifies within its room.
    const tight = fresh();
    const spilled = planModel(tight, { method: 'heuristic' }, cap - 1).results;
    expect(spilled.some((r) => r.spill !== undefined)).toBe(true);
    spilled.forEach((r, s) => {
      if (r.spill) expect(verifySpilledPlan(tight.subgraphs[s]!.problem, r.spill.memory, r.offsets, r.spill.capacity, { chipPeak: r.peak, ddrPeak: r.spill.ddrPeak }).errors).toEqual([]);
      else expect(verifyPlan(tight.subgraphs[s]!.problem, r.offsets, r.peak).valid).toBe(true);
    });
    expect(modelArena(tight, spilled).size).toBeLessThanOrEqual(cap - 1 - reservedBytes(tight));
  });
});
