import type { Baselines } from './export/model-report.js';
import type { ImportedModel } from './import/model.js';
import type { Problem } from './problem/types.js';
import { solve, type SolveOptions, type SolveResult } from './solve/solve.js';

/** Every subgraph's plan (from solve(), which verifies it) and the peaks of its baselines. */
export interface ModelPlan {
  results: SolveResult[];
  baselines: Baselines[];
}

type BaselineMethod = 'naive' | 'slots-inorder';

/** The capacity goes on each subgraph's problem: the reports and exports read it from there. */
function setCapacity(model: ImportedModel, capacity: number | undefined): void {
  if (capacity !== undefined) for (const sg of model.subgraphs) sg.problem.capacity = capacity;
}

/** A baseline's peak when the solve already ran that method (`auto` runs both). */
const ranAlready = (r: SolveResult, method: BaselineMethod): number | undefined => r.methods.find((m) => m.method === method)?.peak;

/** Plans every subgraph of an imported model, under `capacity` when given. */
export function planModel(model: ImportedModel, options: SolveOptions = {}, capacity?: number): ModelPlan {
  setCapacity(model, capacity);
  const results = model.subgraphs.map((sg) => solve(sg.problem, options));
  const baselines = model.subgraphs.map((sg, s): Baselines => {
    const peakOf = (method: BaselineMethod): number => ranAlready(results[s]!, method) ?? solve(sg.problem, { method }).peak;
    return { naive: peakOf('naive'), before: peakOf('slots-inorder') };
  });
  return { results, baselines };
}

/** planModel() with the solves done by `solveOne` (a pool of workers, say), all at once. */
export async function planModelWith(
  model: ImportedModel,
  solveOne: (problem: Problem, options: SolveOptions) => Promise<SolveResult>,
  options: SolveOptions = {},
  capacity?: number,
): Promise<ModelPlan> {
  setCapacity(model, capacity);
  const results = await Promise.all(model.subgraphs.map((sg) => solveOne(sg.problem, options)));
  const baselines = await Promise.all(
    model.subgraphs.map(async (sg, s): Promise<Baselines> => {
      const peakOf = async (method: BaselineMethod): Promise<number> =>
        ranAlready(results[s]!, method) ?? (await solveOne(sg.problem, { method })).peak;
      return { naive: await peakOf('naive'), before: await peakOf('slots-inorder') };
    }),
  );
  return { results, baselines };
}
