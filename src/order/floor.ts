/** A lower bound on the live bound of every order: what one operator's own step must hold. */
import type { Bytes } from '../problem/types.js';
import type { OpGraph } from './graph.js';

/**
 * The most bytes any operator's step holds in every order: the whole-run bytes, and every tensor it
 * uses (reads, writes or holds as an intermediate), less the input its output may share. When an
 * order's live bound reaches it, no order does better.
 */
export function operatorFloor(g: OpGraph): Bytes {
  const used: number[][] = Array.from({ length: g.opCount }, () => []);
  g.tensors.forEach((t, k) => t.users.forEach((u) => used[u]!.push(k)));
  const shared = new Array<number>(g.opCount).fill(0);
  for (const r of g.shares) shared[r.op] = Math.max(shared[r.op]!, g.tensors[r.from]!.size);
  let floor = g.base;
  used.forEach((ts, v) => {
    const bytes = g.base + ts.reduce((a, t) => a + g.tensors[t]!.size, 0) - shared[v]!;
    if (bytes > floor) floor = bytes;
  });
  return floor;
}
