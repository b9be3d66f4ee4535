/** A lower bound on the live bound of every order: what one operator's own step must hold. */
import type { Bytes } from '../problem/types.js';
import type { OpGraph } from './graph.js';

/**
 * What each operator's step holds in every order: floors[v] = the whole-run bytes, and every tensor
 * operator v uses (reads, writes or holds as an intermediate), less the input its output may share,
 * plus `extra[v]` bytes when given (e.g. the kernel scratch a runtime places at that step). With
 * `held`, also every other tensor the dependencies keep live across v in every order: made before v
 * (a graph input, or made by an operator v depends on) and needed after it (a graph output, or read
 * by an operator that depends on v).
 */
export function operatorFloors(g: OpGraph, extra?: readonly Bytes[], held = false): Bytes[] {
  const used: number[][] = Array.from({ length: g.opCount }, () => []);
  g.tensors.forEach((t, k) => t.users.forEach((u) => used[u]!.push(k)));
  const shared = new Array<number>(g.opCount).fill(0);
  for (const r of g.shares) shared[r.op] = Math.max(shared[r.op]!, g.tensors[r.from]!.size);
  const floors = used.map((ts, v) => g.base + ts.reduce((a, t) => a + g.tensors[t]!.size, 0) - shared[v]! + (extra?.[v] ?? 0));
  if (!held) return floors;
  const { before, after } = dependencyClosure(g);
  g.tensors.forEach((t) => {
    for (let v = 0; v < g.opCount; v++) {
      if (t.users.includes(v)) continue;
      const made = t.fromStart || t.creators.some((c) => before[v]!.has(c));
      const needed = t.toEnd || t.readers.some((r) => after[v]!.has(r));
      if (made && needed) floors[v]! += t.size;
    }
  });
  return floors;
}

/** before[v]: the operators v depends on (directly or not); after[v]: those that depend on v. */
function dependencyClosure(g: OpGraph): { before: Set<number>[]; after: Set<number>[] } {
  const before = Array.from({ length: g.opCount }, () => new Set<number>());
  const after = Array.from({ length: g.opCount }, () => new Set<number>());
  // Operators are numbered in a topological order (preds[v] < v), so one pass each way.
  for (let v = 0; v < g.opCount; v++) for (const p of g.preds[v]!) for (const x of [p, ...before[p]!]) before[v]!.add(x);
  for (let v = 0; v < g.opCount; v++) for (const p of before[v]!) after[p]!.add(v);
  return { before, after };
}

/**
 * The most bytes any operator's step holds in every order (operatorFloors; the whole-run bytes when
 * there is no operator). When an order's live bound reaches it, no order does better.
 */
export function operatorFloor(g: OpGraph, extra?: readonly Bytes[], held = false): Bytes {
  return operatorFloors(g, extra, held).reduce((m, b) => Math.max(m, b), g.base);
}
