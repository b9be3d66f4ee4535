import { describe, expect, it } from 'vitest';
import { modelPlanToJson } from '../../src/export/model-json.js';
import { importTflite } from '../../src/import/tflite/index.js';
import { verifyPlan } from '../../src/problem/verify.js';
import { solve } from '../../src/solve/solve.js';
import { buildTflite, FIXTURES } from '../helpers/tflite-builder.js';

describe('modelPlanToJson', () => {
  it('subgraph 0 at the top level with the keys of a CSV plan plus names; every subgraph in "subgraphs"', () => {
    const model = importTflite(buildTflite(FIXTURES.twoSubgraphs()), 't.tflite');
    for (const sg of model.subgraphs) sg.problem.capacity = 4096;
    const results = model.subgraphs.map((sg) => solve(sg.problem, { iterations: 200 }));
    const j = modelPlanToJson(model, results);
    for (const k of ['peak', 'liveBound', 'status', 'method', 'bound', 'gap', 'capacity', 'fits', 'methods', 'buffers']) expect(j).toHaveProperty(k);
    expect(j.model).toBe('t.tflite');
    expect(j.format).toBe('tflite');
    expect(j.peak).toBe(results[0]!.peak);
    expect(j.subgraphs).toHaveLength(2);
    expect(j.subgraphs[1]!.name).toBe('body');
    // align: the model's alignment of each buffer (the plan JSON carries the problem's fields, src/export/plan-json.ts).
    expect(Object.keys(j.buffers[0]!).sort()).toEqual(['align', 'end', 'id', 'memory', 'name', 'offset', 'size', 'start', 'tensors']);
    expect(j.buffers.map((b) => [b.id, b.name])).toEqual([
      ['0', 'input'],
      ['2', 'conv'],
      ['3', 'relu'],
      ['4', 'logits'],
    ]);
    model.subgraphs.forEach((sg, s) => {
      const sj = j.subgraphs[s]!;
      expect(verifyPlan(sg.problem, sj.buffers.map((b) => b.offset), sj.peak).valid).toBe(true);
    });
  });
});
