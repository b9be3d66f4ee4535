/** The structure of an ONNX graph: who produces and reads what, in which order the nodes run. */
import { Heap } from 'heap-js';
import { InputError } from '../../problem/errors.js';
import type { OnnxGraph, OnnxNode } from './types.js';

/** How a node is named in messages: `node "conv1" (Conv, #3)`, with the path to its subgraph. */
export function nodeLabel(node: OnnxNode, index: number, where = ''): string {
  return `${where}node ${node.name ? `"${node.name}" ` : ''}(${node.opType}${node.domain ? ` of ${node.domain}` : ''}, #${index})`;
}

/** The subgraphs a node carries (If's branches, Loop's body, ...), with their attribute names. */
export function subgraphsOf(node: OnnxNode): { attribute: string; graph: OnnxGraph }[] {
  const out: { attribute: string; graph: OnnxGraph }[] = [];
  for (const a of node.attributes.values()) {
    if (a.g) out.push({ attribute: a.name, graph: a.g });
    (a.graphs ?? []).forEach((g, k) => out.push({ attribute: `${a.name}[${k}]`, graph: g }));
  }
  return out;
}

/** Names a graph (and the subgraphs inside it) reads but does not define: its outer-scope references. */
export function outerReferences(graph: OnnxGraph): string[] {
  const defined = new Set<string>([...graph.inputs.map((v) => v.name), ...graph.initializers.map((t) => t.name)]);
  for (const n of graph.nodes) for (const o of n.outputs) if (o) defined.add(o);
  const out: string[] = [];
  const seen = new Set<string>();
  const use = (name: string): void => {
    if (name && !defined.has(name) && !seen.has(name)) {
      seen.add(name);
      out.push(name);
    }
  };
  for (const n of graph.nodes) {
    n.inputs.forEach(use);
    for (const s of subgraphsOf(n)) outerReferences(s.graph).forEach(use);
  }
  return out;
}

/**
 * Control flow and randomness: never folded into constants (infer.ts), and kept in their relative
 * order when operators are reordered (GraphOperator.pinned, src/order/from-graph.ts).
 */
export const CONTROL_OR_RANDOM: ReadonlySet<string> = new Set([
  'If',
  'Loop',
  'Scan',
  'RandomNormal',
  'RandomUniform',
  'RandomNormalLike',
  'RandomUniformLike',
  'Multinomial',
  'Bernoulli',
]);

/** Whether a node is folded: every output it has is a constant, so it reads nothing at run time. */
export function isFolded(node: OnnxNode, constants: ReadonlySet<string> | ReadonlyMap<string, unknown>): boolean {
  return node.outputs.every((o) => !o || constants.has(o));
}

/** Every tensor name a node reads: its inputs, then what its subgraphs take from the enclosing scope. */
export function readsOf(node: OnnxNode): string[] {
  const names = node.inputs.filter((x) => x !== '');
  for (const s of subgraphsOf(node)) names.push(...outerReferences(s.graph));
  return [...new Set(names)];
}

/**
 * The order in which the nodes run: the stored order when it is topological (ONNX requires it),
 * else a topological sort that keeps the stored order wherever the data allow (deterministic).
 * `outer` holds the names an enclosing graph provides. Throws an InputError for a tensor produced
 * twice, a read of a tensor nothing defines, or a cycle, naming the node.
 */
export function executionOrder(graph: OnnxGraph, outer: ReadonlySet<string>, where = ''): { order: number[]; sorted: boolean } {
  const nodes = graph.nodes;
  const available = new Set<string>([...outer, ...graph.inputs.map((v) => v.name), ...graph.initializers.map((t) => t.name)]);
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => {
    for (const o of n.outputs) {
      if (!o) continue;
      const prev = producer.get(o);
      if (prev !== undefined) {
        throw new InputError(`${nodeLabel(n, i, where)}: tensor "${o}" is also produced by ${nodeLabel(nodes[prev]!, prev)}`, { buffer: o });
      }
      producer.set(o, i);
    }
  });
  const deps: number[][] = nodes.map((n, i) => {
    const d: number[] = [];
    for (const name of readsOf(n)) {
      const p = producer.get(name);
      if (p !== undefined) {
        if (p === i) throw new InputError(`${nodeLabel(n, i, where)}: reads its own output "${name}"`, { buffer: name });
        d.push(p);
      } else if (!available.has(name)) {
        throw new InputError(
          `${nodeLabel(n, i, where)}: input "${name}" is produced by no node and is neither a graph input nor an initializer`,
          { buffer: name },
        );
      }
    }
    return d;
  });
  const stored = nodes.map((_, i) => i);
  if (deps.every((d, i) => d.every((p) => p < i))) return { order: stored, sorted: false };

  // Kahn's algorithm, always taking the ready node that comes first in the file (a min-heap of node indices).
  const waiting = deps.map((d) => new Set(d).size);
  const readers: number[][] = nodes.map(() => []);
  deps.forEach((d, i) => new Set(d).forEach((p) => readers[p]!.push(i)));
  const heap = new Heap<number>((a, b) => a - b);
  stored.forEach((i) => waiting[i] === 0 && heap.push(i));
  const order: number[] = [];
  while (heap.size() > 0) {
    const i = heap.pop()!;
    order.push(i);
    for (const r of readers[i]!) if (--waiting[r]! === 0) heap.push(r);
  }
  if (order.length < nodes.length) {
    const stuck = stored.find((i) => waiting[i]! > 0)!;
    throw new InputError(`${nodeLabel(nodes[stuck]!, stuck, where)}: the graph has a cycle through this node`);
  }
  return { order, sorted: true };
}
