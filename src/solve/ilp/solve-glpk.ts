import { largestBuffer, liveBound } from '../../problem/bounds.js';
import type { Problem } from '../../problem/types.js';
import { validateProblem } from '../../problem/validate.js';
import { verifyPlan } from '../../problem/verify.js';
import { solve, statusOf, type SolveResult } from '../solve.js';
import { loadGlpk, LpBuilder } from './glpk.js';
import { placeModel, placeWithGlpk } from './place.js';

/** GLPK's big-M model stalls past about this many buffers (DESIGN.md): the CLI warns beyond it. */
export const GLPK_PLACE_LIMIT = 12;

/**
 * place by GLPK's big-M model, for small problems and cross-checks. The greedy-size plan gives
 * the big M and stands when GLPK finds nothing better in time. The plan is verified like any other.
 */
export async function solveWithGlpk(problem: Problem, timeLimitMs = 10_000): Promise<SolveResult> {
  const t0 = performance.now();
  validateProblem(problem);
  const live = liveBound(problem);
  const largest = largestBuffer(problem);
  let bound = Math.max(live, largest);
  const greedy = solve(problem, { method: 'greedy-size' });
  const t = performance.now();
  const ilp = await placeWithGlpk(problem, bound, greedy.peak, timeLimitMs);
  const methods = [...greedy.methods, { method: 'glpk', peak: ilp.peak ?? NaN, timeMs: performance.now() - t }];
  let offsets = greedy.offsets;
  let peak = greedy.peak;
  let method = 'greedy-size';
  if (ilp.peak !== undefined && ilp.offsets !== undefined && ilp.peak <= peak) {
    offsets = ilp.offsets;
    peak = ilp.peak;
    method = 'glpk';
  }
  let proof = bound === live ? 'live bound' : 'largest buffer';
  if (ilp.outcome === 'optimal' && ilp.peak !== undefined && ilp.peak > bound) {
    bound = ilp.peak;
    proof = 'GLPK: optimal MIP solution';
  }
  const verdict = verifyPlan(problem, offsets, peak);
  if (!verdict.valid) throw new Error(`internal error: ${method} produced an invalid plan:\n  ${verdict.errors.join('\n  ')}`);
  const result: SolveResult = {
    offsets,
    peak,
    method,
    status: statusOf(peak, bound, problem.capacity),
    bound,
    gap: bound > 0 ? (peak - bound) / bound : 0,
    liveBound: live,
    largest,
    methods,
    proof,
    timeMs: performance.now() - t0,
  };
  if (problem.capacity !== undefined) result.fits = peak <= problem.capacity;
  return result;
}

/**
 * The place model as CPLEX LP text, for another solver: big M from the greedy-size plan, and
 * P <= capacity when the problem has one.
 */
export async function placeModelLp(problem: Problem): Promise<string> {
  validateProblem(problem);
  const glpk = await loadGlpk();
  const bound = Math.max(liveBound(problem), largestBuffer(problem));
  const greedy = solve(problem, { method: 'greedy-size' });
  return glpk.write(placeModel(problem, new LpBuilder(glpk, 'arenapack_place'), bound, greedy.peak, problem.capacity));
}
