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
