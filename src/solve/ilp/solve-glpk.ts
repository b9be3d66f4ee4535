import { bounds } from '../../problem/bounds.js';
import type { Problem } from '../../problem/types.js';
import { InputError } from '../../problem/errors.js';
import { hasTies } from '../../problem/relative.js';
import { validateProblem } from '../../problem/validate.js';
import { verifyPlan } from '../../problem/verify.js';
import { mergeRectangles, spreadOffsets } from '../rectangles.js';
import { finishPlan, solve, type SolveResult } from '../solve.js';
import { deadlineOfLimit, loadGlpk, LpBuilder, type GlpkLimit } from './glpk.js';
import { placeModel, placeWithGlpk } from './place.js';
import { assignRowName, assignWithGlpk, slotsToOffsets } from './assign.js';
import { overlapPairCount } from './sections.js';

/** GLPK's big-M model stalls past about this many buffers (DESIGN.md): the CLI warns beyond it. */
export const GLPK_PLACE_LIMIT = 12;

/**
 * The place MIP's share of the time left after loading GLPK; the slot MIP and its LP bound take the
 * rest. Under a half: GLPK looks at its clock between steps, and one step (the root LP, a node's LP)
 * can run on past the limit (on MiniMalloc's A, 154 buffers: 3.7 s for a 2.5 s limit).
 */
const PLACE_SHARE = 0.4;

/**
 * The most nonzero terms a GLPK model is built with. Its models grow with the square of the buffers
 * (the slot model has a variable per pair of buffers; the big-M model three terms per pair that overlap
 * in time); built on the main thread before GLPK starts, 2,000 buffers took seconds and gigabytes and
 * 10,000 ran out of memory. Past this size GLPK would not get past its root LP in any useful time: the
 * model is left out with a note, and the greedy plan stands.
 */
export const GLPK_MAX_TERMS = 250_000;

/** Nonzero terms of the big-M place model (placeModel): 2 per buffer, 6 per pair live together. */
export function placeModelTerms(problem: Problem): number {
  return 2 * problem.buffers.length + 6 * overlapPairCount(problem);
}

/**
 * Nonzero terms of the slot model (assignModel), at least: with m movable buffers, m(m+1)/2 in the
 * one-slot rows and m(m-1) in the open rows (its live rows come on top).
 */
export function assignModelTerms(problem: Problem): number {
  const m = problem.buffers.filter((b) => b.offset === undefined).length;
  return (m * (m + 1)) / 2 + m * (m - 1);
}

/**
 * place by GLPK's big-M model, for small problems and cross-checks, and assign by GLPK's slot model
 * (its row reads `glpk-assign`, or `glpk-assign (bound N)` when not proven optimal: N, the LP relaxation or the live bound, bounds the sum
 * of slot sizes). The greedy-size plan gives the big M and stands when GLPK finds nothing better in
 * time. The plan kept is verified like any other.
 *
 * `timeLimitMs` (ms from now, or the command's deadline) holds for the whole run: loading GLPK, the
 * greedy plan, the place MIP (PLACE_SHARE of what is left after loading), the slot MIP and its LP bound (the
 * rest); a model GLPK gets no answer from in its share leaves the greedy plan standing. A model over
 * GLPK_MAX_TERMS terms is not built (a note says so): the greedy plan stands for it.
 */
export async function solveWithGlpk(problem: Problem, timeLimitMs: GlpkLimit = 10_000): Promise<SolveResult> {
  const t0 = performance.now();
  const end = deadlineOfLimit(timeLimitMs);
  validateProblem(problem);
  const rectangles = mergeRectangles(problem);
  if (rectangles !== undefined) {
    // Tied blocks that are rectangles: GLPK plans one buffer per block (src/solve/rectangles.ts).
    const inner = await solveWithGlpk(rectangles.merged, end);
    const { offsets, peak } = spreadOffsets(problem, rectangles, inner.offsets);
    const verdict = verifyPlan(problem, offsets, peak);
    if (!verdict.valid) throw new Error(`internal error: GLPK's plan of merged blocks is invalid:\n  ${verdict.errors.join('\n  ')}`);
    return { ...inner, offsets, peak, notes: [`aliases: ${rectangles.blocks.length} blocks, each a rectangle, planned as one buffer each`, ...(inner.notes ?? [])] };
  }
  refuseTies(problem);
  const cheap = bounds(problem);
  const { live, largest } = cheap;
  let bound = cheap.bound;
  const greedy = solve(problem, { method: 'greedy-size', deadline: end });
  const notes: string[] = [];
  const placeTerms = placeModelTerms(problem);
  const assignTerms = assignModelTerms(problem);
  const tooLarge = (model: string, terms: number): string =>
    `GLPK's ${model} left out: it would have ${terms >= GLPK_MAX_TERMS * 10 ? 'over ' : ''}${Math.min(terms, GLPK_MAX_TERMS * 10).toLocaleString('en-US')} terms (at most ${GLPK_MAX_TERMS.toLocaleString('en-US')}); the greedy plan stands for it`;
  if (placeTerms <= GLPK_MAX_TERMS || assignTerms <= GLPK_MAX_TERMS) await loadGlpk();
  const methods = [...greedy.methods];
  let ilp: Awaited<ReturnType<typeof placeWithGlpk>> = { outcome: 'unknown' };
  if (placeTerms <= GLPK_MAX_TERMS) {
    const t = performance.now();
    ilp = await placeWithGlpk(problem, bound, greedy.peak, end.share(PLACE_SHARE));
    methods.push({ method: 'glpk', peak: ilp.peak ?? NaN, timeMs: performance.now() - t });
  } else notes.push(tooLarge('big-M place model', placeTerms));
  const ta = performance.now();
  let slotOffsets: number[] | undefined;
  let slotPeak = NaN;
  if (assignTerms <= GLPK_MAX_TERMS) {
    const slots = await assignWithGlpk(problem, end);
    slotOffsets = slots.outcome === 'optimal' || slots.outcome === 'feasible' ? slotsToOffsets(problem, slots.slotOf) : undefined;
    const so = slotOffsets;
    slotPeak = so ? Math.max(0, ...problem.buffers.map((b, i) => so[i]! + b.size)) : NaN;
    methods.push({ method: assignRowName(slots), peak: slotPeak, timeMs: performance.now() - ta });
  } else notes.push(tooLarge('slot model', assignTerms));
  let offsets = greedy.offsets;
  let peak = greedy.peak;
  let method = 'greedy-size';
  if (slotOffsets !== undefined && slotPeak < peak) {
    offsets = slotOffsets;
    peak = slotPeak;
    method = 'glpk-assign';
  }
  if (ilp.peak !== undefined && ilp.offsets !== undefined && ilp.peak <= peak) {
    offsets = ilp.offsets;
    peak = ilp.peak;
    method = 'glpk';
  }
  let proof: string = cheap.proof;
  if (ilp.outcome === 'optimal' && ilp.peak !== undefined && ilp.peak > bound) {
    bound = ilp.peak;
    proof = 'GLPK: optimal MIP solution';
  }
  const result = finishPlan(problem, { offsets, peak, method }, { bound, proof, live, largest }, methods, t0);
  return notes.length === 0 ? result : { ...result, notes: [...(result.notes ?? []), ...notes] };
}

/**
 * The place model as CPLEX LP text, for another solver: big M from the greedy-size plan, and
 * P <= capacity when the problem has one.
 */
export async function placeModelLp(problem: Problem): Promise<string> {
  validateProblem(problem);
  const rectangles = mergeRectangles(problem);
  if (rectangles !== undefined) return placeModelLp(rectangles.merged);
  refuseTies(problem);
  const glpk = await loadGlpk();
  const { bound } = bounds(problem);
  const greedy = solve(problem, { method: 'greedy-size' });
  return glpk.write(placeModel(problem, new LpBuilder(glpk, 'arenapack_place'), bound, greedy.peak, problem.capacity));
}

/**
 * GLPK's models know buffers as single rectangles: a problem with gaps or aliases whose blocks are not
 * all rectangles (mergeRectangles) is refused (InputError).
 */
function refuseTies(problem: Problem): void {
  if (hasTies(problem)) {
    throw new InputError('GLPK\'s models take aliases only where each tied block is a rectangle, and no gaps (issue #14): plan this problem with --method auto or heuristic', { field: 'method' });
  }
}
