/** Which tensors may share their input's memory: views that only change the shape. */
import type { GraphShapes } from './infer.js';
import type { OnnxNode } from './types.js';

/** Ops whose output holds exactly the bytes of input 0 under another shape. */
const VIEW_OPS: ReadonlySet<string> = new Set(['Reshape', 'Squeeze', 'Unsqueeze', 'Flatten', 'Identity']);

/**
 * The (data input, output) of a view node whose output may take its input's memory as far as the
 * node goes (the input is no graph output and the node reads it once); whether the input dies
 * there, and the sizes, are the caller's part (the importer and the order search each know them).
 */
export function viewPair(node: OnnxNode, outputs: ReadonlySet<string>): [string, string] | undefined {
  const x = node.inputs[0];
  const y = node.outputs[0];
  if (!VIEW_OPS.has(node.opType) || node.domain !== '' || !x || !y) return undefined;
  if (outputs.has(x) || node.inputs.slice(1).includes(x)) return undefined;
  return [x, y];
}

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
    const pair = viewPair(graph.nodes[i]!, outputs);
    if (pair === undefined) return;
    const [x, y] = pair;
    if (!infos.has(x) || constants.has(x) || constants.has(y) || lastRead.get(x) !== step) return;
    const size = bytes(x);
    if (size === undefined || size !== bytes(y)) return;
    root.set(y, root.get(x) ?? x);
  });
  return root;
}
