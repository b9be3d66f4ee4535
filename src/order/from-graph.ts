/**
 * The operator graph the scheduler works on (graph.ts), built from the model graph of one subgraph
 * as the importer gave it (stored order): its operators' tensors and flags (GraphOperator: `pinned`,
 * `folded`, `view`), its tensors' kinds and the sizes of their buffers. One builder for every format.
 */
import { movesWithOrder } from '../graph/problem.js';
import { viewPair } from '../graph/views.js';
import type { ModelSubgraph } from '../import/model.js';
import type { OpGraph, OrderTensor, ShareRule } from './graph.js';

/** The scheduler's graph and how its operators map to the subgraph's. */
export interface SubgraphOpGraph {
  graph: OpGraph;
  /** operatorAt[v]: the subgraph's operator index of the scheduler's operator v (the stored run order). */
  operatorAt: number[];
}

/**
 * The scheduler's graph of `imported` (a subgraph imported in its stored order, with its tensors,
 * operators, inputs and outputs). Operator v is the one at step v of the stored run (`runOrder`, else
 * the stored order). Dependencies: an operator runs after the creators (producer, or the operator it
 * is an intermediate of) of every tensor it reads (variables excepted: the operators touching them are
 * pinned) and after the pinned operators before it. `shareViews` must be the importer's option: a
 * view's output then shares its input's memory whenever the order makes it the input's last reader.
 */
export function subgraphOpGraph(imported: ModelSubgraph, shareViews: boolean): SubgraphOpGraph {
  const { tensors: info, operators, inputs, outputs } = imported;
  const operatorAt = imported.runOrder ? [...imported.runOrder] : operators.map((_, i) => i);
  const ops = operatorAt.map((i) => operators[i]!);
  const graphInputs = new Set(inputs);
  const graphOutputs = new Set(outputs);
  const byIndex = new Map(info.map((t) => [t.index, t]));
  // Whether a tensor's bytes move with the order (prepared ones as the problem planned them).
  const moving = (t: number): boolean => movesWithOrder(byIndex.get(t)!.kind, imported.preparedRange ?? 'whole-run');

  // Every tensor's creators and the operators reading it while the run goes, planned or not.
  const creators = new Map<number, number[]>();
  const readers = new Map<number, number[]>();
  const readSets = ops.map((op) => [...new Set([...op.inputs, ...(op.implicitInputs ?? [])])].filter((t) => t >= 0));
  const push = (m: Map<number, number[]>, t: number, v: number): void => {
    const list = m.get(t);
    if (list === undefined) m.set(t, [v]);
    else list.push(v);
  };
  ops.forEach((op, v) => {
    for (const t of [...op.outputs, ...op.intermediates]) if (t >= 0 && !graphInputs.has(t)) push(creators, t, v);
    // A folded operator runs before the run: it reads nothing while it goes.
    if (op.folded !== true) for (const t of readSets[v]!) push(readers, t, v);
  });

  const preds = ops.map(() => new Set<number>());
  ops.forEach((_, v) => {
    for (const t of readSets[v]!) {
      // Operators touching variables are pinned; an edge against the stored order (a graph input some
      // operator also writes) is not a dependency the importer checks, so it is left out.
      if (byIndex.get(t)?.kind === 'variable') continue;
      for (const c of creators.get(t) ?? []) if (c < v) preds[v]!.add(c);
    }
  });
  const pinned = ops.flatMap((op, v) => (op.pinned === true ? [v] : []));
  for (let k = 1; k < pinned.length; k++) preds[pinned[k]!]!.add(pinned[k - 1]!);

  // Tensors that move with the order; whole-run buffers (weights, prepared ones held whole-run) are `base`.
  let base = 0;
  let firstStep = 0;
  imported.problem.buffers.forEach((b, i) => {
    const owner = imported.tensorsOf[i]![0];
    // A buffer of no tensor (the block a kept offline plan reserves) is whole-run.
    if (owner === undefined || !moving(owner)) base += b.size;
  });
  const tensors: OrderTensor[] = [];
  const local = new Map<number, number>();
  for (const mt of info) {
    if (mt.buffer === undefined || !moving(mt.index)) continue;
    const t = mt.index;
    const size = imported.problem.buffers[mt.buffer]!.size;
    const made = creators.get(t) ?? [];
    const read = readers.get(t) ?? [];
    const fromStart = graphInputs.has(t) || made.length === 0;
    const toEnd = graphOutputs.has(t);
    const users = [...new Set([...read, ...made])].sort((a, b) => a - b);
    if (fromStart && toEnd) base += size;
    else if (fromStart && users.length === 0) firstStep += size;
    else {
      local.set(t, tensors.length);
      tensors.push({ size, creators: [...made], users, readers: [...read], fromStart, toEnd });
    }
  }

  const shares: ShareRule[] = [];
  if (shareViews) {
    ops.forEach((op, v) => {
      // The importer's rule (who dies where is the search's to decide).
      const pair = viewPair(op, (t) => byIndex.get(t)!.kind, (t) => byIndex.get(t)!.bytes, graphOutputs);
      if (pair === undefined) return;
      const from = local.get(pair[0]);
      const to = local.get(pair[1]);
      if (from !== undefined && to !== undefined) shares.push({ op: v, from, to });
    });
  }
  const graph: OpGraph = { opCount: ops.length, tensors, base, firstStep, preds: preds.map((p) => [...p].sort((a, b) => a - b)), shares, pinned };
  return { graph, operatorAt };
}
