/**
 * Memory tiers (DESIGN.md "Growing the problem"): the data every tiers solver shares — the *units* a
 * memory is chosen for, which memories each may use, what it costs in each, the bytes it counts in each
 * memory's per-step capacity rows, and the live sets those rows are over. Plain data, built once per problem.
 *
 * A unit is a buffer; in a problem with gaps or aliases (src/problem/relative.ts) it is a *block* — a
 * root with its aliases — which goes to one memory as a whole (its members are never split across
 * memories), and counts in a row only the bytes it holds live there (a buffer with gaps occupies its
 * memory only while live, an alias's bytes once with its root's).
 */
import { blocksOf, footprint, hasTies } from '../../problem/relative.js';
import type { MemoryTier, Problem } from '../../problem/types.js';
import { liveSets } from '../ilp/sections.js';

/** A unit's place in one live set: the bytes it holds live there and what it counts in each memory's row. */
export interface RowEntry {
  /** The unit (index into TierInstance.units). */
  unit: number;
  /** The live set (index into TierInstance.sets). */
  set: number;
  /** Bytes the unit holds live in that set. */
  bytes: number;
  /** counted[m]: bytes it counts in memory m's row there (`bytes`, or rounded up to the alignment: countedSizes). */
  counted: number[];
}

/**
 * A tiers problem ready for the solvers. Indices: u a unit, i a buffer of `problem.buffers`, m a
 * memory, t a live set. In a problem without gaps or aliases unit u is buffer u.
 */
export interface TierInstance {
  problem: Problem;
  memories: readonly MemoryTier[];
  /** units[u]: the buffers of unit u (one buffer; or a block, its root first). */
  units: number[][];
  /** unitOf[i]: the unit buffer i belongs to. */
  unitOf: number[];
  /**
   * allowed[u][m]: unit u may live in memory m — every buffer of it may (its `memories`; only memory 0
   * when pinned; a read-only memory only when its `memories` names it) and, in a memory with an
   * `align`, every member's offset from the block's base is a multiple of it.
   */
  allowed: boolean[][];
  /** Whether unit u must stay in the first memory (a buffer of it has `spillable: false` or a fixed offset). */
  pinned: boolean[];
  /** Whether unit u may use every memory (no buffer of it names its `memories`), read-only ones aside. */
  free: boolean[];
  /** Traffic of unit u per inference, bytes: the sum of its buffers' `weight` (default each one's size). */
  weight: number[];
  /** Bytes unit u spans: a buffer's size, a block's height (its greatest delta + size). */
  size: number[];
  /** Steps [first, last) of unit u: from its earliest start to its latest end. */
  span: [number, number][];
  /** Cost of memory m per byte of traffic. */
  cost: number[];
  /** Memory m's capacity as the rows count it (Infinity when unbounded or read-only: no arena there, validateMemories checks its total). */
  rowCapacity: number[];
  /** The distinct live sets of units (every two units live at one step share one), each unit at most once. */
  sets: RowEntry[][];
  /** rows[u]: the live sets unit u is in (its entries of `sets`). */
  rows: RowEntry[][];
}

/** Whether buffer i must stay in the first memory: `spillable: false`, or a fixed offset (an address there). */
export const pinned = (problem: Problem, i: number): boolean => problem.buffers[i]!.spillable === false || problem.buffers[i]!.offset !== undefined;

/** Buffer i's alignment in memory `mem`: its own and the memory's, whichever is larger (both powers of two). */
export const alignIn = (problem: Problem, i: number, mem: MemoryTier): number => Math.max(problem.buffers[i]!.align ?? 1, mem.align ?? 1);

/** Whether buffer i may live in memory m by its own fields (pinned: the first only; read-only: only when it names it). */
const mayUse = (problem: Problem, memories: readonly MemoryTier[], i: number, m: number): boolean => {
  const b = problem.buffers[i]!;
  const mem = memories[m]!;
  return (pinned(problem, i) ? m === 0 : true) && (mem.readOnly === true ? b.memories?.includes(mem.name) === true : b.memories === undefined || b.memories.includes(mem.name));
};

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
  return hasTies(problem) ? tiedInstance(problem, memories) : plainInstance(problem, memories);
}

/** The instance of a problem without gaps or aliases: one unit per buffer, each counting its (aligned) size over its live range. */
function plainInstance(problem: Problem, memories: readonly MemoryTier[]): TierInstance {
  const bs = problem.buffers;
  const allowed = bs.map((_, i) => memories.map((_, m) => mayUse(problem, memories, i, m)));
  const rows = memories.map((mem, m) => (mem.readOnly === true ? { sizes: bs.map((b) => b.size), capacity: Infinity } : countedSizes(problem, mem, (i) => allowed[i]![m]!)));
  const sets = liveSets(problem).map((set, t) => set.map((i): RowEntry => ({ unit: i, set: t, bytes: bs[i]!.size, counted: rows.map((r) => r.sizes[i]!) })));
  return {
    problem,
    memories,
    units: bs.map((_, i) => [i]),
    unitOf: bs.map((_, i) => i),
    allowed,
    pinned: bs.map((_, i) => pinned(problem, i)),
    free: bs.map((b) => b.memories === undefined),
    weight: bs.map((b) => b.weight ?? b.size),
    size: bs.map((b) => b.size),
    span: bs.map((b) => [b.start, b.end]),
    cost: memories.map((m) => m.cost),
    rowCapacity: rows.map((r) => r.capacity),
    sets,
    rows: rowsOf(sets, bs.length),
  };
}

/**
 * The instance of a problem with gaps or aliases: one unit per block (blocksOf), counting in each row
 * the bytes it holds live there (footprint: the union of its members' live bytes), raw — the rounding
 * to an alignment of countedSizes assumes each unit is one run of bytes, which a block with gaps is not.
 */
function tiedInstance(problem: Problem, memories: readonly MemoryTier[]): TierInstance {
  const bs = problem.buffers;
  const blocks = blocksOf(problem);
  const units = blocks.map((b) => b.members.map((m) => m.index));
  const unitOf = new Array<number>(bs.length).fill(-1);
  units.forEach((idx, u) => idx.forEach((i) => (unitOf[i] = u)));
  const allowed = blocks.map((block) =>
    memories.map((mem, m) => block.members.every((x) => mayUse(problem, memories, x.index, m) && x.delta % (mem.align ?? 1) === 0)),
  );
  // Each block's runs of live bytes, as plain buffers: the live sets of those are the units' live sets.
  const pieces = blocks.flatMap((block, u) => footprint(block.rects).map((f) => ({ unit: u, start: f.start, end: f.end, bytes: f.bytes })));
  const pieceSets = liveSets({ buffers: pieces.map((p, k) => ({ id: String(k), size: p.bytes, start: p.start, end: p.end })) });
  const sets = pieceSets.map((set, t) => set.map((k): RowEntry => ({ unit: pieces[k]!.unit, set: t, bytes: pieces[k]!.bytes, counted: memories.map(() => pieces[k]!.bytes) })));
  return {
    problem,
    memories,
    units,
    unitOf,
    allowed,
    pinned: units.map((idx) => idx.some((i) => pinned(problem, i))),
    free: units.map((idx) => idx.every((i) => bs[i]!.memories === undefined)),
    weight: units.map((idx) => idx.reduce((s, i) => s + (bs[i]!.weight ?? bs[i]!.size), 0)),
    size: blocks.map((b) => b.height),
    span: units.map((idx) => [Math.min(...idx.map((i) => bs[i]!.start)), Math.max(...idx.map((i) => bs[i]!.end))]),
    cost: memories.map((m) => m.cost),
    rowCapacity: memories.map((m) => (m.readOnly === true ? Infinity : (m.capacity ?? Infinity))),
    sets,
    rows: rowsOf(sets, units.length),
  };
}

/** Each unit's entries of `sets`. */
function rowsOf(sets: readonly RowEntry[][], units: number): RowEntry[][] {
  const rows: RowEntry[][] = Array.from({ length: units }, () => []);
  for (const set of sets) for (const e of set) rows[e.unit]!.push(e);
  return rows;
}

/** Each buffer's memory from each unit's. */
export const bufferMemory = (inst: TierInstance, unitMemory: readonly number[]): number[] => inst.unitOf.map((u) => unitMemory[u]!);

/** The buffers of the units in memory m, ascending. */
export const buffersIn = (inst: TierInstance, unitMemory: readonly number[], m: number): number[] =>
  inst.unitOf.flatMap((u, i) => (unitMemory[u] === m ? [i] : []));

/** Traffic cost of an assignment (memory index per unit): sum of weight x the memory's cost. */
export const costOf = (inst: TierInstance, memory: readonly number[]): number => memory.reduce((s, m, u) => s + inst.weight[u]! * inst.cost[m]!, 0);

/**
 * The per-step lower bound on the traffic cost of any plan: every unit at least at the cheapest
 * memory it may use, and at each live set the bytes the units free to move (no `memories`, not
 * pinned) hold there filled fractionally into the memories cheapest first (what the pinned ones leave
 * of the first), densest traffic per byte held there first — the least any plan pays there. The
 * largest over the sets. Valid because a placement needs every memory's live bytes within its
 * capacity at every step (a block counts the bytes it holds live in the set).
 */
export function stepBound(inst: TierInstance): number {
  const { cost, memories } = inst;
  const nu = inst.units.length;
  const cheapest = inst.allowed.map((a) => Math.min(...cost.filter((_, m) => a[m])));
  let base = 0;
  for (let u = 0; u < nu; u++) base += inst.weight[u]! * cheapest[u]!;
  if (memories.some((mem) => mem.readOnly === true)) return base + Math.max(0, ...inst.sets.map((set) => dualStepExtra(inst, set, cheapest)));
  const byCost = memories.map((_, m) => m).sort((x, y) => cost[x]! - cost[y]! || x - y);
  let best = base;
  for (const set of inst.sets) {
    const left = memories.map((m) => m.capacity ?? Infinity);
    for (const e of set) if (inst.pinned[e.unit]) left[0] = left[0]! - e.bytes;
    const rate = (e: RowEntry): number => inst.weight[e.unit]! / e.bytes;
    const movers = set.filter((e) => inst.free[e.unit] && !inst.pinned[e.unit]).sort((x, y) => rate(y) - rate(x) || x.unit - y.unit);
    let extra = 0;
    let k = 0;
    for (const e of movers) {
      let bytes = e.bytes;
      const r = rate(e);
      while (bytes > 0 && k < byCost.length) {
        const m = byCost[k]!;
        const take = Math.min(bytes, Math.max(0, left[m]!));
        extra += take * r * (cost[m]! - cheapest[e.unit]!);
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
 * flash): there the units differ in what they pay for the bytes no bounded memory takes (a weight
 * its flash cost, an activation the cheapest unbounded memory), so filling densest first is no longer
 * exact. Instead, by LP duality: unit u moved out of its fallback f_u (the cheapest unbounded memory
 * it may use, read-only ones included) into bounded memory m saves rate_u x (f_u - cost_m) per byte
 * it holds in the set; for any prices lambda_m >= 0 the savings are at most sum_m lambda_m x cap_m +
 * sum_u bytes_u x max(0, max_m (saving_um - lambda_m)), so sum_u weight_u x (f_u - cheapest_u) minus
 * that is a valid bound for every lambda. The prices come from a few rounds of coordinate descent
 * (each lambda_m the price at which the bytes that want m just fit it); any prices give a valid bound.
 */
function dualStepExtra(inst: TierInstance, set: readonly RowEntry[], cheapest: readonly number[]): number {
  const { cost, memories, allowed } = inst;
  const bounded = memories.flatMap((mem, m) => (mem.readOnly !== true && mem.capacity !== undefined ? [m] : []));
  const left = bounded.map((m) => Math.max(0, memories[m]!.capacity!));
  for (const e of set) if (inst.pinned[e.unit]) left[0] = left[0]! - (bounded[0] === 0 ? e.bytes : 0);
  for (let j = 0; j < left.length; j++) left[j] = Math.max(0, left[j]!);
  // Free: not pinned and allowed in every memory that is not read-only (activations and weights alike).
  const movers = set.filter((e) => !inst.pinned[e.unit] && memories.every((mem, m) => mem.readOnly === true || allowed[e.unit]![m]));
  if (movers.length === 0) return 0;
  const fallback = movers.map((e) => {
    const unbounded = memories.flatMap((mem, m) => (allowed[e.unit]![m] && (mem.readOnly === true || mem.capacity === undefined) ? [cost[m]!] : []));
    return unbounded.length > 0 ? Math.min(...unbounded) : cheapest[e.unit]!;
  });
  // saving[j][b]: per byte, mover j in bounded memory b instead of its fallback (<= 0: never worth it).
  const saving = movers.map((e, j) => bounded.map((m) => (inst.weight[e.unit]! / e.bytes) * (fallback[j]! - cost[m]!)));
  const price = bounded.map(() => 0);
  const bestOther = (j: number, skip: number): number => Math.max(0, ...bounded.map((_, b) => (b === skip ? 0 : saving[j]![b]! - price[b]!)));
  for (let round = 0; round < 4; round++) {
    bounded.forEach((_, b) => {
      // The bytes that want b at price p: those whose saving there beats every other option by more than p.
      const want = movers.map((e, j) => ({ t: saving[j]![b]! - bestOther(j, b), bytes: e.bytes })).filter((w) => w.t > 0).sort((x, y) => y.t - x.t);
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
  const upper = bounded.reduce((s, _, b) => s + price[b]! * left[b]!, 0) + movers.reduce((s, e, j) => s + e.bytes * Math.max(0, ...bounded.map((_, b) => saving[j]![b]! - price[b]!)), 0);
  const fallbackCost = movers.reduce((s, e, j) => s + inst.weight[e.unit]! * (fallback[j]! - cheapest[e.unit]!), 0);
  return Math.max(0, fallbackCost - upper);
}
