import type { Buffer, Plan, Problem } from '../../problem/types.js';
import { tflmAligned, TFLM_ALIGNMENT } from './allocation.js';
import type { TflmGraph } from './graph.js';
import { tflmHead, type ModelScratch, type TflmHead } from './head.js';
import { maxOf } from '../../problem/extent.js';

/**
 * Shaping a plan for the scratch TFLM places online: TFLM puts every kernel scratch buffer in the
 * first gap the offline plan leaves at its operator's step, or above the plan's top. Two candidate
 * plans are simulated and the one whose head (the arena TFLM then uses) is smaller is kept:
 *  - `plan without scratch`: the tensors' plan as it is;
 *  - `plan with scratch`: each subgraph with scratch re-planned with one extra buffer per request
 *    (its size rounded up to 16, live at its operator's step), so the plan leaves room for it;
 *  - `plan with scratch at 0`: the same with each operator's scratch fixed at the bottom of the
 *    arena, stacked largest first. TFLM's first fit then puts it exactly there (nothing lies below
 *    and scratch of other operators is never live at the same step), so its head is the plan's peak.
 *    Where buffers already sit at fixed offsets at that step (a model's own offline plan, kept), the
 *    stack starts above the highest of them.
 * Scratch has no tensor, so the offline plan itself only carries tensors: what changes is the layout
 * of the tensors and the head.
 */

/** A subgraph as planned: its problem and the operator order its steps follow. */
export interface PlannedSubgraph {
  problem: Problem;
  /** order[k] = the operator run at step k; absent = the stored order. */
  order?: readonly number[];
}

/** One candidate and the head TFLM would use with it. */
export interface ScratchCandidate<P extends Plan> {
  label: 'plan without scratch' | 'plan with scratch' | 'plan with scratch at 0';
  plans: P[];
  head: TflmHead;
}

/** The kept candidate, and every candidate's head for the report. */
export interface ScratchShaped<P extends Plan> {
  chosen: ScratchCandidate<P>;
  candidates: { label: ScratchCandidate<P>['label']; head: number }[];
}

/** Prefix of the ids of the scratch buffers added to a problem (never a tensor index). */
export const SCRATCH_ID = 'scratch:';

/**
 * `problem` plus one buffer per scratch request of subgraph `s`, at the step its operator runs.
 * Added buffers come after the tensors' ones, so the tensors keep their indices. With `atBottom`,
 * each operator's scratch is fixed at offsets b, b + s1, b + s1 + s2, ... (largest first, as TFLM
 * takes them), b the top of the buffers with a fixed offset live at its step (0 when none).
 */
export function withScratchBuffers(problem: Problem, s: number, scratch: ModelScratch, order?: readonly number[], atBottom = false): Problem {
  const stepOf = new Map<number, number>();
  if (order) order.forEach((op, k) => stepOf.set(op, k));
  const extra: Buffer[] = [];
  for (const o of scratch.operators) {
    if (o.subgraph !== s) continue;
    const step = order ? stepOf.get(o.operator)! : o.operator;
    const mine = o.requests.map((r, k): Buffer => ({ id: `${SCRATCH_ID}${o.operator}:${k}`, size: tflmAligned(r.bytes), start: step, end: step + 1, align: TFLM_ALIGNMENT }));
    if (atBottom) {
      let at = tflmAligned(maxOf(problem.buffers.filter((b) => b.offset !== undefined && b.start <= step && step < b.end).map((b) => b.offset! + b.size), 0));
      for (const b of [...mine].sort((a, b) => b.size - a.size)) {
        b.offset = at;
        at += b.size;
      }
    }
    extra.push(...mine);
  }
  return extra.length === 0 ? problem : { ...problem, buffers: [...problem.buffers, ...extra] };
}

/** The re-planned candidates: per subgraph, the problem to solve, or undefined to keep its plan. */
export function scratchCandidates(
  subgraphs: readonly PlannedSubgraph[],
  scratch: ModelScratch,
): { label: ScratchCandidate<Plan>['label']; problems: (Problem | undefined)[] }[] {
  if (scratch.operators.length === 0) return [];
  return [false, true].map((atBottom) => ({
    label: atBottom ? 'plan with scratch at 0' : 'plan with scratch',
    problems: subgraphs.map((sg, s) => {
      const problem = withScratchBuffers(sg.problem, s, scratch, sg.order, atBottom);
      return problem === sg.problem ? undefined : problem;
    }),
  }));
}

/**
 * Simulates TFLM with each candidate (the plans as they are first) and keeps the one with the
 * smaller head (the first on a tie). `graph` is the model as TFLM runs it (tflmGraph, operators in
 * the order the plans follow). `offsets` turns per-subgraph plans into the offline plan's
 * offsets per tensor (-1 = placed by the runtime), as the exporter writes them.
 */
export function chooseCandidate<P extends Plan>(args: {
  graph: TflmGraph;
  scratch: ModelScratch;
  plans: readonly P[];
  replanned: readonly { label: ScratchCandidate<P>['label']; plans: P[] }[];
  offsets: (plans: readonly P[]) => number[][];
}): ScratchShaped<P> {
  const simulate = (label: ScratchCandidate<P>['label'], plans: P[]): ScratchCandidate<P> => {
    const table = args.offsets(plans);
    const head = tflmHead(args.graph, args.scratch, (s, t) => {
      const at = table[s]?.[t];
      return at !== undefined && at >= 0 ? at : undefined;
    });
    return { label, plans, head };
  };
  const candidates = [simulate('plan without scratch', [...args.plans]), ...args.replanned.map((c) => simulate(c.label, c.plans))];
  const chosen = candidates.reduce((best, c) => (c.head.head < best.head.head ? c : best));
  return { chosen, candidates: candidates.map((c) => ({ label: c.label, head: c.head.head })) };
}

/**
 * scratchCandidates + chooseCandidate with a synchronous `solve` (which plans a problem and
 * verifies the plan).
 */
export function shapeForScratch<P extends Plan>(args: {
  graph: TflmGraph;
  scratch: ModelScratch;
  subgraphs: readonly PlannedSubgraph[];
  plans: readonly P[];
  solve: (problem: Problem, subgraph: number) => P;
  offsets: (plans: readonly P[]) => number[][];
}): ScratchShaped<P> {
  const replanned = scratchCandidates(args.subgraphs, args.scratch).map((c) => ({
    label: c.label,
    plans: c.problems.map((p, s) => (p === undefined ? args.plans[s]! : args.solve(p, s))),
  }));
  return chooseCandidate({ ...args, replanned });
}
