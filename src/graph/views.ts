/** Which tensors may share memory through a view operator (one rule for the importers and the order search). */
import type { GraphOperator, TensorKind } from './types.js';

/** Kinds whose memory a view's output may share: tensors the run writes and reads (not weights, state or prepared ones). */
const SHAREABLE: ReadonlySet<TensorKind> = new Set(['input', 'activation', 'output']);

/**
 * The (input, output) tensors of a view operator (GraphOperator.view: output 0 holds input 0's bytes)
 * whose output may live in its input's memory as far as the tensors go: both of a shareable kind (the
 * output no graph input), the input no graph output, the same known bytes. Whether the input dies at
 * that operator is the caller's part (the importer knows it for its order, the order search decides it).
 * `kindOf` / `bytesOf` give a tensor's kind and bytes (undefined = unknown); `graphOutputs` the
 * subgraph's outputs.
 */
export function viewPair(
  op: Pick<GraphOperator, 'view' | 'inputs' | 'outputs'>,
  kindOf: (t: number) => TensorKind,
  bytesOf: (t: number) => number | undefined,
  graphOutputs: ReadonlySet<number>,
): [number, number] | undefined {
  if (op.view !== true) return undefined;
  const x = op.inputs[0];
  const y = op.outputs[0];
  if (x === undefined || y === undefined || x < 0 || y < 0 || x === y || graphOutputs.has(x)) return undefined;
  const ky = kindOf(y);
  if (!SHAREABLE.has(kindOf(x)) || !SHAREABLE.has(ky) || ky === 'input') return undefined;
  const bx = bytesOf(x);
  return bx === undefined || bx !== bytesOf(y) ? undefined : [x, y];
}

/**
 * Which tensor's memory each tensor lives in through views: a view's output takes its input's memory
 * (viewPair) when the input dies at that operator (its last read is that step), chains ending in the
 * first input's. Returns owner[t] for t < tensorCount (t itself when not aliased). `operators` in
 * stored order, `order[k]` the operator at step k (default: the stored order); `lastReadOf(t)` the
 * step of t's last reader in that order.
 */
export function viewOwners(
  operators: readonly Pick<GraphOperator, 'view' | 'inputs' | 'outputs'>[],
  tensorCount: number,
  graphOutputs: ReadonlySet<number>,
  kindOf: (t: number) => TensorKind,
  bytesOf: (t: number) => number | undefined,
  lastReadOf: (t: number) => number | undefined,
  order?: readonly number[],
): number[] {
  const owner = Array.from({ length: tensorCount }, (_, t) => t);
  for (let k = 0; k < operators.length; k++) {
    const pair = viewPair(operators[order === undefined ? k : order[k]!]!, kindOf, bytesOf, graphOutputs);
    if (pair !== undefined && lastReadOf(pair[0]) === k) owner[pair[1]] = owner[pair[0]]!;
  }
  return owner;
}
