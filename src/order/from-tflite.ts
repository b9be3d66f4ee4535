/** The operator graph of one TFLite subgraph, with the sizes and kinds the importer gave its tensors. */
import type { ModelSubgraph, TensorKind } from '../import/model.js';
import { shapeOnlyPair } from '../import/tflite/aliases.js';
import { BUILTIN } from '../import/tflite/schema.js';
import type { TfliteModel } from '../import/tflite/types.js';
import type { OpGraph, OrderTensor, ShareRule } from './graph.js';

/** Builtin operators with effects beyond their outputs (control flow, resources, randomness): pinned. */
const SIDE_EFFECTS: ReadonlySet<number> = new Set([
  10, // HASHTABLE_LOOKUP
  31, // CALL
  118, // IF
  119, // WHILE
  129, // CALL_ONCE
  136, // HASHTABLE
  137, // HASHTABLE_FIND
  138, // HASHTABLE_IMPORT
  139, // HASHTABLE_SIZE
  142, // VAR_HANDLE
  143, // READ_VARIABLE
  144, // ASSIGN_VARIABLE
  146, // RANDOM_STANDARD_NORMAL
  148, // RANDOM_UNIFORM
  149, // MULTINOMIAL
]);

/** Kinds whose bytes move with the order. */
const MOVING: ReadonlySet<TensorKind> = new Set(['input', 'output', 'activation', 'intermediate']);

/**
 * The graph of subgraph `s` of `model`, as imported (stored order) in `imported`. `shareReshapes`
 * must be the importer's option: a RESHAPE / SQUEEZE / EXPAND_DIMS output then shares its input's
 * memory whenever the order makes it the input's last reader.
 */
export function tfliteOpGraph(model: TfliteModel, s: number, imported: ModelSubgraph, shareReshapes: boolean): OpGraph {
  const sg = model.subgraphs[s]!;
  const info = imported.tensors;
  if (info === undefined) throw new Error('tfliteOpGraph: the imported subgraph has no tensor list');
  const n = sg.operators.length;
  const inputs = new Set(sg.inputs);
  const outputs = new Set(sg.outputs);

  // Every tensor's producer and intermediate-of operator, planned or not (for the dependencies).
  const creators: number[][] = sg.tensors.map(() => []);
  const readers: number[][] = sg.tensors.map(() => []);
  sg.operators.forEach((op, i) => {
    for (const t of op.outputs) creators[t]!.push(i);
    for (const t of op.intermediates) creators[t]!.push(i);
    for (const t of new Set(op.inputs)) if (t >= 0) readers[t]!.push(i);
  });

  const pinned: number[] = [];
  sg.operators.forEach((op, i) => {
    const code = model.operatorCodes[op.opcodeIndex]!;
    const touchesVariable = [...op.inputs, ...op.outputs].some((t) => t >= 0 && sg.tensors[t]!.isVariable);
    if (code.custom !== undefined || code.builtin === BUILTIN.CUSTOM || SIDE_EFFECTS.has(code.builtin) || touchesVariable || op.outputs.length === 0) pinned.push(i);
  });

  const predSets: Set<number>[] = sg.operators.map(() => new Set());
  sg.tensors.forEach((tensor, t) => {
    // Operators touching variables are pinned; an edge against the stored order (a graph input some
    // operator also writes) is not a dependency the importer checks, so it is left out.
    if (tensor.isVariable) return;
    for (const r of readers[t]!) for (const c of creators[t]!) if (c < r) predSets[r]!.add(c);
  });
  for (let k = 1; k < pinned.length; k++) predSets[pinned[k]!]!.add(pinned[k - 1]!);

  // Tensors that move with the order; whole-run buffers (variables, prepared, weights) are `base`.
  let base = 0;
  let firstStep = 0;
  imported.problem.buffers.forEach((b, i) => {
    const owner = imported.tensorsOf[i]![0];
    // A buffer of no tensor (the block a kept offline plan reserves) is whole-run.
    if (owner === undefined || !MOVING.has(info[owner]!.kind)) base += b.size;
  });
  const tensors: OrderTensor[] = [];
  const local = new Map<number, number>();
  for (const mt of info) {
    if (mt.buffer === undefined || !MOVING.has(mt.kind)) continue;
    const t = mt.index;
    const size = imported.problem.buffers[mt.buffer]!.size;
    const fromStart = inputs.has(t) || creators[t]!.length === 0;
    const toEnd = outputs.has(t);
    const users = [...new Set([...readers[t]!, ...creators[t]!])].sort((a, b) => a - b);
    if (fromStart && toEnd) base += size;
    else if (fromStart && users.length === 0) firstStep += size;
    else {
      local.set(t, tensors.length);
      tensors.push({ size, creators: [...creators[t]!], users, readers: [...readers[t]!], fromStart, toEnd });
    }
  }

  const shares: ShareRule[] = [];
  if (shareReshapes) {
    sg.operators.forEach((op, i) => {
      // The same rule as the importer's (who dies where is the search's to decide).
      const pair = shapeOnlyPair(model, op, (t) => info[t]!.kind, (t) => info[t]!.bytes, outputs);
      if (pair === undefined) return;
      const from = local.get(pair[0]);
      const to = local.get(pair[1]);
      if (from !== undefined && to !== undefined) shares.push({ op: i, from, to });
    });
  }
  return { opCount: n, tensors, base, firstStep, preds: predSets.map((p) => [...p].sort((a, b) => a - b)), shares, pinned };
}
