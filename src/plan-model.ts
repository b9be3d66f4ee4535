import type { Baselines } from './export/model-report.js';
import { modelArena, subgraphBases } from './export/tensor-offsets.js';
import type { ImportedModel } from './import/model.js';
import type { Plan, Problem } from './problem/types.js';
import { tensorsPart } from './runtime/tflm/model-head.js';
import { solve, type SolveOptions, type SolveResult } from './solve/solve.js';
import { spillOptions, spillPlanner, type PlanResult, type SolveRequest } from './solve/spill.js';
import { headWithScratch, scratchRoom, tensorsOfSpilled, withPinnedScratch } from './runtime/tflm/scratch-room.js';
import { tflmTailReserve, type TailReserveOptions } from './runtime/tflm/tail-reserve.js';
import type { TflmArenaOptions } from './runtime/tflm/arena.js';
import { alignUp } from './format/bytes.js';
import { TFLM_ALIGNMENT } from './runtime/tflm/allocation.js';

/** Every subgraph's plan (from solve(), which verifies it; spilled when it did not fit) and the peaks of its baselines. */
export interface ModelPlan {
  results: PlanResult[];
  baselines: Baselines[];
}

/** How a model is planned under a capacity. */
export interface ModelPlanOptions {
  /** Spill what does not fit to DDR (default true); false keeps every buffer on chip, fitting or not. */
  spill?: boolean;
  /** TFLite: how TFLM's tail estimate is made (pointer size, kernels); the subgraphs spill within the capacity less that tail. */
  tail?: TailReserveOptions;
}

/**
 * The bytes of a capacity the plan's subgraphs may not take: for a TFLite model, TFLM's tail estimate
 * (tflmTailReserve: the persistent tail lives on chip beside the head, spilled or not); 0 for others.
 */
export function reservedBytes(model: ImportedModel, how: ModelPlanOptions = {}): number {
  return model.format === 'tflite' ? tflmTailReserve(model, how.tail).tail.bytes : 0;
}

/**
 * Whether to spill: a capacity is given, spilling is allowed, and the tail leaves room for a head
 * (when the tail alone fills the capacity no spill can help: the plan stays whole, not fitting).
 */
const spills = (capacity: number | undefined, reserved: number, how: ModelPlanOptions): capacity is number =>
  capacity !== undefined && how.spill !== false && capacity - reserved > 0;

/**
 * Whether the plans of every buffer fit `room` as the model lays its subgraphs out in one arena
 * (modelArena: TFLM's lifetimes for a TFLite model with control flow, else stacked): then nothing
 * spills, though the subgraphs stacked (as the spill phase gives each its room) would not fit.
 */
const fitsWhole = (model: ImportedModel | undefined, wholes: readonly SolveResult[], room: number): boolean =>
  model !== undefined && modelArena(model, wholes).size <= room;

type BaselineMethod = 'naive' | 'slots-inorder';

/** The capacity goes on each subgraph's problem: the reports and exports read it from there. */
function setCapacity(model: ImportedModel, capacity: number | undefined): void {
  if (capacity !== undefined) for (const sg of model.subgraphs) sg.problem.capacity = capacity;
}

/** A baseline's peak when the solve already ran that method (`auto` runs both). */
const ranAlready = (r: SolveResult, method: BaselineMethod): number | undefined => r.methods.find((m) => m.method === method)?.peak;

/**
 * The on-chip bytes left for subgraph `s` once subgraphs 0..s-1 are stacked below it (see
 * subgraphBases): subgraph 0 has the whole capacity, each later one what the earlier ones left.
 */
function capacityLeft(done: readonly Pick<Plan, 'peak'>[], capacity: number): number {
  return Math.max(0, capacity - subgraphBases([...done, { peak: 0 }])[done.length]!);
}

/**
 * Plans every subgraph of an imported model, under `capacity` when given. A subgraph whose plan does
 * not fit the on-chip bytes left to it (subgraph 0 first: the stacked arena must fit; TFLite: within
 * the capacity less TFLM's tail estimate, reservedBytes) spills to DDR.
 */
export function planModel(model: ImportedModel, options: SolveOptions = {}, capacity?: number, how: ModelPlanOptions = {}): ModelPlan {
  setCapacity(model, capacity);
  // Under a deadline, each subgraph's solve takes at most an equal share of the time left.
  const count = model.subgraphs.length;
  const wholes = model.subgraphs.map((sg, s) => solve(sg.problem, options.deadline ? { ...options, deadline: options.deadline.share(1 / (count - s)) } : options));
  const reserved = capacity !== undefined ? reservedBytes(model, how) : 0;
  const problems = model.subgraphs.map((sg) => sg.problem);
  const run = spillPhase(problems, wholes, options, capacity, reserved, model, how);
  let step = run.next();
  while (!step.done) step = run.next(solve(step.value.problem, step.value.options));
  const results = step.value;
  const baselines = model.subgraphs.map((sg, s): Baselines => {
    const peakOf = (method: BaselineMethod): number => ranAlready(wholes[s]!, method) ?? solve(sg.problem, { method }).peak;
    return { naive: peakOf('naive'), before: peakOf('slots-inorder') };
  });
  return { results, baselines };
}

/** planModel() with the solves done by `solveOne` (a pool of workers, say): the same plans. */
export async function planModelWith(
  model: ImportedModel,
  solveOne: (problem: Problem, options: SolveOptions) => Promise<SolveResult>,
  options: SolveOptions = {},
  capacity?: number,
  how: ModelPlanOptions = {},
): Promise<ModelPlan> {
  setCapacity(model, capacity);
  const wholes = await Promise.all(model.subgraphs.map((sg) => solveOne(sg.problem, options)));
  const problems = model.subgraphs.map((sg) => sg.problem);
  const reserved = capacity !== undefined ? reservedBytes(model, how) : 0;
  const results = await spillSubgraphsWith(problems, wholes, options, capacity, solveOne, reserved, model, how);
  const baselines = await Promise.all(
    model.subgraphs.map(async (sg, s): Promise<Baselines> => {
      const peakOf = async (method: BaselineMethod): Promise<number> =>
        ranAlready(wholes[s]!, method) ?? (await solveOne(sg.problem, { method })).peak;
      return { naive: await peakOf('naive'), before: await peakOf('slots-inorder') };
    }),
  );
  return { results, baselines };
}

/**
 * The spill phase of planModelWith(), for callers that solved the subgraphs themselves (the page):
 * each subgraph's plan `wholes[s]` (solved with `options` under `capacity`), spilled in order within
 * the on-chip bytes the earlier subgraphs leave of `capacity - reserved` (`reserved`: reservedBytes,
 * TFLM's tail for a TFLite model; `how`: its kernels, whose scratch must fit on chip too). The
 * solves it needs run on `solveOne`. The same plans as planModel() (spillPhase).
 */
export async function spillSubgraphsWith(
  problems: readonly Problem[],
  wholes: readonly SolveResult[],
  options: SolveOptions,
  capacity: number | undefined,
  solveOne: (problem: Problem, options: SolveOptions) => Promise<SolveResult>,
  reserved = 0,
  model?: ImportedModel,
  how: ModelPlanOptions = {},
): Promise<PlanResult[]> {
  const run = spillPhase(problems, wholes, options, capacity, reserved, model, how);
  let step = run.next();
  while (!step.done) step = run.next(await solveOne(step.value.problem, step.value.options));
  return step.value;
}

/**
 * The spill phase, as the solves it needs (yielded) and the plans it returns: the plans stay whole
 * when no capacity is given, spilling is off, the reserve leaves nothing (no spill can help: they do
 * not fit), or `model`'s one arena of them fits the room (`capacity - reserved`) — for a TFLite model
 * whose kernels request scratch (scratch-room.ts), the head TFLM reaches with that scratch must fit
 * too, with the plan as it is or re-planned with room for the scratch (the two plans of planForTflm's
 * candidates that it then chooses from, so its head fits). Else each subgraph spills in order within
 * what the earlier ones left (spillPlanner); with scratch, the problem spilled holds the scratch as
 * buffers that may not spill, so what stays on chip leaves room for it, and the plan is cut back to
 * the tensors (its peak the arena with the scratch).
 */
function* spillPhase(
  problems: readonly Problem[],
  wholes: readonly SolveResult[],
  options: SolveOptions,
  capacity: number | undefined,
  reserved: number,
  model: ImportedModel | undefined,
  how: ModelPlanOptions,
): Generator<SolveRequest, PlanResult[], SolveResult> {
  if (!spills(capacity, reserved, how)) {
    // The tail alone fills the capacity: every subgraph says why no spill can help (the JSON's spillFailure).
    if (capacity !== undefined && how.spill !== false) return wholes.map((w) => ({ ...w, spillFailure: tailFills(reserved, capacity) }));
    return [...wholes];
  }
  const room = capacity - reserved;
  const scratch = model !== undefined ? scratchRoom(model, how.tail?.kernels) : undefined;
  if (fitsWhole(model, wholes, room) && (scratch === undefined || headWithScratch(model!, scratch, wholes) <= room)) return [...wholes];
  const pinned = problems.map((p, s) => (scratch !== undefined ? withPinnedScratch(p, s, scratch) : p));
  const starts: SolveResult[] = [];
  for (const [s, p] of pinned.entries()) {
    // The plan with room for the scratch: half of what is left for each, the spill needs the rest.
    starts.push(p === problems[s] ? wholes[s]! : yield { problem: p, options: options.deadline ? { ...options, deadline: options.deadline.share(0.5) } : options });
  }
  if (scratch !== undefined) {
    const shaped = starts.map((r, s) => tensorsPart(problems[s]!, r, wholes[s]!));
    if (fitsWhole(model, shaped, room) && headWithScratch(model!, scratch, shaped) <= room) return [...wholes];
  }
  const results: PlanResult[] = [];
  for (const [s, whole] of starts.entries()) {
    const left = capacityLeft(results, room);
    const plan = whole.peak <= left ? undefined : yield* spillPlanner(pinned[s]!, left, whole, spillOptions(options, whole));
    if (plan?.spill !== undefined) results.push(tensorsOfSpilled(problems[s]!, pinned[s]!, plan));
    else if (plan?.spillFailure !== undefined) results.push({ ...wholes[s]!, spillFailure: scratchFailure(pinned[s]!, problems[s]!, left, plan.spillFailure) });
    else results.push(wholes[s]!);
  }
  return results;
}

/** Why no spill can help when TFLM's tail estimate (`reserved` bytes) alone fills `capacity`. */
export const tailFills = (reserved: number, capacity: number): string =>
  `TFLM's tail estimate alone (${reserved} B) fills the capacity (${capacity} B): no on-chip room is left for the head, no spill can help`;

/**
 * Why a spill failed, naming the kernels' scratch when `pinned` (the subgraph's problem with its
 * scratch, withPinnedScratch) holds some: the most scratch one operator needs is kept on chip with
 * the buffers that may not spill, within `room` bytes.
 */
function scratchFailure(pinned: Problem, problem: Problem, room: number, failure: string): string {
  if (pinned === problem) return failure;
  const perStep = new Map<number, number>();
  for (const b of pinned.buffers.slice(problem.buffers.length)) perStep.set(b.start, (perStep.get(b.start) ?? 0) + b.size);
  const [step, bytes] = [...perStep].reduce((a, b) => (b[1] > a[1] ? b : a));
  return `${failure} (on-chip room ${room} B; the kernels' scratch TFLM places in the head must stay on chip: up to ${bytes} B at step ${step})`;
}

/**
 * The tflmArena options of a TFLite model's plans after spilling (no TFLM facts: TFLM cannot run a
 * DDR arena): the tail the plans were spilled beside (tflmTailReserve, its scratch requests counted)
 * and, when the kernels request scratch, the head as the on-chip arena with the room the spill kept
 * for it (modelArena over the plans' peaks, rounded up to 16 as TFLM rounds).
 */
export function spilledArenaOptions(model: ImportedModel, results: readonly PlanResult[], how: ModelPlanOptions = {}): TflmArenaOptions {
  const { arena } = tflmTailReserve(model, how.tail);
  if (scratchRoom(model, how.tail?.kernels) === undefined) return arena;
  return { ...arena, headWithScratch: alignUp(modelArena(model, results).size, TFLM_ALIGNMENT) };
}
