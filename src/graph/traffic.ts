/**
 * Traffic per inference of a model's tensors, from the model graph's operators (for memory tiers,
 * issue #13): a tensor is written once by its producer and read once by each operator that reads
 * it, so its traffic is size x (1 + readers); a constant (weights, planned with --include-weights)
 * is only read: size x readers.
 */
import type { GraphOperator, GraphTensor } from './types.js';

/** readers[t]: how many operators read tensor t (an operator reading it twice counts once). */
export function readerCounts(operators: readonly GraphOperator[], tensorCount: number): number[] {
  const readers = new Array<number>(tensorCount).fill(0);
  for (const op of operators) {
    for (const t of new Set(op.inputs)) if (t >= 0 && t < tensorCount) readers[t]!++;
  }
  return readers;
}

/**
 * Traffic of one planned buffer holding `tensors` (tensors sharing a buffer: a RESHAPE and its
 * input) of `bytes` bytes: bytes x (writes + reads), writes 1 unless every tensor is a constant, reads
 * summed over the tensors.
 */
export function bufferTraffic(bytes: number, tensors: readonly number[], readers: readonly number[], kinds: readonly (GraphTensor | undefined)[]): number {
  const reads = tensors.reduce((s, t) => s + (readers[t] ?? 0), 0);
  const written = tensors.some((t) => kinds[t]?.kind !== 'constant');
  return bytes * ((written ? 1 : 0) + reads);
}
