/**
 * Memory tiers (DESIGN.md "Growing the problem"): the data every tiers solver shares — which memories
 * each buffer may use, what it costs in each, the bytes it counts in each memory's per-step capacity
 * rows, and the live sets those rows are over. Plain data, built once per problem.
 */
import type { MemoryTier, Problem } from '../../problem/types.js';
import { liveSets } from '../ilp/sections.js';

/** A tiers problem ready for the solvers. Indices: i a buffer of `problem.buffers`, m a memory. */
export interface TierInstance {
  problem: Problem;
  memories: readonly MemoryTier[];
  /**
   * allowed[i][m]: buffer i may live in memory m (its `memories`; only memory 0 when pinned; a
   * read-only memory only when its `memories` names it).
   */
  allowed: boolean[][];
  /** Traffic of buffer i per inference, bytes (`weight`, default its size). */
  weight: number[];
  /** Cost of memory m per byte of traffic. */
  cost: number[];
  /** Bytes buffer i counts in memory m's capacity rows (rounded up to the alignment, see countedSizes). */
  counted: number[][];
  /** Memory m's capacity as the rows count it (Infinity when unbounded or read-only: no arena there, validateMemories checks its total). */
  rowCapacity: number[];
  /** The distinct live sets (liveSets: every pair that overlaps in time shares one). */
  sets: number[][];
  /** setsOf[i]: the live sets buffer i belongs to. */
  setsOf: number[][];
}

/** Whether buffer i must stay in the first memory: `spillable: false`, or a fixed offset (an address there). */
export const pinned = (problem: Problem, i: number): boolean => problem.buffers[i]!.spillable === false || problem.buffers[i]!.offset !== undefined;

/** Buffer i's alignment in memory `mem`: its own and the memory's, whichever is larger (both powers of two). */
export const alignIn = (problem: Problem, i: number, mem: MemoryTier): number => Math.max(problem.buffers[i]!.align ?? 1, mem.align ?? 1);

/**
 * The bytes each buffer counts in memory m's rows, and the capacity they must fit: when every buffer
 * that may live in m has the same alignment a > 1 there, each buffer live at a step but the topmost
 * takes its size rounded up to a, so the rounded sizes fit in the capacity plus the largest padding
 * (rounded down to a) — a necessary condition, as in problem/bounds.ts's aligned live bound and
 * spill-choice's alignedSizes. Otherwise the raw sizes and the capacity.
 */
function countedSizes(problem: Problem, mem: MemoryTier, may: (i: number) => boolean): { sizes: number[]; capacity: number } {
  const bs = problem.buffers;
  const capacity = mem.capacity ?? Infinity;
  const raw = bs.map((b) => b.size);
  const users = bs.map((_, i) => i).filter(may);
  const a = users.length > 0 ? alignIn(problem, users[0]!, mem) : 1;
  if (a <= 1 || users.some((i) => alignIn(problem, i, mem) !== a)) return { sizes: raw, capacity };
  const sizes = bs.map((b) => Math.ceil(b.size / a) * a);
  const pad = Math.max(0, ...users.map((i) => sizes[i]! - raw[i]!));
  return { sizes, capacity: capacity === Infinity ? capacity : Math.floor((capacity + pad) / a) * a };
}

/** Builds the instance of `problem` over `memories` (already validated: validateMemories). */
export function tierInstance(problem: Problem, memories: readonly MemoryTier[]): TierInstance {
  const bs = problem.buffers;
  const allowed = bs.map((b, i) => memories.map((mem, m) => (pinned(problem, i) ? m === 0 : true) && (mem.readOnly === true ? b.memories?.includes(mem.name) === true : b.memories === undefined || b.memories.includes(mem.name))));
  const rows = memories.map((mem, m) => (mem.readOnly === true ? { sizes: bs.map((b) => b.size), capacity: Infinity } : countedSizes(problem, mem, (i) => allowed[i]![m]!)));
  const sets = liveSets(problem);
  const setsOf: number[][] = bs.map(() => []);
  sets.forEach((set, t) => {
    for (const i of set) setsOf[i]!.push(t);
  });
  return {
    problem,
    memories,
    allowed,
    weight: bs.map((b) => b.weight ?? b.size),
    cost: memories.map((m) => m.cost),
    counted: bs.map((_, i) => rows.map((r) => r.sizes[i]!)),
    rowCapacity: rows.map((r) => r.capacity),
    sets,
    setsOf,
  };
}

/** Traffic cost of an assignment (memory index per buffer): sum of weight x the memory's cost. */
export const costOf = (inst: TierInstance, memory: readonly number[]): number => memory.reduce((s, m, i) => s + inst.weight[i]! * inst.cost[m]!, 0);

/**
 * The per-step lower bound on the traffic cost of any plan: every buffer at least at the cheapest
 * memory it may use, and at each live set the bytes of the buffers free to move (no `memories`, not
 * pinned) filled fractionally into the memories cheapest first (what the pinned ones leave of the
 * first), densest traffic per byte first — the least any plan pays there. The largest over the sets.
 * Valid because a placement needs every memory's live bytes within its capacity at every step.
 */
export function stepBound(inst: TierInstance): number {
  const { problem, cost, memories } = inst;
  const bs = problem.buffers;
  const cheapest = bs.map((_, i) => Math.min(...cost.filter((_, m) => inst.allowed[i]![m])));
  const base = bs.reduce((s, _, i) => s + inst.weight[i]! * cheapest[i]!, 0);
  if (memories.some((mem) => mem.readOnly === true)) return base + Math.max(0, ...inst.sets.map((set) => dualStepExtra(inst, set, cheapest)));
  const free = (i: number): boolean => bs[i]!.memories === undefined && !pinned(problem, i);
  const byCost = memories.map((_, m) => m).sort((x, y) => cost[x]! - cost[y]! || x - y);
  let best = base;
  for (const set of inst.sets) {
    const left = memories.map((m) => m.capacity ?? Infinity);
    for (const i of set) if (pinned(problem, i)) left[0] = left[0]! - bs[i]!.size;
    const movers = set.filter(free).sort((x, y) => inst.weight[y]! / bs[y]!.size - inst.weight[x]! / bs[x]!.size || x - y);
    let extra = 0;
    let k = 0;
    for (const i of movers) {
      let bytes = bs[i]!.size;
      const rate = inst.weight[i]! / bytes;
      while (bytes > 0 && k < byCost.length) {
        const m = byCost[k]!;
        const take = Math.min(bytes, Math.max(0, left[m]!));
        extra += take * rate * (cost[m]! - cheapest[i]!);
        left[m] = left[m]! - take;
        bytes -= take;
        if (bytes > 0) k++;
      }
    }
    best = Math.max(best, base + extra);
  }
  return best;
}

/**
 * stepBound's extra cost at one live set when some memory is read-only (weights that may stay in
 * flash): there the buffers differ in what they pay for the bytes no bounded memory takes (a weight
 * its flash cost, an activation the cheapest unbounded memory), so filling densest first is no longer
 * exact. Instead, by LP duality: buffer i moved out of its fallback f_i (the cheapest unbounded memory
 * it may use, read-only ones included) into bounded memory m saves rate_i x (f_i - cost_m) per byte;
 * for any prices lambda_m >= 0 the savings are at most sum_m lambda_m x cap_m + sum_i size_i x
 * max(0, max_m (saving_im - lambda_m)), so sum_i weight_i x (f_i - cheapest_i) minus that is a valid
 * bound for every lambda. The prices come from a few rounds of coordinate descent (each lambda_m the
 * price at which the bytes that want m just fit it); any prices give a valid bound.
 */
function dualStepExtra(inst: TierInstance, set: readonly number[], cheapest: readonly number[]): number {
  const { problem, cost, memories, allowed } = inst;
  const bs = problem.buffers;
  const bounded = memories.flatMap((mem, m) => (mem.readOnly !== true && mem.capacity !== undefined ? [m] : []));
  const left = bounded.map((m) => Math.max(0, memories[m]!.capacity!));
  for (const i of set) if (pinned(problem, i)) left[0] = left[0]! - (bounded[0] === 0 ? bs[i]!.size : 0);
  for (let j = 0; j < left.length; j++) left[j] = Math.max(0, left[j]!);
  // Free: not pinned and allowed in every memory that is not read-only (activations and weights alike).
  const movers = set.filter((i) => !pinned(problem, i) && memories.every((mem, m) => mem.readOnly === true || allowed[i]![m]));
  if (movers.length === 0) return 0;
  const fallback = movers.map((i) => {
    const unbounded = memories.flatMap((mem, m) => (allowed[i]![m] && (mem.readOnly === true || mem.capacity === undefined) ? [cost[m]!] : []));
    return unbounded.length > 0 ? Math.min(...unbounded) : cheapest[i]!;
  });
  // saving[j][b]: per byte, mover j in bounded memory b instead of its fallback (<= 0: never worth it).
  const saving = movers.map((i, j) => bounded.map((m) => (inst.weight[i]! / bs[i]!.size) * (fallback[j]! - cost[m]!)));
  const price = bounded.map(() => 0);
  const bestOther = (j: number, skip: number): number => Math.max(0, ...bounded.map((_, b) => (b === skip ? 0 : saving[j]![b]! - price[b]!)));
  for (let round = 0; round < 4; round++) {
    bounded.forEach((_, b) => {
      // The bytes that want b at price p: those whose saving there beats every other option by more than p.
      const want = movers.map((i, j) => ({ t: saving[j]![b]! - bestOther(j, b), bytes: bs[i]!.size })).filter((w) => w.t > 0).sort((x, y) => y.t - x.t);
      let bytes = 0;
      price[b] = 0;
      for (const w of want) {
        bytes += w.bytes;
        if (bytes > left[b]!) {
          price[b] = w.t;
          break;
        }
      }
    });
  }
  const upper = bounded.reduce((s, _, b) => s + price[b]! * left[b]!, 0) + movers.reduce((s, i, j) => s + bs[i]!.size * Math.max(0, ...bounded.map((_, b) => saving[j]![b]! - price[b]!)), 0);
  const fallbackCost = movers.reduce((s, i, j) => s + inst.weight[i]! * (fallback[j]! - cheapest[i]!), 0);
  return Math.max(0, fallbackCost - upper);
}
