import type { ImportedModel } from '../../import/model.js';
import { liveBound } from '../../problem/bounds.js';
import type { Plan, Problem } from '../../problem/types.js';
import { verifyPlan } from '../../problem/verify.js';
import { statusOf } from '../../solve/solve.js';
import { tflmGraph } from './graph.js';
import { modelScratch, tflmHead, type KernelLibrary, type ModelScratch } from './head.js';
import { chooseCandidate, scratchCandidates, withScratchBuffers, type ScratchCandidate } from './shape-plan.js';
import { crossSubgraphConflicts } from './subgraph-layout.js';

/**
 * A TFLite model's plan made ready for TFLM: its kernels' scratch (per kernel library), the plan
 * shaped so the head TFLM uses is as small as arenapack can make it, and that head.
 */

/** The TFLM facts a report, the JSON and the header show. */
export interface TflmPlanFacts<P extends Plan> {
  /** Per-subgraph plans of the tensors (the chosen candidate, restricted to the tensors' buffers). */
  plans: P[];
  kernels: KernelLibrary;
  /** The head TFLM's planner reaches with this offline plan and the scratch: the arena's planned part. */
  head: number;
  /**
   * A lower bound on any head TFLM can reach with these subgraphs in this order (bytes): per subgraph
   * the larger of its tensors' proven bound (Plan.bound; the head holds every tensor) and the most
   * bytes one step holds with its operator's scratch (the live tensors and each scratch request rounded
   * up to 16, as withScratchBuffers adds them: they are all in the head at once at that step); the
   * largest over the subgraphs. `head === headBound` proves the head optimal for this order.
   */
  headBound: number;
  /** Which candidate was kept, and every candidate's head. */
  chosen: ScratchCandidate<P>['label'];
  candidates: { label: ScratchCandidate<P>['label']; head: number }[];
  /** Each candidate's per-subgraph plans as they would be exported (candidates' order), whose head `candidates` reports. */
  candidatePlans: P[][];
  scratch: ModelScratch;
  /**
   * The head TFLM reaches on its own with the model as given: its greedy planner (greedy-planner.ts)
   * placing every tensor and the scratch, in the stored operator order, keeping the model's own
   * offline plan as stored: where the import kept it (ModelTensor.fixedOffset) and also where
   * --replace-offline-plan replaced it (ModelTensor.storedOffset): the device runs the file as stored
   * with that plan. Only a malformed stored plan (replaced) leaves TFLM's planner every tensor. The
   * honest "before" of the reports, bytes.
   */
  runtimeDefault: number;
}

/**
 * A plan of `problem.buffers` taken from a plan of the problem with scratch buffers appended: the
 * tensors' offsets, their top as the peak. Everything else proven about the plan (bound, live
 * bound, largest buffer, methods, proof) is `original`'s, the tensors' own solve: the bounds of the
 * problem with scratch do not bound the tensors. Status and gap against that bound, as
 * src/solve/solve.ts finishPlan labels a plan (statusOf); `fits` is peak <= capacity when
 * `original` has it. Verified against the tensors' problem; throws Error when the offsets overlap.
 */
export function tensorsPart<P extends Plan>(problem: Problem, withScratch: P, original: P): P {
  const n = problem.buffers.length;
  if (withScratch === original || withScratch.offsets.length === n) return withScratch;
  const offsets = withScratch.offsets.slice(0, n);
  const peak = problem.buffers.reduce((top, b, i) => Math.max(top, offsets[i]! + b.size), 0);
  const check = verifyPlan(problem, offsets, peak);
  if (!check.valid) throw new Error(`scratch-shaped plan is not valid for the tensors: ${check.errors.join('; ')}`);
  const bound = original.bound;
  const part: P = {
    ...original,
    offsets,
    peak,
    method: `${withScratch.method} (room for scratch)`,
    status: statusOf(peak, bound, problem.capacity),
    gap: bound > 0 ? (peak - bound) / bound : 0,
  };
  if ('fits' in original && problem.capacity !== undefined) Object.assign(part, { fits: peak <= problem.capacity });
  return part;
}

/** What planForTflm and planForTflmAsync take; `solve` returns a plan or a promise of one. */
export interface TflmPlanArgs<P extends Plan, S> {
  /**
   * The TFLite model as imported (in `orders` when reordered): its subgraphs' problems are what was
   * planned, their model graphs (tensors at the runtime's shapes, operators with the kernels' options)
   * what TFLM allocates. The file is not read again.
   */
  model: Pick<ImportedModel, 'file' | 'subgraphs'>;
  plans: readonly P[];
  /**
   * Plans a candidate's problem. `share` (0..1]: the part of the command's time left that this solve
   * may take, so the candidates' solves together keep to the one time limit (planForTflm runs them
   * one after another: the k-th of n gets 1/(n-k+1) of what is left; planForTflmAsync starts them
   * at once: 1 each).
   */
  solve: (problem: Problem, subgraph: number, share: number) => S;
  offsets: (plans: readonly P[]) => number[][];
  kernels?: KernelLibrary;
  orders?: readonly (readonly number[] | undefined)[];
}

/** The model as the planner runs it, its scratch, and the problems of the re-planned candidates. */
function prepare<P extends Plan, S>(args: TflmPlanArgs<P, S>) {
  const kernels = args.kernels ?? 'reference';
  const graph = tflmGraph(args.model, args.orders);
  const scratch = modelScratch(graph, kernels);
  // The runtime on its own: the stored order, the model's own offline plan where the import kept it
  // (fixed offsets on the tensors), or the one --replace-offline-plan replaced (their stored offsets), its greedy planner.
  const reordered = args.orders?.some((o) => o !== undefined) ?? false;
  const stored = reordered ? tflmGraph(args.model) : graph;
  const offline = (s: number, t: number): number | undefined => {
    const tensor = args.model.subgraphs[s]?.tensors?.[t];
    return tensor?.fixedOffset ?? tensor?.storedOffset;
  };
  const runtimeDefault = tflmHead(stored, reordered ? modelScratch(stored, kernels) : scratch, offline).head;
  // The graph runs its operators in step order already: scratch steps are operator indices there.
  const candidates = scratchCandidates(args.model.subgraphs.map((sg) => ({ problem: sg.problem })), scratch);
  return { kernels, graph, scratch, candidates, runtimeDefault };
}

function finish<P extends Plan, S>(args: TflmPlanArgs<P, S>, prep: ReturnType<typeof prepare<P, S>>, replanned: { label: ScratchCandidate<P>['label']; plans: P[] }[]): TflmPlanFacts<P> {
  const { kernels, graph, scratch, runtimeDefault } = prep;
  // The candidates as they are exported (the tensors' part, its top as the peak), so the simulation
  // stacks the subgraphs where the exported offsets put them.
  const exported = replanned.map((c) => ({ label: c.label, plans: c.plans.map((p, s) => tensorsPart(args.model.subgraphs[s]!.problem, p, args.plans[s]!)) }));
  const shaped = chooseCandidate({ graph, scratch, plans: args.plans, replanned: exported, offsets: args.offsets });
  const plans = shaped.chosen.plans;
  // The subgraphs' layout against TFLM's own lifetimes across subgraphs (subgraph-layout.ts).
  const conflicts = crossSubgraphConflicts(graph, args.offsets(plans));
  if (conflicts.length > 0) throw new Error(`${args.model.file}: the subgraphs' layout overlaps tensors TFLM keeps live together: ${conflicts.slice(0, 3).join('; ')}`);
  // Operator indices in the facts are the stored ones, whatever order the plan runs them in.
  const stored = (s: number, i: number): number => args.orders?.[s]?.[i] ?? i;
  return {
    plans,
    kernels,
    head: shaped.chosen.head.head,
    headBound: Math.max(...args.plans.map((p, s) => Math.max(p.bound, liveBound(withScratchBuffers(args.model.subgraphs[s]!.problem, s, scratch))))),
    chosen: shaped.chosen.label,
    candidates: shaped.candidates,
    candidatePlans: [[...args.plans], ...exported.map((c) => c.plans)],
    scratch: {
      kernels,
      operators: scratch.operators.map((o) => ({ ...o, operator: stored(o.subgraph, o.operator) })),
      unknown: scratch.unknown.map((u) => ({ ...u, operator: stored(u.subgraph, u.operator) })),
    },
    runtimeDefault,
  };
}

/**
 * Scratch, shaped plan and TFLM head for a TFLite model's plans. `model` is the model as imported
 * (its problems in `orders` when reordered), `plans` their plans; `solve` plans a problem with scratch
 * buffers added; `offsets` gives the offline plan's offsets per tensor as the exporter writes them.
 */
export function planForTflm<P extends Plan>(args: TflmPlanArgs<P, P>): TflmPlanFacts<P> {
  const prep = prepare(args);
  let left = prep.candidates.reduce((n, c) => n + c.problems.filter((p) => p !== undefined).length, 0);
  const replanned = prep.candidates.map((c) => ({ label: c.label, plans: c.problems.map((p, s) => (p === undefined ? args.plans[s]! : args.solve(p, s, 1 / left--))) }));
  return finish(args, prep, replanned);
}

/** One solve planForTflmPlanner asks for: a candidate's problem, its subgraph, its share of the time left (as TflmPlanArgs.solve). */
export interface TflmCandidateSolve {
  problem: Problem;
  subgraph: number;
  share: number;
}

/**
 * planForTflm as a generator of the candidates' solves (yielded, one after another, each answered with
 * its plan): for a caller that drives its solves itself (src/model-fit-hints.ts, inline or on a pool of
 * workers). The same facts as planForTflm for the same answers.
 */
export function* planForTflmPlanner<P extends Plan>(args: Omit<TflmPlanArgs<P, P>, 'solve'>): Generator<TflmCandidateSolve, TflmPlanFacts<P>, P> {
  const full: TflmPlanArgs<P, P> = { ...args, solve: () => { throw new Error('internal error: planForTflmPlanner solves by yielding'); } };
  const prep = prepare(full);
  let left = prep.candidates.reduce((n, c) => n + c.problems.filter((p) => p !== undefined).length, 0);
  const replanned: { label: ScratchCandidate<P>['label']; plans: P[] }[] = [];
  for (const c of prep.candidates) {
    const plans: P[] = [];
    for (const [s, p] of c.problems.entries()) plans.push(p === undefined ? args.plans[s]! : yield { problem: p, subgraph: s, share: 1 / left-- });
    replanned.push({ label: c.label, plans });
  }
  return finish(full, prep, replanned);
}

/** planForTflm with an asynchronous `solve` (a pool of workers): the candidates' solves run at once. */
export async function planForTflmAsync<P extends Plan>(args: TflmPlanArgs<P, Promise<P>>): Promise<TflmPlanFacts<P>> {
  const prep = prepare(args);
  const replanned = await Promise.all(
    prep.candidates.map(async (c) => ({
      label: c.label,
      plans: await Promise.all(c.problems.map((p, s) => (p === undefined ? Promise.resolve(args.plans[s]!) : args.solve(p, s, 1)))),
    })),
  );
  return finish(args, prep, replanned);
}
