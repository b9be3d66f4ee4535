/**
 * The exact search over rigid blocks (issue #14): a branch-and-bound for problems with gaps or aliases
 * whose blocks are not rectangles (src/problem/relative.ts: a root with its aliases, its bytes cut by
 * their gaps). Each node places one more block at one *candidate* base; a plan is found when every block
 * is placed, and the search then goes on below it. Plain TypeScript, iterative (an explicit stack).
 *
 * Candidates (why the search is complete). Let A be the largest alignment of the movable blocks. Block i
 * (alignment a) may go to a *ground* base 0, a, ..., A - a, or to a *contact* base c + k·a (k < A / a)
 * where c = alignUp(p.hi - r.lo) for one of its rectangles r resting on a rectangle p of a placed block
 * that shares a step with r. Take an optimal plan with the least sum of bases; the blocks that some
 * order reaches this way (each at a candidate of the ones before it; fixed blocks come first) are all of
 * them: were a set C left over, none of C at a candidate of the reached ones, every block of C would sit
 * at least A above whatever reached rectangle it rests on and at least A above 0, so C could move down
 * by A as a whole (every alignment divides A), a plan with a smaller sum of bases. So some order of
 * candidates reaches every optimal peak; the search tries every order, less two kinds of repeats:
 * - a block placed just after a block of higher index must rest on that block (a base that was a
 *   candidate before it came could have been taken first: the same plan, in the other order);
 * - blocks of the same shape (rectangles, alignment; not fixed) are placed in index order.
 * Both keep the smallest order of some optimal plan (swapping two neighbours, or two blocks of one
 * shape, makes an order smaller), so nothing is lost.
 *
 * Pruning, given the target peak C (the best plan so far minus one): every block must still have a free
 * base with its top <= C; and at each step, the bytes the unplaced blocks hold there must fit in the
 * free runs of bytes below C that are at least as tall as their smallest rectangle there. Exhausting the
 * tree proves that no plan has a peak <= C.
 */
import type { Block, Rect } from '../problem/relative.js';
import { footprint } from '../problem/relative.js';
import type { Bytes } from '../problem/types.js';

/** The switches and budgets of one search. */
export interface BlocksExactOptions {
  /** Look for plans with peak <= this (bytes); default: the peak of every block stacked (any plan). */
  target?: Bytes;
  /** A proven lower bound on the peak: a plan that reaches it ends the search. */
  bound: Bytes;
  /** Nodes (placements tried) at most; default unlimited. */
  maxNodes?: number;
  /**
   * Elementary steps (conflicts and rectangles looked at, counted the same on every machine) at most;
   * default unlimited. With `maxNodes` it ends a search deterministically, before any clock does.
   */
  maxWork?: number;
  /** Whether to stop now (checked every 64 nodes); default never. */
  stop?: () => boolean;
}

/** What a search found and proved. */
export interface BlocksExactOutcome {
  /** The best plan found (each block's base, in the order of `blocks`) and its peak; absent when none was found. */
  plan?: { bases: Bytes[]; peak: Bytes };
  /** Nodes explored. */
  nodes: number;
  /** Elementary steps spent (see BlocksExactOptions.maxWork). */
  work: number;
  /** True when the tree was exhausted: no plan has peak <= `provenAbove`. */
  exhausted: boolean;
  /** When exhausted: the largest peak proven impossible (the last target). */
  provenAbove?: Bytes;
}

/** A forbidden difference of bases between two blocks that share a step: base_i - base_j in [lo, hi] collides. */
interface Conflict {
  j: number;
  lo: number;
  hi: number;
}

const alignUp = (x: number, a: number): number => Math.ceil(x / a) * a;

/** Whether two blocks have the same shape: rectangles, alignment and height. */
function sameShape(x: Block, y: Block): boolean {
  if (x.align !== y.align || x.height !== y.height || x.rects.length !== y.rects.length) return false;
  const key = (r: Rect): string => `${r.start},${r.end},${r.lo},${r.hi}`;
  const xs = x.rects.map(key).sort();
  const ys = y.rects.map(key).sort();
  return xs.every((k, n) => k === ys[n]);
}

/**
 * The branch-and-bound over `blocks` (blocksOf's, validated). Fixed blocks stay at their base. Returns
 * the best plan with peak <= target found, how many nodes it took, and whether the tree was exhausted
 * (then the plan, if any, is optimal, and without one no plan has peak <= target).
 */
export function searchBlocks(blocks: readonly Block[], options: BlocksExactOptions): BlocksExactOutcome {
  const n = blocks.length;
  const maxNodes = options.maxNodes ?? Infinity;
  const maxWork = options.maxWork ?? Infinity;
  let work = 0;
  const stop = options.stop ?? (() => false);
  const heights = blocks.map((b) => b.height);
  // Stacking every movable block above the fixed ones, each aligned up, is a plan: no target need be higher.
  let target = options.target ?? blocks.reduce((s, b) => s + (b.fixed === undefined ? b.height + b.align - 1 : 0), blocks.reduce((m, b) => Math.max(m, b.fixed === undefined ? 0 : b.fixed + b.height), 0));

  // Pairs of rectangles that share a step, per ordered pair of blocks.
  const conflicts: Conflict[][] = blocks.map(() => []);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      for (const r of blocks[i]!.rects) {
        for (const p of blocks[j]!.rects) {
          if (r.start < p.end && p.start < r.end) conflicts[i]!.push({ j, lo: p.lo - r.hi + 1, hi: p.hi - r.lo - 1 });
        }
      }
    }
  }
  const movable = blocks.map((_, i) => i).filter((i) => blocks[i]!.fixed === undefined);
  const A = movable.reduce((m, i) => Math.max(m, blocks[i]!.align), 1);
  // The block of the same shape placed before each one (index order), or -1.
  const prevSame = blocks.map(() => -1);
  for (let x = 0; x < movable.length; x++) {
    for (let y = x - 1; y >= 0; y--) {
      if (sameShape(blocks[movable[x]!]!, blocks[movable[y]!]!)) {
        prevSame[movable[x]!] = movable[y]!;
        break;
      }
    }
  }

  // Time segments and each block's bytes there, for the free-space bound.
  const times = [...new Set(blocks.flatMap((b) => b.rects.flatMap((r) => [r.start, r.end])))].sort((x, y) => x - y);
  const segOf = new Map(times.map((t, k) => [t, k]));
  const segs = Math.max(0, times.length - 1);
  const held = blocks.map(() => new Float64Array(segs));
  blocks.forEach((b, i) => {
    for (const f of footprint(b.rects)) {
      for (let k = segOf.get(f.start)!; k < segOf.get(f.end)!; k++) held[i]![k] = f.bytes;
    }
  });
  // The rectangles live in each segment: block and bytes relative to its base.
  const liveAt: { i: number; lo: number; hi: number }[][] = Array.from({ length: segs }, () => []);
  blocks.forEach((b, i) => {
    for (const r of b.rects) for (let k = segOf.get(r.start)!; k < segOf.get(r.end)!; k++) liveAt[k]!.push({ i, lo: r.lo, hi: r.hi });
  });
  const taken: [number, number][] = [];

  const base = new Array<number>(n).fill(-1);
  const order: number[] = [];
  for (const i of blocks.keys()) if (blocks[i]!.fixed !== undefined) base[i] = blocks[i]!.fixed!;
  let nodes = 0;
  let best: { bases: number[]; peak: number } | undefined;

  /** Whether block i at base b meets no placed block. */
  const free = (i: number, b: number): boolean => {
    work += conflicts[i]!.length;
    for (const c of conflicts[i]!) {
      const bj = base[c.j]!;
      if (bj < 0) continue;
      const d = b - bj;
      if (d >= c.lo && d <= c.hi) return false;
    }
    return true;
  };

  /** The lowest free aligned base of block i among the placed blocks. */
  const lowest = (i: number): number => {
    const a = blocks[i]!.align;
    const banned: [number, number][] = [];
    work += conflicts[i]!.length;
    for (const c of conflicts[i]!) {
      const bj = base[c.j]!;
      if (bj >= 0) banned.push([bj + c.lo, bj + c.hi]);
    }
    banned.sort((x, y) => x[0] - y[0]);
    let b = 0;
    for (const [lo, hi] of banned) {
      if (lo > b) break;
      if (hi >= b) b = alignUp(hi + 1, a);
    }
    return b;
  };

  /** Whether the unplaced blocks may still fit under the target (the two bounds above). */
  const hopeful = (): boolean => {
    for (const i of movable) {
      if (base[i]! < 0 && lowest(i) + heights[i]! > target) return false;
    }
    for (let k = 0; k < segs; k++) {
      const here = liveAt[k]!;
      work += here.length;
      let demand = 0;
      let smallest = Infinity;
      taken.length = 0;
      for (const { i, lo, hi } of here) {
        const b = base[i]!;
        if (b < 0) smallest = Math.min(smallest, hi - lo);
        else taken.push([b + lo, b + hi]);
      }
      if (smallest === Infinity) continue;
      for (const i of movable) if (base[i]! < 0) demand += held[i]![k]!;
      work += movable.length;
      taken.sort((x, y) => x[0] - y[0]);
      let usable = 0;
      let at = 0;
      for (const [lo, hi] of taken) {
        if (lo >= target) break;
        if (lo > at && lo - at >= smallest) usable += lo - at;
        at = Math.max(at, hi);
      }
      if (target > at && target - at >= smallest) usable += target - at;
      if (demand > usable) return false;
    }
    return true;
  };

  /**
   * The candidate bases of block i: of ground (`ground`), and from the placed blocks j that `from(j)`
   * accepts (contact bases, see the top of this file).
   */
  const candidates = (i: number, ground: boolean, from: (j: number) => boolean, into: Set<number>): void => {
    const a = blocks[i]!.align;
    if (ground) for (let b = 0; b < A; b += a) into.add(b);
    work += conflicts[i]!.length;
    for (const c of conflicts[i]!) {
      if (base[c.j]! < 0 || !from(c.j)) continue;
      // A rectangle resting on p with its own lo above p's top would put the base below 0: no candidate.
      const first = alignUp(base[c.j]! + c.hi + 1, a);
      if (first < 0) continue;
      for (let b = first; b < first + A; b += a) into.add(b);
    }
  };

  /** The children of the current node: [block, base] pairs, the most promising last (popped first). */
  const children = (): number[] => {
    const last = order.length > 0 ? order[order.length - 1]! : -1;
    const out: [number, number][] = [];
    for (const i of movable) {
      if (base[i]! >= 0) continue;
      if (prevSame[i]! >= 0 && base[prevSame[i]!]! < 0) continue;
      const h = heights[i]!;
      const cands = new Set<number>();
      let others: Set<number> | undefined;
      if (i < last) {
        // Only bases that rest on `last` and were no candidate before it.
        candidates(i, false, (j) => j === last, cands);
        if (cands.size === 0) continue;
        others = new Set<number>();
        candidates(i, true, (j) => j !== last, others);
      } else {
        candidates(i, true, () => true, cands);
      }
      for (const b of cands) {
        if (b + h > target || others?.has(b) === true || !free(i, b)) continue;
        out.push([i, b]);
      }
    }
    // Lowest top first, then the taller block; popped from the end.
    out.sort((x, y) => y[1] + heights[y[0]]! - (x[1] + heights[x[0]]!) || heights[x[0]]! - heights[y[0]]! || y[0] - x[0] || y[1] - x[1]);
    return out.flat();
  };

  const complete = (): void => {
    const peak = blocks.reduce((m, b, i) => Math.max(m, base[i]! + b.height), 0);
    if (best === undefined || peak < best.peak) best = { bases: [...base], peak };
    target = peak - 1;
  };

  // The explicit stack: per level, the children left to try and the block placed there.
  const stack: { kids: number[]; placed: number }[] = [];
  let exhausted = false;
  const fixedPeak = blocks.reduce((m, b) => (b.fixed !== undefined ? Math.max(m, b.fixed + b.height) : m), 0);
  if (fixedPeak > target) {
    exhausted = true;
  } else if (movable.length === 0) {
    complete();
    exhausted = true;
  } else if (hopeful()) {
    stack.push({ kids: children(), placed: -1 });
  } else {
    exhausted = true;
  }
  while (stack.length > 0) {
    if (best !== undefined && best.peak <= options.bound) break;
    if (nodes >= maxNodes || work >= maxWork || ((nodes & 63) === 0 && nodes > 0 && stop())) break;
    const top = stack[stack.length - 1]!;
    if (top.placed >= 0) {
      base[top.placed] = -1;
      order.pop();
      top.placed = -1;
    }
    if (top.kids.length === 0) {
      stack.pop();
      if (stack.length === 0) exhausted = true;
      continue;
    }
    const b = top.kids.pop()!;
    const i = top.kids.pop()!;
    if (b + heights[i]! > target) continue;
    nodes++;
    base[i] = b;
    order.push(i);
    top.placed = i;
    if (order.length === movable.length) {
      complete();
      continue;
    }
    if (!hopeful()) continue;
    stack.push({ kids: children(), placed: -1 });
  }
  if (best !== undefined && best.peak <= options.bound) exhausted = false;
  const out: BlocksExactOutcome = { nodes, work, exhausted };
  if (best !== undefined) out.plan = best;
  if (exhausted) out.provenAbove = target;
  return out;
}

/**
 * Live runs (rectangles of all blocks) up to which solve() runs the block search on a tied problem
 * whose blocks are not all rectangles; measured in bench/blocks-exact.ts.
 */
export const BLOCKS_EXACT_MAX_RECTS = 400;

/** The block search's node budget in `auto` and `search` (none for `exact`, or when `maxNodes` is given). */
export const DEFAULT_BLOCK_NODES = 200_000;

/**
 * The block search's budget of work in `auto` and `search` (none for `exact`, or when `maxNodes` is
 * given): about a second on the 2-core machine of the README's figures (bench/blocks-exact.ts), so the
 * plan does not depend on the machine's speed.
 */
export const DEFAULT_BLOCK_WORK = 15e6;
