/**
 * A topological order of a graph's operators with a lower live bound: operators that compute from
 * weights alone run first (hoist.ts), the rest is cut into blocks (cuts.ts); each block of several
 * operators gets the best of its stored order, a greedy order improved by local search, and the exact
 * dynamic program (in WebAssembly, dp-wasm.ts; dp.ts is its TypeScript reference) when it finishes
 * within its state budget. The stored order is kept unless the new one has a lower bound, and the
 * same input gives the same order.
 */
import type { Bytes } from '../problem/types.js';
import { blocks } from './cuts.js';
import { dpOrder } from './dp.js';
import { dpOrderWasm } from './dp-wasm.js';
import { operatorFloor } from './floor.js';
import type { OpGraph } from './graph.js';
import { greedyOrder } from './greedy.js';
import { hoistable } from './hoist.js';
import { localSearch } from './local-search.js';
import { orderBound, partPeak } from './memory.js';
import { buildPart, type Part } from './part.js';

export interface ReorderOptions {
  /** Distinct states the dynamic program may create per block (default 200000). */
  maxStates?: number;
  /** Orders the local search evaluates per block at most (default 2000). */
  maxEvals?: number;
  /** Skip the dynamic program (heuristics only). */
  noDp?: boolean;
  /** Run the dynamic program even on blocks already at the operator floor (to measure it). */
  noFloor?: boolean;
  /** Run the TypeScript dynamic program (dp.ts, the reference) instead of the WebAssembly one (same results). */
  tsDp?: boolean;
}

export interface ReorderResult {
  /** order[k]: the operator run at step k. */
  order: number[];
  /** Live bound of the stored order, and of `order`. */
  storedBound: Bytes;
  bound: Bytes;
  /**
   * Blocks of more than one operator; how many were already at the operator floor (no order of the
   * graph is below it, so they cannot matter), and how many the dynamic program solved exactly.
   */
  blocks: number;
  flooredBlocks: number;
  exactBlocks: number;
  /** No order's live bound is below this (floor.ts). */
  floor: Bytes;
  /** Operators in the largest block. */
  largestBlock: number;
  /** States the dynamic program created, over all blocks. */
  states: number;
  /**
   * Proven: no order keeping the dependencies and the pinned operators' relative order has a lower
   * bound (it is at the floor, or every block is under the floor or solved exactly).
   */
  optimal: boolean;
  /** The fewest operators whose moving turns the stored order into `order` (operators minus the longest run kept in stored order). */
  moved: number;
  /** Wall time, milliseconds. */
  timeMs: number;
}

/** Reorders the operators of `g` to lower its live bound (see the top of this file). */
export function reorder(g: OpGraph, options: ReorderOptions = {}): ReorderResult {
  const t0 = performance.now();
  const maxStates = options.maxStates ?? DEFAULT_MAX_STATES;
  const maxEvals = options.maxEvals ?? DEFAULT_MAX_EVALS;
  const stored = Array.from({ length: g.opCount }, (_, i) => i);
  const storedBound = orderBound(g, stored);
  const floor = operatorFloor(g);
  // Operators that compute from weights alone run first (hoist.ts); the rest splits at cuts.
  const hoist = hoistable(g);
  const order: number[] = [];
  for (let v = 0; v < g.opCount; v++) if (hoist[v] === 1) order.push(v);
  let count = 0;
  let exact = 0;
  let floored = 0;
  let largest = 0;
  let states = 0;
  for (const { ops, part } of blockParts(g, hoist)) {
    if (part === undefined) order.push(ops[0]!);
    else {
      count++;
      largest = Math.max(largest, ops.length);
      let { order: best, peak: bestPeak } = heuristicOrder(part, maxEvals);
      if (bestPeak <= floor && !options.noFloor) floored++;
      else if (!options.noDp) {
        const dp = (options.tsDp ? dpOrder : dpOrderWasm)(part, { maxStates, upper: bestPeak });
        states += dp.states;
        if (dp.complete) exact++;
        if (dp.order !== undefined && dp.peak < bestPeak) {
          best = dp.order;
          bestPeak = dp.peak;
        }
      }
      for (const v of best) order.push(ops[v]!);
    }
  }
  // Hoisted operators go back near their stored places (fewer moves) unless that costs bytes.
  let bound = orderBound(g, order);
  const settled = unhoist(order, hoist);
  const settledBound = orderBound(g, settled);
  if (settledBound <= bound) {
    order.splice(0, order.length, ...settled);
    bound = settledBound;
  }
  const optimal = bound <= floor || (!options.noDp && exact + floored === count);
  const facts = { blocks: count, flooredBlocks: floored, exactBlocks: exact, floor, largestBlock: largest, states, optimal };
  // No gain (never a loss: each block's order is at most as high as its stored one): keep the stored order.
  if (bound >= storedBound) return { order: stored, storedBound, bound: storedBound, ...facts, moved: 0, timeMs: performance.now() - t0 };
  const moved = order.length - longestIncreasing(order);
  return { order, storedBound, bound, ...facts, moved, timeMs: performance.now() - t0 };
}

/**
 * The blocks of the graph (cuts.ts) in order, each of several operators with its part: the hoisted
 * operators and the earlier blocks run before it.
 */
export function* blockParts(g: OpGraph, hoist: Uint8Array): Generator<{ ops: number[]; part: Part | undefined }> {
  const before = hoist.slice();
  let placed = before.reduce((a, x) => a + x, 0);
  for (const ops of blocks(g, hoist)) {
    yield { ops, part: ops.length > 1 ? buildPart(g, ops, before, placed === 0) : undefined };
    placed += ops.length;
    for (const v of ops) before[v] = 1;
  }
}

/** The budgets reorder() uses per block unless told otherwise. */
export const DEFAULT_MAX_STATES = 200_000;
export const DEFAULT_MAX_EVALS = 2000;

/** The better of a part's stored order and a greedy order improved by local search (the stored one on ties). */
export function heuristicOrder(part: Part, maxEvals: number): { order: number[]; peak: Bytes } {
  const identity = part.ops.map((_, i) => i);
  const peak = partPeak(part, identity);
  const heuristic = localSearch(part, greedyOrder(part), maxEvals);
  const hPeak = partPeak(part, heuristic);
  return hPeak < peak ? { order: heuristic, peak: hPeak } : { order: identity, peak };
}

/**
 * The order with each hoisted operator moved from the front to just before the first operator that
 * comes after it in stored order (so before all its successors; stored order among themselves).
 */
function unhoist(order: readonly number[], hoist: Uint8Array): number[] {
  const hoisted = order.filter((v) => hoist[v] === 1);
  const out: number[] = [];
  let next = 0;
  for (const v of order) {
    if (hoist[v] === 1) continue;
    while (next < hoisted.length && hoisted[next]! < v) out.push(hoisted[next++]!);
    out.push(v);
  }
  while (next < hoisted.length) out.push(hoisted[next++]!);
  return out;
}

/** Length of the longest increasing subsequence (patience sorting). */
function longestIncreasing(xs: readonly number[]): number {
  const tails: number[] = [];
  for (const x of xs) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (tails[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    tails[lo] = x;
  }
  return tails.length;
}
