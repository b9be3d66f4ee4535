/**
 * A model planned over memory tiers (issue #13): each subgraph's buffers get the traffic the model
 * graph gives them (src/graph/traffic.ts) as their weight, and are planned by planTiers() in order,
 * subgraph 0 first, each within what the earlier subgraphs leave of every memory (stacked per memory,
 * each base aligned to 16, as subgraphBases stacks one arena).
 */
import { modelArena, subgraphBases, tensorOffsets } from './export/tensor-offsets.js';
import { alignUp } from './format/bytes.js';
import { TFLM_ALIGNMENT } from './runtime/tflm/allocation.js';
import { tflmArena } from './runtime/tflm/arena.js';
import { headWithScratch, scratchRoom, withPinnedScratch, type ScratchRoom } from './runtime/tflm/scratch-room.js';
import { tflmTailReserve, type TailReserveOptions } from './runtime/tflm/tail-reserve.js';
import { bufferTraffic, readerCounts } from './graph/traffic.js';
import type { ImportedModel, ModelSubgraph } from './import/model.js';
import { InputError } from './problem/errors.js';
import type { MemoryTier, Problem } from './problem/types.js';
import type { SolveOptions, SolveResult } from './solve/solve.js';
import { planTiers, type TieredPlan } from './solve/tiers/index.js';
import { Deadline } from './solve/deadline.js';

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

/** A tiered plan's buffers in the first memory as the tensor maps read them (tensorOffsets): the first memory is the TFLM arena, the others "DDR". */
export const firstMemoryPlans = (plans: readonly TieredPlan[]): Parameters<typeof tensorOffsets>[1] =>
  plans.map((p) => ({ offsets: p.offsets, peak: p.usage[0]?.used ?? 0, spill: { memory: p.memory.map((m) => (m === 0 ? 'chip' : 'ddr')), ddrPeak: 0 } }));

/**
 * Subgraph `s`'s problem with its kernels' scratch as buffers pinned to the first memory
 * (withPinnedScratch: `spillable: false`, which the tiers keep in memory 0), each of weight 0 (the
 * scratch is there whatever the assignment: it adds no traffic to choose by).
 */
function withTiersScratch(problem: Problem, s: number, room: ScratchRoom): Problem {
  const pinned = withPinnedScratch(problem, s, room);
  const n = problem.buffers.length;
  return pinned === problem ? problem : { ...pinned, buffers: pinned.buffers.map((b, i) => (i < n ? b : { ...b, weight: 0 })) };
}

/**
 * A tiered plan of `withTiersScratch(problem, ...)` cut back to `problem`'s buffers (the tensors):
 * memory 0's `used` stays its arena WITH the scratch kept there (the room the head needs; the
 * subgraphs after it stack above), its `buffers` and `bytes` count the tensors only.
 */
function tensorsOfTiered(problem: Problem, withScratch: Problem, plan: TieredPlan): TieredPlan {
  const n = problem.buffers.length;
  if (withScratch === problem || plan.memory.length === 0) return plan;
  const scratch = withScratch.buffers.slice(n);
  const bytes = scratch.reduce((a, b) => a + b.size, 0);
  return {
    ...plan,
    memory: plan.memory.slice(0, n),
    offsets: plan.offsets.slice(0, n),
    usage: plan.usage.map((u, m) => (m === 0 ? { ...u, buffers: u.buffers - scratch.length, bytes: u.bytes - bytes } : u)),
  };
}

/** How a TFLite model's tiers plan counts TFLM (planModelTiers, tflmTiers): the tail's pointer size and the kernels whose scratch the head holds. */
export type TiersTflmOptions = TailReserveOptions;

/**
 * Every subgraph of `model` over `memories` (planStackedTiers), weights their traffic (withTraffic),
 * exact where GLPK finishes (planTiers; the placements by `solveOne`, default inline). With a read-only memory (flash), the model's weights take
 * part: import it with `includeWeights` so that they are buffers (see withTraffic).
 *
 * A TFLite model runs in ONE TensorFlow Lite Micro arena, and that arena is in the first memory
 * (memories[0], the fastest, where the tiers keep every pinned buffer), as `--capacity C` puts it on
 * chip: TFLM's persistent tail (tflmTailReserve, estimated before the plan) takes the end of it, so
 * the subgraphs are planned within its capacity less the tail, and the kernels' scratch TFLM places in
 * the head (scratch-room.ts) stays there too. As src/plan-model.ts spillPhase: the plan as it comes
 * when everything lands in the first memory and TFLM's head with its scratch placed online
 * (headWithScratch) fits; else the subgraphs planned again with their scratch as buffers pinned to the
 * first memory (withPinnedScratch), cut back to the tensors (memory 0's `used` keeps the scratch's
 * room). When the tail alone fills the first memory, subgraph 0 has no plan (status infeasible, its
 * failure says so). `tflm` tells how the tail is estimated (pointer size, kernels: default reference).
 * The plans' memory 0 has the capacity left beside the tail; tflmTiers gives the figures.
 */
export function planModelTiers(
  model: ImportedModel,
  memories: readonly MemoryTier[],
  options: SolveOptions = {},
  solveOne?: (p: Problem, o: SolveOptions) => SolveResult | Promise<SolveResult>,
  tflm: TiersTflmOptions = {},
): Promise<TieredPlan[]> {
  const problems = model.subgraphs.map((sg) => withTraffic(sg, memories));
  const shared = tiersDeadline(options);
  return planModelProblemsTiers(model, problems, memories, (p, m) => planTiers(p, m, shared, solveOne), tflm);
}

/**
 * `options` with ONE deadline for every tiers plan made with them (each subgraph, and both passes of a
 * TFLite model with kernel scratch): the given `deadline`, or `timeLimitMs` (default 10 s) from now,
 * whichever ends first; `timeLimitMs` dropped (it would start afresh at each call).
 */
export function tiersDeadline(options: SolveOptions): SolveOptions {
  const { timeLimitMs, ...rest } = options;
  return { ...rest, deadline: options.deadline?.within(timeLimitMs ?? Infinity) ?? Deadline.in(timeLimitMs ?? 10_000) };
}

/**
 * planModelTiers() on `problems` (one per subgraph of `model`, its buffers in the same order: the
 * subgraphs' problems with the weights a caller chose, e.g. withTraffic's), each planned by `planOne`
 * (planTiers, or planTiersAsync on the page) within what the earlier ones leave (planStackedTiers);
 * for a TFLite model, beside TFLM's tail and with room for the kernels' scratch in the first memory.
 * `planOne` is called once per subgraph, twice when the scratch needs the second pass: give every
 * call the same deadline (tiersDeadline) so that the whole keeps to one time limit.
 */
export async function planModelProblemsTiers(
  model: ImportedModel,
  problems: readonly Problem[],
  memories: readonly MemoryTier[],
  planOne: (problem: Problem, memories: readonly MemoryTier[]) => Promise<TieredPlan>,
  tflm: TiersTflmOptions = {},
): Promise<TieredPlan[]> {
  const plan = (ps: readonly Problem[], mems: readonly MemoryTier[]): Promise<TieredPlan[]> => planStackedTiers(ps, mems, planOne);
  // A read-only first memory (flash listed first) holds no arena: TFLM's is not counted (--write-tflite is refused there).
  if (model.format !== 'tflite' || memories.length === 0 || memories[0]!.readOnly === true) return plan(problems, memories);
  const first = memories[0]!;
  const tail = tflmTailReserve(model, tflm).tail.bytes;
  const room = first.capacity === undefined ? undefined : first.capacity - tail;
  if (room !== undefined && room <= 0) return [tailFillsPlan(memories, first.capacity!, tail)];
  const mems = memories.map((mem, m): MemoryTier => (m === 0 && room !== undefined ? { ...mem, capacity: room } : { ...mem }));
  const plain = await plan(problems, mems);
  const scratch = scratchRoom(model, tflm.kernels);
  // Unbounded, the first memory holds any head TFLM reaches with its scratch.
  if (scratch === undefined || room === undefined) return plain;
  const ok = plain.length === problems.length && plain.every((p) => p.memory.length > 0);
  if (ok && plain.every((p) => p.memory.every((m) => m === 0 || memories[m]!.readOnly === true)) && headWithScratch(model, scratch, firstMemoryPlans(plain)) <= room) return plain;
  const pinned = problems.map((p, s) => withTiersScratch(p, s, scratch));
  const planned = await plan(pinned, mems);
  return planned.map((p, s) => tensorsOfTiered(problems[s]!, pinned[s]!, p));
}

/**
 * Whether TFLM's persistent tail estimate alone fills the first memory of a TFLite model's tiers
 * (planModelTiers then has no plan: no assignment can help, as no spill can under --capacity).
 */
export function tailFillsFirst(model: ImportedModel, memories: readonly MemoryTier[], tflm: TiersTflmOptions = {}): boolean {
  const capacity = memories[0]?.capacity;
  return model.format === 'tflite' && memories[0]!.readOnly !== true && capacity !== undefined && capacity - tflmTailReserve(model, tflm).tail.bytes <= 0;
}

/** Subgraph 0's plan when TFLM's tail alone fills the first memory: none (infeasible), saying so. */
function tailFillsPlan(memories: readonly MemoryTier[], capacity: number, tail: number): TieredPlan {
  const first = memories[0]!;
  return {
    memories: [...memories],
    memory: [],
    offsets: [],
    usage: memories.map((mem) => ({ name: mem.name, ...(mem.capacity !== undefined ? { capacity: mem.capacity } : {}), cost: mem.cost, used: 0, bound: 0, method: '-', buffers: 0, bytes: 0, traffic: 0 })),
    cost: Infinity,
    bound: Infinity,
    gap: Infinity,
    status: 'infeasible',
    how: 'checked',
    rounds: 0,
    baselineCost: Infinity,
    failure:
      `TFLite Micro's persistent tail (estimate ${tail} B) alone fills memory "${first.name}" (${capacity} B), where its one arena lives, ` +
      'head and tail: no plan can help; give the first memory more room',
    timeMs: 0,
  };
}

/** A TFLite model's TensorFlow Lite Micro arena in a tiered plan (tflmTiers): what the first memory holds. */
export interface TflmTiers {
  /** The memory holding TFLM's arena: the first (index 0). */
  memory: string;
  /** Its capacity as given, bytes; absent when unbounded. */
  capacity?: number;
  /**
   * The head in it, bytes: when every buffer lives there (TFLM can run the plan), TFLM's head with the
   * kernels' scratch placed online around the tensors (tflmArena, headWithScratch; each tensor
   * rounded up to 16); else the plan's arena there, the subgraphs stacked, with the room kept for the
   * scratch, rounded up to 16.
   */
  head: number;
  /** The kernels' scratch requests (0 when none) and the most bytes of it live at one step. */
  scratchRequests: number;
  /** TFLM's persistent tail estimate, bytes (tflmTailReserve; a lower bound when `tailUnknown` names operators). */
  tail: number;
  /** Operators whose kernels' data the tail estimate has no rule for (tail.ts). */
  tailUnknown: string[];
  /** head + tail: the kTensorArenaSize to give TFLM, an estimate. */
  total: number;
  /** total <= capacity (true when unbounded). */
  fits: boolean;
  /** Every planned buffer, weights read in place from a read-only memory aside, is in the first memory: the written model runs in TFLM. */
  single: boolean;
}

/**
 * The TFLM arena of a TFLite model's tiered plans (planModelTiers; every subgraph with a plan) over
 * `memories` as given (memory 0's capacity before the tail); undefined for other models, and when the
 * first memory is read-only (flash listed first: no arena there).
 */
export function tflmTiers(model: ImportedModel, plans: readonly TieredPlan[], memories: readonly MemoryTier[], tflm: TiersTflmOptions = {}): TflmTiers | undefined {
  if (model.format !== 'tflite' || memories.length === 0 || memories[0]!.readOnly === true) return undefined;
  const first = memories[0]!;
  const reserve = tflmTailReserve(model, tflm);
  const single = plans.every((p) => p.memory.every((m) => m === 0 || memories[m]!.readOnly === true));
  const room = scratchRoom(model, tflm.kernels);
  const tensorPlans = firstMemoryPlans(plans);
  const offsets = tensorOffsets(model, tensorPlans);
  const withScratch = room === undefined ? undefined : single ? headWithScratch(model, room, tensorPlans) : modelArena(model, tensorPlans).size;
  const arena = tflmArena(model, offsets, { ...reserve.arena, ...(withScratch !== undefined ? { headWithScratch: alignUp(withScratch, TFLM_ALIGNMENT) } : {}) });
  const head = arena.head;
  const total = head + reserve.tail.bytes;
  return {
    memory: first.name,
    ...(first.capacity !== undefined ? { capacity: first.capacity } : {}),
    head,
    scratchRequests: reserve.arena.scratchRequests ?? 0,
    tail: reserve.tail.bytes,
    tailUnknown: [...reserve.tail.unknown],
    total,
    fits: first.capacity === undefined || total <= first.capacity,
    single,
  };
}
