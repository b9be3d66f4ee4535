/**
 * A model planned over memory tiers (issue #13): each subgraph's buffers get the traffic the model
 * graph gives them (src/graph/traffic.ts) as their weight, and are planned by planTiers() in order,
 * subgraph 0 first, each within what the earlier subgraphs leave of every memory (stacked per memory,
 * each base aligned to 16, as subgraphBases stacks one arena).
 */
import { subgraphBases } from './export/tensor-offsets.js';
import { bufferTraffic, readerCounts } from './graph/traffic.js';
import type { ImportedModel, ModelSubgraph } from './import/model.js';
import { InputError } from './problem/errors.js';
import type { MemoryTier, Problem } from './problem/types.js';
import type { SolveOptions, SolveResult } from './solve/solve.js';
import { planTiers, type TieredPlan } from './solve/tiers/index.js';

/** Whether buffer i of the subgraph holds weights: every tensor in it a constant (planned with --include-weights). */
export const isWeightBuffer = (sg: ModelSubgraph, i: number): boolean => {
  const tensors = sg.tensorsOf[i] ?? [];
  return tensors.length > 0 && tensors.every((t) => sg.tensors[t]?.kind === 'constant');
};

/**
 * The subgraph's problem with each buffer's weight set to its traffic per inference (an explicit
 * weight stays). With a read-only memory among `memories` (flash: `--weights`), each weight buffer
 * may live in every memory — in flash (read in place) or copied into a faster one for the whole run
 * — while the other buffers may not use the read-only one (MemoryTier.readOnly).
 */
export function withTraffic(sg: ModelSubgraph, memories: readonly MemoryTier[] = []): Problem {
  const readers = readerCounts(sg.operators, sg.tensorCount);
  const tensors = sg.tensors;
  const weights = memories.some((mem) => mem.readOnly === true);
  const all = memories.map((mem) => mem.name);
  return {
    ...sg.problem,
    buffers: sg.problem.buffers.map((b, i) => ({
      ...b,
      weight: b.weight ?? bufferTraffic(b.size, sg.tensorsOf[i] ?? [], readers, tensors),
      ...(weights && b.memories === undefined && isWeightBuffer(sg, i) ? { memories: all } : {}),
    })),
  };
}

/** Whether a memory holds a model's weights with --weights: the one named flash (any case). */
export const isFlash = (mem: MemoryTier): boolean => mem.name.toLowerCase() === 'flash';

/**
 * The memories of a model's tiers plan: with `weights` (--weights; the page's weights box) the memory
 * named flash becomes read-only (MemoryTier.readOnly: the weights are stored there; each stays or is
 * copied into a faster memory; activations never go there). Throws an InputError when `weights` has
 * no flash memory, or a flash memory comes without `weights`.
 */
export function weightTiers(memories: readonly MemoryTier[], weights: boolean): MemoryTier[] {
  const flash = memories.filter(isFlash);
  if (weights && flash.length === 0) throw new InputError('--weights needs a memory named flash, where the weights are stored and read in place, its cost per byte given (e.g. --memory flash::8, or flash=4MiB:8 with its size)', { field: 'memories' });
  if (!weights && flash.length > 0) {
    throw new InputError(`memory ${flash[0]!.name}: a memory named flash holds the model's weights, read-only: give --weights (on the page: check "weights") to let them take part (activations never live in flash), or name the memory otherwise`, { field: 'memories' });
  }
  return memories.map((mem) => (isFlash(mem) ? { ...mem, readOnly: true } : { ...mem }));
}

/** Bytes of memory m the subgraphs before `s` take, stacked: where subgraph s's arena in m starts. */
export const tierBase = (plans: readonly TieredPlan[], m: number): number => subgraphBases([...plans.map((p) => ({ peak: p.usage[m]?.used ?? 0 })), { peak: 0 }])[plans.length]!;

/**
 * Plans `problems` (the subgraphs of a model, in order) over `memories` with `planOne`, each within
 * what the earlier ones leave of every memory. A memory the earlier ones filled is left out of the
 * later ones (their buffers may not use it). Stops at the first problem with no plan (its plan says
 * why); the plans so far are returned.
 */
export async function planStackedTiers(
  problems: readonly Problem[],
  memories: readonly MemoryTier[],
  planOne: (problem: Problem, memories: readonly MemoryTier[]) => Promise<TieredPlan>,
): Promise<TieredPlan[]> {
  const plans: TieredPlan[] = [];
  for (const original of problems) {
    // A read-only memory has no arena to stack: each subgraph's weights are stored there already.
    const left = memories.map((mem, m) => (mem.capacity === undefined || mem.readOnly === true ? undefined : mem.capacity - tierBase(plans, m)));
    const mems = memories.map((mem, m): MemoryTier => (left[m] === undefined ? { ...mem } : { ...mem, capacity: Math.max(1, left[m]!) }));
    const full = new Set(memories.flatMap((mem, m) => (left[m] !== undefined && left[m]! <= 0 ? [mem.name] : [])));
    // Without `memories`, a buffer may use every memory but a read-only one.
    const usable = memories.filter((mem) => mem.readOnly !== true).map((mem) => mem.name);
    const problem = full.size === 0 ? original : { ...original, buffers: original.buffers.map((b) => ({ ...b, memories: (b.memories ?? usable).filter((name) => !full.has(name)) })) };
    const plan = await planOne(problem, mems);
    plans.push(plan);
    if (plan.memory.length === 0) break;
  }
  return plans;
}

/**
 * Every subgraph of `model` over `memories` (planStackedTiers), weights their traffic (withTraffic),
 * exact where GLPK finishes (planTiers; the placements by `solveOne`, default inline). With a read-only memory (flash), the model's weights take
 * part: import it with `includeWeights` so that they are buffers (see withTraffic).
 */
export function planModelTiers(
  model: ImportedModel,
  memories: readonly MemoryTier[],
  options: SolveOptions = {},
  solveOne?: (p: Problem, o: SolveOptions) => SolveResult | Promise<SolveResult>,
): Promise<TieredPlan[]> {
  return planStackedTiers(model.subgraphs.map((sg) => withTraffic(sg, memories)), memories, (p, m) => planTiers(p, m, options, solveOne));
}
