import { describe, expect, it } from 'vitest';
import { importTflite } from '../src/import/tflite/index.js';
import { planModel } from '../src/plan-model.js';
import { verifyPlan } from '../src/problem/verify.js';
import { buildTflite, FIXTURES } from './helpers/tflite-builder.js';

describe('planModel', () => {
  it('plans every subgraph under the capacity and gives the baselines, also for a single method', () => {
    const model = importTflite(buildTflite(FIXTURES.twoSubgraphs()), 't.tflite', { align: 1 });
    const { results, baselines } = planModel(model, { method: 'greedy-size' }, 1000);
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
});
