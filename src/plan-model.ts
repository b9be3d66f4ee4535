import type { Baselines } from './export/model-report.js';
import { modelArena, subgraphBases } from './export/tensor-offsets.js';
import type { ImportedModel } from './import/model.js';
import type { Plan, Problem } from './problem/types.js';
import { solve, type SolveOptions, type SolveResult } from './solve/solve.js';
import { planWithSpill, planWithSpillAsync, spillOptions, type PlanResult } from './solve/spill.js';
import { tflmTailReserve, type TailReserveOptions } from './runtime/tflm/tail-reserve.js';

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
  const results: PlanResult[] = [];
  const whole = !spills(capacity, reserved, how) || fitsWhole(model, wholes, capacity - reserved);
  wholes.forEach((plan, s) => {
    const sg = model.subgraphs[s]!;
    results.push(whole ? plan : planWithSpill(sg.problem, plan, spillOptions(options, plan), capacityLeft(results, capacity! - reserved)));
  });
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
  const results = !spills(capacity, reserved, how) ? wholes : await spillSubgraphsWith(problems, wholes, options, capacity, solveOne, reserved, model);
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
 * TFLM's tail for a TFLite model). The plans stay whole when the reserve leaves nothing (they do
 * not fit; no spill can help) or when `model`'s one arena of them fits the room. The same plans as
 * planModel().
 */
export async function spillSubgraphsWith(
  problems: readonly Problem[],
  wholes: readonly SolveResult[],
  options: SolveOptions,
  capacity: number,
  solveOne: (problem: Problem, options: SolveOptions) => Promise<SolveResult>,
  reserved = 0,
  model?: ImportedModel,
): Promise<PlanResult[]> {
  if (!spills(capacity, reserved, {}) || fitsWhole(model, wholes, capacity - reserved)) return [...wholes];
  const results: PlanResult[] = [];
  for (const [s, whole] of wholes.entries()) {
    results.push(await planWithSpillAsync(problems[s]!, whole, spillOptions(options, whole), capacityLeft(results, capacity - reserved), solveOne));
  }
  return results;
}
