/**
 * Operators that can run first: they touch no tensor whose life depends on the order (they compute
 * from weights only, e.g. DEQUANTIZE of weights, ONNX Constant nodes), are not pinned, and depend only
 * on such operators. Their steps hold only the bytes live before every other operator, so running
 * them first never raises the live bound, and leaving them out lets the graph split into small blocks.
 */
import type { OpGraph } from './graph.js';

/** hoist[v]: operator v runs before every other (in stored order among themselves). */
export function hoistable(g: OpGraph): Uint8Array {
  const touches = new Uint8Array(g.opCount);
  for (const t of g.tensors) for (const u of t.users) touches[u] = 1;
  for (const r of g.shares) touches[r.op] = 1;
  for (const p of g.pinned) touches[p] = 1;
  const hoist = new Uint8Array(g.opCount);
  // Stored order is topological: a predecessor is decided before its successors.
  for (let v = 0; v < g.opCount; v++) hoist[v] = touches[v] === 0 && g.preds[v]!.every((p) => hoist[p] === 1) ? 1 : 0;
  return hoist;
}
