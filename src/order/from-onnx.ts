/**
 * The operator graph of one ONNX graph, with the sizes and kinds the importer gave its tensors.
 * Operator k is the node at step k of the stored order (`shapes.order[k]`).
 */
import type { ModelSubgraph, TensorKind } from '../import/model.js';
import { viewPair } from '../import/onnx/alias.js';
import { CONTROL_OR_RANDOM, isFolded, readsOf } from '../import/onnx/graph.js';
import type { GraphShapes } from '../import/onnx/infer.js';
import type { OpGraph, OrderTensor, ShareRule } from './graph.js';

/** Kinds whose bytes move with the order (constants and prepared tensors, when planned, are whole-run). */
const MOVING: ReadonlySet<TensorKind> = new Set(['input', 'output', 'activation']);

/** The graph of `shapes`, as imported (stored order) in `imported`; `shareViews` as the importer's option. */
export function onnxOpGraph(shapes: GraphShapes, imported: ModelSubgraph, shareViews: boolean): OpGraph {
  const { graph, order, constants } = shapes;
  const info = imported.tensors;
  if (info === undefined) throw new Error('onnxOpGraph: the imported subgraph has no tensor list');
  const n = order.length;
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const inputs = new Set(graph.inputs.map((v) => v.name));
  const producer = new Map<string, number>();
  const readers = new Map<string, number[]>();
  const nodes = order.map((i) => graph.nodes[i]!);
  nodes.forEach((node, k) => node.outputs.forEach((o) => o && producer.set(o, k)));
  const predSets = nodes.map(() => new Set<number>());
  const pinned: number[] = [];
  nodes.forEach((node, k) => {
    const reads = readsOf(node);
    for (const r of reads) {
      const p = producer.get(r);
      if (p !== undefined && p < k) predSets[k]!.add(p);
    }
    // Folded nodes (every output a constant) read nothing at run time, as the importer counts reads.
    if (!isFolded(node, constants)) for (const r of reads) readers.set(r, [...(readers.get(r) ?? []), k]);
    // Kept in their relative order: control flow, randomness, anything outside the default domain.
    if ((node.domain !== '' && node.domain !== 'ai.onnx') || CONTROL_OR_RANDOM.has(node.opType)) pinned.push(k);
  });
  for (let k = 1; k < pinned.length; k++) predSets[pinned[k]!]!.add(pinned[k - 1]!);

  let base = 0;
  let firstStep = 0;
  const kindOf = new Map(info.map((t) => [t.index, t.kind]));
  imported.problem.buffers.forEach((b, i) => {
    if (!MOVING.has(kindOf.get(imported.tensorsOf[i]![0]!)!)) base += b.size;
  });
  const tensors: OrderTensor[] = [];
  const local = new Map<string, number>();
  for (const mt of info) {
    if (mt.buffer === undefined || !MOVING.has(mt.kind)) continue;
    const size = imported.problem.buffers[mt.buffer]!.size;
    const p = producer.get(mt.name);
    const creators = p !== undefined && !inputs.has(mt.name) ? [p] : [];
    const read = readers.get(mt.name) ?? [];
    const fromStart = creators.length === 0;
    const toEnd = outputs.has(mt.name);
    const users = [...new Set([...read, ...creators])].sort((a, b) => a - b);
    if (fromStart && toEnd) base += size;
    else if (fromStart && read.length === 0) firstStep += size;
    else {
      local.set(mt.name, tensors.length);
      tensors.push({ size, creators, users, readers: read, fromStart, toEnd });
    }
  }

  const shares: ShareRule[] = [];
  if (shareViews) {
    nodes.forEach((node, k) => {
      // The same rule as the importer's (who dies where is the search's to decide).
      const pair = viewPair(node, outputs);
      if (pair === undefined) return;
      const from = local.get(pair[0]);
      const to = local.get(pair[1]);
      if (from !== undefined && to !== undefined && tensors[from]!.size === tensors[to]!.size) shares.push({ op: k, from, to });
    });
  }
  return { opCount: n, tensors, base, firstStep, preds: predSets.map((s) => [...s].sort((a, b) => a - b)), shares, pinned };
}
