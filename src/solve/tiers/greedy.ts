/**
 * Heuristics for memory tiers, for when the exact assignment (GLPK) runs out of time or is not at
 * hand: greedy by traffic per byte, then a local search of moves and swaps between memories, both
 * over the per-step capacity rows (placement is checked after, by solve()); and the baseline the
 * bench measures against: fill-fastest-first, what ExecuTorch's banked planner does.
 */
import type { Buffer } from '../../problem/types.js';
import { blocksOf, hasTies } from '../../problem/relative.js';
import { fromBases, lowestBase } from '../blocks.js';
import { alignIn, bufferMemory, type TierInstance } from './instance.js';

/** Per memory, the counted bytes live in each live set: what the capacity rows see. */
class Loads {
  readonly load: Float64Array[];
  constructor(private readonly inst: TierInstance) {
    this.load = inst.memories.map(() => new Float64Array(inst.sets.length));
  }
  /** Whether unit u fits memory m's rows (with unit `freed` taken out of them first, when given). */
  fits(u: number, m: number, freed = -1): boolean {
    const { rows, rowCapacity } = this.inst;
    const cap = rowCapacity[m]!;
    if (cap === Infinity) return true;
    const l = this.load[m]!;
    const freedAt = freed >= 0 ? new Map(rows[freed]!.map((e) => [e.set, e.counted[m]!])) : undefined;
    return rows[u]!.every((e) => l[e.set]! + e.counted[m]! - (freedAt?.get(e.set) ?? 0) <= cap);
  }
  add(u: number, m: number, sign: 1 | -1): void {
    const l = this.load[m]!;
    for (const e of this.inst.rows[u]!) l[e.set] = l[e.set]! + sign * e.counted[m]!;
  }
}

/** Memories in the order of their cost, cheapest first (ties: the faster, earlier one). */
const byCost = (inst: TierInstance): number[] => inst.memories.map((_, m) => m).sort((x, y) => inst.cost[x]! - inst.cost[y]! || x - y);

/**
 * Greedy by traffic per byte: pinned units first, then the others densest traffic per byte first
 * (ties: larger, then earlier), each into the cheapest memory it may use whose capacity rows still
 * take it. Returns the memory of each unit, or undefined when some unit fits nowhere.
 */
export function greedyByDensity(inst: TierInstance): number[] | undefined {
  const { size, weight } = inst;
  const loads = new Loads(inst);
  const memory = new Array<number>(inst.units.length).fill(-1);
  const order = inst.units
    .map((_, u) => u)
    .sort((x, y) => Number(inst.pinned[y]) - Number(inst.pinned[x]) || weight[y]! / size[y]! - weight[x]! / size[x]! || size[y]! - size[x]! || x - y);
  const cheap = byCost(inst);
  for (const u of order) {
    const m = cheap.find((m) => inst.allowed[u]![m] && loads.fits(u, m));
    if (m === undefined) return undefined;
    memory[u] = m;
    loads.add(u, m, 1);
  }
  return memory;
}

/** Steps of improveAssignment's loops (pairs looked at) between two looks at its `stop`. */
const IMPROVE_STOP_EVERY = 4096;

/**
 * Improves an assignment (a memory per unit) within the capacity rows: moves a unit to a cheaper
 * memory that takes it, or swaps two units between memories when that lowers the cost, until no move
 * or swap helps or `maxWork` pair checks are spent (deterministic: a budget of work, not of time),
 * or `stop()` says so (asked every IMPROVE_STOP_EVERY pairs looked at; a command's deadline: the assignment
 * so far, valid, and `cut` returned). Changes `memory`; returns it, or `cut`.
 */
export function improveAssignment(inst: TierInstance, memory: number[], maxWork = 2e6, stop: () => boolean = () => false): number[] | 'cut' {
  const { cost, weight, allowed, span } = inst;
  const loads = new Loads(inst);
  memory.forEach((m, u) => loads.add(u, m, 1));
  const n = inst.units.length;
  const overlaps = (i: number, j: number): boolean => span[i]![0] < span[j]![1] && span[j]![0] < span[i]![1];
  let work = 0;
  let cut = false;
  // Whether to go on: false once the budget is spent or `stop` said so (asked every IMPROVE_STOP_EVERY calls).
  let calls = 0;
  const more = (): boolean => {
    if (++calls % IMPROVE_STOP_EVERY === 0 && !cut && stop()) cut = true;
    return work < maxWork && !cut;
  };
  for (let improved = true; improved && more(); ) {
    improved = false;
    for (let i = 0; i < n && !cut; i++) {
      const from = memory[i]!;
      for (let m = 0; m < inst.memories.length; m++) {
        if (!allowed[i]![m] || cost[m]! >= cost[from]!) continue;
        work++;
        if (!more() && cut) break;
        if (loads.fits(i, m)) {
          loads.add(i, from, -1);
          loads.add(i, m, 1);
          memory[i] = m;
          improved = true;
          break;
        }
      }
    }
    // Swaps: i (in a dearer memory) and j (in a cheaper one), worth it when i carries more traffic.
    for (let i = 0; i < n && more(); i++) {
      for (let j = 0; j < n && more(); j++) {
        const a = memory[i]!;
        const b = memory[j]!;
        if (cost[a]! <= cost[b]! || weight[i]! <= weight[j]! || !allowed[i]![b] || !allowed[j]![a] || !overlaps(i, j)) continue;
        work++;
        loads.add(j, b, -1);
        loads.add(i, a, -1);
        if (loads.fits(i, b) && loads.fits(j, a)) {
          loads.add(i, b, 1);
          loads.add(j, a, 1);
          memory[i] = b;
          memory[j] = a;
          improved = true;
        } else {
          loads.add(j, b, 1);
          loads.add(i, a, 1);
        }
      }
    }
  }
  return cut ? 'cut' : memory;
}

/**
 * Moves unit `u` out of memory `from` (where its set did not place) to the next memory after it
 * that it may use and whose capacity rows take it, or, failing that, any later one it may use. A
 * read-only memory it may use (a weight's flash: no arena, always takes it) counts as later wherever
 * it is listed. Returns false when there is none.
 */
export function demote(inst: TierInstance, memory: number[], u: number): boolean {
  return demoteAll(inst, memory, [u]);
}

/**
 * demote() of each unit of `units` in turn (each move seen by the next, as calls one after another),
 * with the memories' loads counted once and kept up to date as units move: a batch of thousands of
 * units costs one count of the loads, not one per unit (a plan over 3 memories spent 19 s of a 1 s
 * limit recounting them). Returns whether any unit moved.
 */
export function demoteAll(inst: TierInstance, memory: number[], units: readonly number[]): boolean {
  const loads = new Loads(inst);
  memory.forEach((m, j) => loads.add(j, m, 1));
  let moved = false;
  for (const u of units) {
    const from = memory[u]!;
    const later = inst.memories.map((_, m) => m).filter((m) => m !== from && (m > from || inst.memories[m]!.readOnly === true) && inst.allowed[u]![m]);
    const to = later.find((m) => loads.fits(u, m)) ?? later[later.length - 1];
    if (to === undefined) continue;
    loads.add(u, from, -1);
    loads.add(u, to, 1);
    memory[u] = to;
    moved = true;
  }
  return moved;
}

/** A plan of the baseline: each buffer's memory and offset in it, and each unit's memory. */
export interface BaselinePlan {
  memory: number[];
  offsets: number[];
  /** unitMemory[u]: the memory of unit u (TierInstance.units; one per buffer without gaps or aliases). */
  unitMemory: number[];
}

/**
 * The fill-fastest-first baseline (ExecuTorch's banked greedy planner, written here for measurement):
 * buffers largest first (ties: earlier start, then index), each into the first memory, fastest first,
 * that it may use and where it fits: at the lowest aligned offset free of the buffers already there
 * that overlap it in time, within the memory's capacity (a read-only memory takes every buffer that
 * may live there, at offset 0: no arena is planned there). With gaps or aliases, blocks (a root with
 * its aliases) instead of buffers, tallest first, each whole at the lowest base where its live bytes
 * meet none placed there (src/solve/blocks.ts lowestBase). Undefined when some unit fits nowhere.
 */
export function fillFastestFirst(inst: TierInstance): BaselinePlan | undefined {
  return fillFastestFirstUntil(inst, () => false) as BaselinePlan | undefined;
}

/** Buffers fillFastestFirstUntil places between two looks at `stop`. */
const STOP_EVERY = 1024;
/** Blocks (gaps or aliases) placed between two looks at `stop`: each reads every block placed in a memory. */
const STOP_EVERY_BLOCKS = 16;

/**
 * The lowest offset, a multiple of `align` (bytes), where `size` bytes are free of the buffers `others`
 * (indices into `bs`, at `offsets`, sorted by offset): the first-fit scan every placement here makes
 * over the buffers of a memory that overlap the one placed in time.
 */
function lowestFree(bs: readonly Buffer[], offsets: readonly number[], others: readonly number[], size: number, align: number): number {
  let at = 0;
  for (const j of others) {
    if (at + size <= offsets[j]!) break;
    at = Math.max(at, Math.ceil((offsets[j]! + bs[j]!.size) / align) * align);
  }
  return at;
}

/**
 * fillFastestFirst, given up when `stop()` says so (it is asked every STOP_EVERY buffers, every
 * STOP_EVERY_BLOCKS blocks with gaps or aliases): `cut` then. What a command's deadline calls on 10^5
 * buffers and more, where the baseline alone takes seconds.
 */
export function fillFastestFirstUntil(inst: TierInstance, stop: () => boolean): BaselinePlan | undefined | 'cut' {
  if (hasTies(inst.problem)) return fillBlocksFastestFirst(inst, stop);
  const bs = inst.problem.buffers;
  const memory = new Array<number>(bs.length).fill(-1);
  const offsets = new Array<number>(bs.length).fill(0);
  // Per memory, the buffers placed there, found by time (PlacedByTime): not a scan of all placed ones.
  const placed = inst.memories.map(() => new PlacedByTime(bs));
  const order = bs.map((_, i) => i).sort((x, y) => Number(bs[y]!.offset !== undefined) - Number(bs[x]!.offset !== undefined) || bs[y]!.size - bs[x]!.size || bs[x]!.start - bs[y]!.start || x - y);
  for (let k = 0; k < order.length; k++) {
    if (k % STOP_EVERY === STOP_EVERY - 1 && stop()) return 'cut';
    const i = order[k]!;
    const b = bs[i]!;
    let done = false;
    for (let m = 0; m < inst.memories.length && !done; m++) {
      if (!inst.allowed[i]![m]) continue;
      const mem = inst.memories[m]!;
      if (mem.readOnly === true) {
        // No arena there: the buffer stays where it is stored (validateMemories checked the total).
        memory[i] = m;
        done = true;
        continue;
      }
      const a = alignIn(inst.problem, i, mem);
      // Equal offsets in any order: the lowest free offset below does not depend on their order.
      const others = placed[m]!.overlapping(b.start, b.end).sort((x, y) => offsets[x]! - offsets[y]!);
      let at: number | undefined;
      if (b.offset !== undefined) at = others.every((j) => b.offset! + b.size <= offsets[j]! || offsets[j]! + bs[j]!.size <= b.offset!) ? b.offset : undefined;
      else at = lowestFree(bs, offsets, others, b.size, a);
      if (at === undefined || (mem.capacity !== undefined && at + b.size > mem.capacity)) continue;
      memory[i] = m;
      offsets[i] = at;
      placed[m]!.add(i);
      done = true;
    }
    if (!done) return undefined;
  }
  return { memory, offsets, unitMemory: memory.slice() };
}

/**
 * Places the buffers `add` (indices into inst.problem's buffers, none with a fixed offset) in memory
 * `m`, where the buffers `placed` already are at `offsets` (which stay): each in turn, largest first
 * (then earlier start, then index, as the baseline takes them), at the lowest offset aligned for `m`
 * that is free of every buffer there that overlaps it in time. No capacity is looked at: for an
 * unbounded memory. Writes `offsets[i]` of each added buffer and returns the memory's peak (bytes).
 * O(n log n) plus what the placements read (PlacedByTime), no solve: what the tiers planner ends with
 * when the time limit comes before every memory places, or when it cuts one arena into bands
 * (src/solve/tiers/planner.ts). Only the problem and the memories of `inst` are read.
 */
export function firstFitInto(inst: Pick<TierInstance, 'problem' | 'memories'>, m: number, placed: readonly number[], add: readonly number[], offsets: number[]): number {
  const bs = inst.problem.buffers;
  const tree = new PlacedByTime(bs);
  let peak = 0;
  for (const i of placed) {
    tree.add(i);
    peak = Math.max(peak, offsets[i]! + bs[i]!.size);
  }
  const order = [...add].sort((x, y) => bs[y]!.size - bs[x]!.size || bs[x]!.start - bs[y]!.start || x - y);
  for (const i of order) {
    const b = bs[i]!;
    const a = alignIn(inst.problem, i, inst.memories[m]!);
    const at = lowestFree(bs, offsets, tree.overlapping(b.start, b.end).sort((x, y) => offsets[x]! - offsets[y]!), b.size, a);
    offsets[i] = at;
    tree.add(i);
    peak = Math.max(peak, at + b.size);
  }
  return peak;
}

/** Buffers moveUp tries between two looks at its `stop`. */
const MOVE_UP_STOP_EVERY = 1024;

/**
 * Moves buffers up into faster (cheaper) memories where they fit, after a plan that leaves those partly
 * empty (the bands, src/solve/tiers/bands.ts: one arena cut by address puts in the first memory only what
 * lies low in that arena). The buffers some cheaper memory could take, by benefit — weight (default size)
 * x the cost saved in the cheapest memory, largest first; ties: smaller, then earlier index — each into the
 * cheapest memory, then the next, where it fits: at the lowest offset aligned for that memory that is free
 * of the buffers there overlapping it in time, its top within the capacity (first fit over its live
 * range). What a buffer leaves is free for the buffers after it. Changes `memory` and `offsets` (indices
 * into inst.problem's buffers; each valid before, so after: every move keeps the plan valid). Returns the
 * buffers moved, and `cut` when `stop()` said so (asked every MOVE_UP_STOP_EVERY buffers; the moves made
 * stand). For plain buffers (no gaps or aliases), none pinned or naming its memories, no read-only memory:
 * the bands' case (bandsOpen). Deterministic: no clock but `stop`.
 */
export function moveUp(inst: Pick<TierInstance, 'problem' | 'memories'>, memory: number[], offsets: number[], stop: () => boolean): { moved: number; cut: boolean } {
  const bs = inst.problem.buffers;
  const mems = inst.memories;
  const byCost = mems.map((_, m) => m).sort((x, y) => mems[x]!.cost - mems[y]!.cost || x - y);
  const cheapest = mems[byCost[0]!]!.cost;
  const dearest = Math.max(...mems.map((m) => m.cost));
  // A tree of the buffers in each memory that may take others (not the dearest ones); a buffer that moved out
  // stays listed where it was, and is skipped there (its memory is no longer that one).
  const trees = mems.map((mem) => (mem.cost < dearest ? new PlacedByTime(bs) : undefined));
  bs.forEach((_, i) => trees[memory[i]!]?.add(i));
  const gain = bs.map((b, i) => (b.weight ?? b.size) * (mems[memory[i]!]!.cost - cheapest));
  const order = bs.map((_, i) => i).filter((i) => gain[i]! > 0).sort((x, y) => gain[y]! - gain[x]! || bs[x]!.size - bs[y]!.size || x - y);
  let moved = 0;
  for (let k = 0; k < order.length; k++) {
    if (k % MOVE_UP_STOP_EVERY === MOVE_UP_STOP_EVERY - 1 && stop()) return { moved, cut: true };
    const i = order[k]!;
    const b = bs[i]!;
    const from = memory[i]!;
    for (const m of byCost) {
      if (mems[m]!.cost >= mems[from]!.cost) break;
      const cap = mems[m]!.capacity ?? Infinity;
      if (b.size > cap) continue;
      const a = alignIn(inst.problem, i, mems[m]!);
      const others = trees[m]!.overlapping(b.start, b.end).filter((j) => memory[j] === m).sort((x, y) => offsets[x]! - offsets[y]!);
      const at = lowestFree(bs, offsets, others, b.size, a);
      if (at + b.size > cap) continue;
      memory[i] = m;
      offsets[i] = at;
      trees[m]!.add(i);
      moved++;
      break;
    }
  }
  return { moved, cut: false };
}

/**
 * The buffers placed in one memory, found by their live ranges: a segment tree over the steps where
 * buffers start or end, each buffer listed at the O(log T) nodes that cover its range exactly, each
 * node counting the entries below it. `overlapping(s, e)` visits only nodes that hold or lead to an
 * entry meeting [s, e), so a query costs O((k + 1) log T) for k buffers found (each is listed at most
 * 2 log T times) — fillFastestFirst is O(n log n) plus what the placements read, not O(n^2).
 */
class PlacedByTime {
  /** The steps where a buffer starts or ends, ascending: leaf j is the range [steps[j], steps[j+1]). */
  private readonly steps: Float64Array;
  /** Leaves of the tree (a power of 2, at least 1). */
  private readonly size: number;
  /** Entries listed at each node (1-based heap order), and the count of entries at or below it. */
  private readonly lists: number[][];
  private readonly below: Uint32Array;
  /** Stamp of the last query that found each buffer (a buffer listed at several nodes counts once). */
  private readonly seen: Uint32Array;
  private query = 0;
  /** The nodes a walk has still to visit, with each node's leaves [l, r): 3 numbers a node, at most 2 per level. */
  private readonly stack: Int32Array;

  constructor(private readonly bs: readonly { start: number; end: number }[]) {
    const all = new Float64Array(2 * bs.length);
    bs.forEach((b, i) => ((all[2 * i] = b.start), (all[2 * i + 1] = b.end)));
    all.sort();
    let k = 0;
    for (let j = 0; j < all.length; j++) if (j === 0 || all[j] !== all[j - 1]) all[k++] = all[j]!;
    this.steps = all.slice(0, k);
    let size = 1;
    while (size < Math.max(1, k - 1)) size *= 2;
    this.size = size;
    this.lists = [];
    this.below = new Uint32Array(2 * size);
    this.seen = new Uint32Array(bs.length);
    this.stack = new Int32Array(3 * 2 * 64);
  }

  /**
   * Visits the nodes whose leaves meet [lo, hi) from the root down, skipping subtrees with no entry
   * when `occupied` is set; `visit(node, inside)` says whether the node lies within [lo, hi) and
   * returns whether to go below it. Iterative (no recursion): the stack holds at most 2 nodes a level.
   */
  private walk(lo: number, hi: number, occupied: boolean, visit: (node: number, inside: boolean) => boolean): void {
    const st = this.stack;
    let top = 0;
    st[top++] = 1;
    st[top++] = 0;
    st[top++] = this.size;
    while (top > 0) {
      const r = st[--top]!;
      const l = st[--top]!;
      const node = st[--top]!;
      if (hi <= l || r <= lo || (occupied && this.below[node] === 0)) continue;
      if (!visit(node, lo <= l && r <= hi) || r - l === 1) continue;
      const mid = (l + r) >> 1;
      st[top++] = 2 * node;
      st[top++] = l;
      st[top++] = mid;
      st[top++] = 2 * node + 1;
      st[top++] = mid;
      st[top++] = r;
    }
  }

  /** Index of `step` among the steps (it is one of them). */
  private leaf(step: number): number {
    let lo = 0;
    let hi = this.steps.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.steps[mid]! < step) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Lists buffer i at the nodes covering its leaves [leaf(start), leaf(end)). */
  add(i: number): void {
    this.walk(this.leaf(this.bs[i]!.start), this.leaf(this.bs[i]!.end), false, (node, inside) => {
      if (!inside) return true;
      (this.lists[node] ??= []).push(i);
      for (let x = node; x >= 1; x >>= 1) this.below[x]!++;
      return false;
    });
  }

  /** The placed buffers whose range meets [start, end) (start < end), each once, in no set order. */
  overlapping(start: number, end: number): number[] {
    const out: number[] = [];
    const q = ++this.query;
    // Steps of the problem: [start, end) covers the leaves up to the one that begins at `end`.
    this.walk(this.leaf(start), this.leaf(end), true, (node) => {
      const list = this.lists[node];
      if (list !== undefined) {
        for (const j of list) {
          if (this.seen[j] !== q) {
            this.seen[j] = q;
            out.push(j);
          }
        }
      }
      return true;
    });
    return out;
  }
}

/** fillFastestFirst on a problem with gaps or aliases: each block whole, tallest first (fixed ones first), at its lowest free base; `cut` when `stop()` says so. */
function fillBlocksFastestFirst(inst: TierInstance, stop: () => boolean): BaselinePlan | undefined | 'cut' {
  const problem = inst.problem;
  const blocks = blocksOf(problem);
  const unitMemory = new Array<number>(blocks.length).fill(-1);
  const bases = new Array<number>(blocks.length).fill(0);
  const placed: { start: number; end: number; lo: number; hi: number }[][] = inst.memories.map(() => []);
  const first = (u: number): number => inst.span[u]![0];
  const order = blocks.map((_, u) => u).sort((x, y) => Number(blocks[y]!.fixed !== undefined) - Number(blocks[x]!.fixed !== undefined) || blocks[y]!.height - blocks[x]!.height || first(x) - first(y) || x - y);
  for (let k = 0; k < order.length; k++) {
    if (k % STOP_EVERY_BLOCKS === STOP_EVERY_BLOCKS - 1 && stop()) return 'cut';
    const u = order[k]!;
    const block = blocks[u]!;
    for (let m = 0; m < inst.memories.length && unitMemory[u] === -1; m++) {
      if (!inst.allowed[u]![m]) continue;
      const mem = inst.memories[m]!;
      if (mem.readOnly === true) {
        unitMemory[u] = m;
        continue;
      }
      const here = placed[m]!;
      const meets = (base: number): boolean => block.rects.some((r) => here.some((p) => r.start < p.end && p.start < r.end && base + r.lo < p.hi && p.lo < base + r.hi));
      let base: number | undefined;
      if (block.fixed !== undefined) base = meets(block.fixed) ? undefined : block.fixed;
      else base = lowestBase({ rects: block.rects, align: Math.max(block.align, mem.align ?? 1) }, here);
      if (base === undefined || (mem.capacity !== undefined && base + block.height > mem.capacity)) continue;
      unitMemory[u] = m;
      bases[u] = base;
      for (const r of block.rects) here.push({ start: r.start, end: r.end, lo: base + r.lo, hi: base + r.hi });
    }
    if (unitMemory[u] === -1) return undefined;
  }
  const { offsets } = fromBases(problem, blocks, bases);
  return { memory: bufferMemory(inst, unitMemory), offsets, unitMemory };
}
