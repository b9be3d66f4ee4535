/** Which tensors may share their input's memory: views that only change the shape. */
import type { GraphShapes } from './infer.js';

/** Ops whose output holds exactly the bytes of input 0 under another shape. */
export const VIEW_OPS: ReadonlySet<string> = new Set(['Reshape', 'Squeeze', 'Unsqueeze', 'Flatten', 'Identity']);

/**
 * For each output of a view op (Reshape, Squeeze, Unsqueeze, Flatten, Identity) whose data input is
 * an activation of this graph that dies at that op and is no graph output: the tensor whose memory
 * it takes (the first of a chain of such views). One buffer then holds the whole chain. `order` is
 * the node order the steps of `lastRead` follow (default the stored one).
 */
export function viewAliases(
  shapes: GraphShapes,
  lastRead: ReadonlyMap<string, number>,
  outputs: ReadonlySet<string>,
  bytes: (name: string) => number | undefined,
  order: readonly number[] = shapes.order,
): Map<string, string> {
  const { graph, infos, constants } = shapes;
  const root = new Map<string, string>();
  order.forEach((i, step) => {
    const node = graph.nodes[i]!;
    const x = node.inputs[0];
    const y = node.outputs[0];
    if (!VIEW_OPS.has(node.opType) || node.domain !== '' || !x || !y) return;
    if (!infos.has(x) || constants.has(x) || constants.has(y) || outputs.has(x)) return;
    if (lastRead.get(x) !== step || node.inputs.slice(1).includes(x)) return;
    const size = bytes(x);
    if (size === undefined || size !== bytes(y)) return;
    root.set(y, root.get(x) ?? x);
  });
  return root;
}
