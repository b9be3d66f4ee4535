/** Which tensors may share their input's memory: views that only change the shape. */
import type { OnnxNode } from './types.js';

/** Ops whose output holds exactly the bytes of input 0 under another shape. */
const VIEW_OPS: ReadonlySet<string> = new Set(['Reshape', 'Squeeze', 'Unsqueeze', 'Flatten', 'Identity']);

/**
 * The (data input, output) of a view node whose output may take its input's memory as far as the
 * node goes (the input is no graph output and the node reads it once); whether the input dies
 * there, and the tensors' kinds and sizes, are the model graph's rule (src/graph/views.ts viewOwners).
 */
export function viewPair(node: OnnxNode, outputs: ReadonlySet<string>): [string, string] | undefined {
  const x = node.inputs[0];
  const y = node.outputs[0];
  if (!VIEW_OPS.has(node.opType) || node.domain !== '' || !x || !y) return undefined;
  if (outputs.has(x) || node.inputs.slice(1).includes(x)) return undefined;
  return [x, y];
}
