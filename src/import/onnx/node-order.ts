/** Checks a node order given for a graph (--reorder): every node once, every read after its producer. */
import { InputError } from '../../problem/errors.js';
import { nodeLabel, readsOf } from './graph.js';
import type { GraphShapes } from './infer.js';

/** Throws an InputError unless `order` lists the nodes of `shapes.order` once each, producers before readers. */
export function checkNodeOrder(shapes: GraphShapes, order: readonly number[], index: number): void {
  const { graph } = shapes;
  const stepOf = new Map<number, number>();
  order.forEach((i, k) => stepOf.set(i, k));
  if (order.length !== shapes.order.length || stepOf.size !== order.length || shapes.order.some((i) => !stepOf.has(i))) {
    throw new InputError(`${shapes.where}subgraph ${index}: the node order must list ${shapes.order.length === 1 ? 'its node' : `each of its ${shapes.order.length} nodes`} exactly once`);
  }
  const producer = new Map<string, number>();
  for (const i of order) for (const o of graph.nodes[i]!.outputs) if (o) producer.set(o, i);
  for (const i of order) {
    for (const name of readsOf(graph.nodes[i]!)) {
      const p = producer.get(name);
      if (p !== undefined && stepOf.get(p)! > stepOf.get(i)!) {
        throw new InputError(`${nodeLabel(graph.nodes[i]!, i, shapes.where)}: reads "${name}" before ${nodeLabel(graph.nodes[p]!, p)} produces it in the given order`, {
          buffer: name,
        });
      }
    }
  }
}
