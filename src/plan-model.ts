import type { Baselines } from './export/model-report.js';
import type { ImportedModel } from './import/model.js';
import { solve, type SolveOptions, type SolveResult } from './solve/solve.js';

/** Every subgraph's plan (from solve(), which verifies it) and the peaks of its baselines. */
export interface ModelPlan {
  results: SolveResult[];
  baselines: Baselines[];
}

/** Plans every subgraph of an imported model, under `capacity` when given. */
export function planModel(model: ImportedModel, options: SolveOptions = {}, capacity?: number): ModelPlan {
  const results: SolveResult[] = [];
  const baselines: Baselines[] = [];
  for (const sg of model.subgraphs) {
    if (capacity !== undefined) sg.problem.capacity = capacity;
    const r = solve(sg.problem, options);
    const peakOf = (method: 'naive' | 'slots-inorder'): number =>
      r.methods.find((m) => m.method === method)?.peak ?? solve(sg.problem, { method }).peak;
    results.push(r);
    baselines.push({ naive: peakOf('naive'), before: peakOf('slots-inorder') });
  }
  return { results, baselines };
}
