/**
 * Splitting a schedule where the graph narrows to one operator: a *cut* is an operator that every
 * other operator must run before or after (an ancestor or a descendant of it). Every order runs the
 * operators between two cuts in one block between them, so each block can be ordered on its own.
 */
import type { OpGraph } from './graph.js';

/** Bits set in a 32-bit word. */
function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * For each operator, how many operators reach it through `edges` (edges[v]: the operators with an
 * edge into v; `order` a topological order of them): one bit set of n bits per operator.
 */
function reachCounts(n: number, order: readonly number[], edges: readonly (readonly number[])[]): number[] {
  const words = (n + 31) >>> 5;
  const sets = new Uint32Array(n * words);
  const counts = new Array<number>(n).fill(0);
  for (const v of order) {
    const row = v * words;
    for (const p of edges[v]!) {
      const prow = p * words;
      for (let w = 0; w < words; w++) sets[row + w]! |= sets[prow + w]!;
      sets[row + (p >>> 5)]! |= 1 << (p & 31);
    }
    let c = 0;
    for (let w = 0; w < words; w++) c += popcount(sets[row + w]!);
    counts[v] = c;
  }
  return counts;
}

/**
 * The cut operators, in stored order (the stored order must be topological, as the importer checks),
 * among the operators not in `skip` (operators run before all others: see hoist.ts).
 */
export function cutOperators(g: OpGraph, skip: Uint8Array = new Uint8Array(g.opCount)): number[] {
  const n = g.opCount;
  const kept = Array.from({ length: n }, (_, i) => i).filter((v) => skip[v] !== 1);
  const preds = g.preds.map((ps, v) => (skip[v] === 1 ? [] : ps.filter((p) => skip[p] !== 1)));
  const succs: number[][] = g.preds.map(() => []);
  preds.forEach((ps, v) => ps.forEach((p) => succs[p]!.push(v)));
  const ancestors = reachCounts(n, kept, preds);
  const descendants = reachCounts(n, [...kept].reverse(), succs);
  return kept.filter((v) => ancestors[v]! + descendants[v]! === kept.length - 1);
}

/**
 * The blocks between cuts (each with at least one operator), and the cuts themselves as blocks of
 * one, in stored order, leaving out the operators in `skip`.
 */
export function blocks(g: OpGraph, skip: Uint8Array = new Uint8Array(g.opCount)): number[][] {
  const cuts = new Set(cutOperators(g, skip));
  const out: number[][] = [];
  let run: number[] = [];
  for (let v = 0; v < g.opCount; v++) {
    if (skip[v] === 1) continue;
    if (cuts.has(v)) {
      if (run.length > 0) out.push(run);
      out.push([v]);
      run = [];
    } else run.push(v);
  }
  if (run.length > 0) out.push(run);
  return out;
}
