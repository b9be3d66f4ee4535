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
  /** allowed[i][m]: buffer i may live in memory m (its `memories`; only memory 0 when pinned). */
  allowed: boolean[][];
  /** Traffic of buffer i per inference, bytes (`weight`, default its size). */
  weight: number[];
  /** Cost of memory m per byte of traffic. */
  cost: number[];
  /** Bytes buffer i counts in memory m's capacity rows (rounded up to the alignment, see countedSizes). */
  counted: number[][];
  /** Memory m's capacity as the rows count it (Infinity when unbounded). */
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
  const allowed = bs.map((b, i) => memories.map((mem, m) => (pinned(problem, i) ? m === 0 : true) && (b.memories === undefined || b.memories.includes(mem.name))));
  const rows = memories.map((mem, m) => countedSizes(problem, mem, (i) => allowed[i]![m]!));
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
