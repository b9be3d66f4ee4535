/**
 * Memory tiers, driven: planTiers() with GLPK's exact assignment (Node; GLPK loads asynchronously)
 * and planTiersWith() without GLPK (the heuristic), each running the solves inline or through a
 * caller's `solveOne` (a pool of workers).
 */
import type { MemoryTier, Problem } from '../../problem/types.js';
import { validateMemories } from '../../problem/validate.js';
import { chooseTiers, relaxedBound } from '../ilp/tiers.js';
import { loadGlpk } from '../ilp/glpk.js';
import { solve, type SolveOptions, type SolveResult } from '../solve.js';
import { spillPlanner } from '../spill.js';
import { tiersPlanner, tiersTakeBands, type TierExact, type TieredPlan } from './planner.js';

export { tiersPlanner, type TieredPlan, type TierUsage, type TiersHow, type TierExact, type TiersKnown } from './planner.js';
export { fillFastestFirst, greedyByDensity, improveAssignment } from './greedy.js';
export { bufferMemory, costOf, stepBound, tierInstance, type RowEntry, type TierInstance } from './instance.js';

/** Drives a tiers generator with `solveOne` for every placement. */
function drive(run: Generator<{ problem: Problem; options: SolveOptions }, TieredPlan, SolveResult>, solveOne: (p: Problem, o: SolveOptions) => SolveResult): TieredPlan {
  let step = run.next();
  while (!step.done) step = run.next(solveOne(step.value.problem, step.value.options));
  return step.value;
}

/**
 * The plan of `problem` over `memories` (fastest first), exact where GLPK finishes in time: GLPK
 * assigns (on this thread), `solveOne` places each memory (default solve(), inline; a pool of workers
 * with `--jobs`: the same plan, as the solves are the same). Throws an InputError when the memories
 * are invalid.
 */
export async function planTiers(
  problem: Problem,
  memories: readonly MemoryTier[],
  options: SolveOptions = {},
  solveOne: (p: Problem, o: SolveOptions) => SolveResult | Promise<SolveResult> = solve,
): Promise<TieredPlan> {
  validateMemories(problem, memories);
  const known = { spill: spillPlanner };
  // Short of time, the planner cuts one arena into bands and asks nothing of GLPK: not loaded then (if
  // those do not fit a bounded last memory, the heuristic follows without GLPK, as short of time it would).
  let exact: TierExact | undefined;
  if (!tiersTakeBands(problem, memories, options, known)) {
    const glpk = await loadGlpk();
    exact = {
      choose: (inst, cuts, ms) => chooseTiers(glpk, inst, cuts, ms),
      relaxed: (inst, ms) => relaxedBound(glpk, inst, ms),
    };
  }
  const run = tiersPlanner(problem, memories, options, exact, known);
  let step = run.next();
  while (!step.done) step = run.next(await solveOne(step.value.problem, step.value.options));
  return step.value;
}

/** The plan without GLPK (its heuristic and the per-step bound), solves by `solveOne` (default solve(), inline). */
export function planTiersWith(problem: Problem, memories: readonly MemoryTier[], options: SolveOptions = {}, solveOne: (p: Problem, o: SolveOptions) => SolveResult = solve): TieredPlan {
  return drive(tiersPlanner(problem, memories, options, undefined, { spill: spillPlanner }), solveOne);
}

/**
 * The plan without GLPK, each solve by the asynchronous `solveOne` (a pool of workers, the page):
 * the same plan as planTiersWith() with the same solves.
 */
export async function planTiersAsync(problem: Problem, memories: readonly MemoryTier[], options: SolveOptions, solveOne: (p: Problem, o: SolveOptions) => Promise<SolveResult>): Promise<TieredPlan> {
  const run = tiersPlanner(problem, memories, options, undefined, { spill: spillPlanner });
  let step = run.next();
  while (!step.done) step = run.next(await solveOne(step.value.problem, step.value.options));
  return step.value;
}
