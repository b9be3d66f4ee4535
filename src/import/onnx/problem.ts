import { plural } from '../../format/plural.js';
/** Turns an inferred graph into the buffers to plan: sizes from shapes, live ranges from the node order. */
import { InputError } from '../../problem/errors.js';
import type { Buffer } from '../../problem/types.js';
import type { GraphOperator } from '../../graph/types.js';
import type { ModelSubgraph, ModelTensor, TensorKind } from '../model.js';
import { bytesOf, dataTypeName } from './dtype.js';
import { viewPair } from './alias.js';
import { liveRange, tensorSteps } from '../../graph/live-ranges.js';
import { viewOwners } from '../../graph/views.js';
import { inplaceAliases, inplaceBytes, type InplaceAlias, type InplaceKind } from '../../graph/inplace.js';
import { ONNX_INPLACE_ELEMENTWISE } from './inplace.js';
import { CONTROL_OR_RANDOM, isFolded, readsOf } from './graph.js';
import { checkNodeOrder } from './node-order.js';
import type { GraphShapes } from './infer.js';
import { elements, show } from './shapes/context.js';

export interface BuildOptions {
  /** Alignment of every buffer in bytes (a power of two). */
  align: number;
  /** Also plan the constants the run reads as whole-run buffers. */
  includeWeights: boolean;
  /** Let the output of a view op (Reshape, Squeeze, ...) share its input's buffer when the input dies there. */
  shareViews: boolean;
  /** In-place operators (src/graph/inplace.ts), by ONNX_INPLACE_ELEMENTWISE. */
  inplace?: readonly InplaceKind[];
}

/**
 * Numbers a graph's tensors: its inputs, its initializers, then the outputs of the nodes in
 * execution order. This index is the buffer id.
 */
export function tensorNames(shapes: GraphShapes): string[] {
  const names: string[] = [];
  const seen = new Set<string>();
  const add = (n: string): void => {
    if (n && !seen.has(n)) {
      seen.add(n);
      names.push(n);
    }
  };
  shapes.graph.inputs.forEach((v) => add(v.name));
  shapes.graph.initializers.forEach((t) => add(t.name));
  for (const i of shapes.order) shapes.graph.nodes[i]!.outputs.forEach(add);
  return names;
}

/** A tensor's bytes when its element type has a fixed size and the count is a safe integer. */
function knownBytes(info: { dtype: number; shape: readonly number[] }): number | undefined {
  const b = bytesOf(info.dtype, elements(info.shape));
  return b !== undefined && Number.isSafeInteger(b) ? b : undefined;
}

/** The bytes of a tensor, a positive safe integer; undefined for an empty tensor. */
function bytes(shapes: GraphShapes, name: string): number | undefined {
  const info = shapes.infos.get(name)!;
  const n = elements(info.shape);
  const b = bytesOf(info.dtype, n);
  const where = `${shapes.where}tensor "${name}"`;
  if (b === undefined) {
    throw new InputError(`${where} has element type ${dataTypeName(info.dtype)}, whose size is not fixed, so it cannot be planned`, { buffer: name });
  }
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(b)) {
    throw new InputError(`${where} of shape ${show(info.shape)} needs more than 2^53-1 bytes`, { buffer: name });
  }
  return b === 0 ? undefined : b;
}

/**
 * The plan problem of one graph (subgraph index `index`), and its tensor list. Kinds: `input`,
 * `output`, `activation`; `constant` for initializers and Constant outputs; `prepared` for outputs of
 * nodes whose inputs are all constant (folded shapes, ConstantOfShape weights). Constants and
 * prepared tensors are planned (whole run) only with `includeWeights`, and only those the run reads.
 * `nodeOrder` (node indices; default `shapes.order`) is the order the steps follow; tensor indices
 * stay those of the stored order.
 */
export function buildSubgraph(shapes: GraphShapes, index: number, options: BuildOptions, nodeOrder?: readonly number[]): ModelSubgraph {
  const { graph } = shapes;
  if (nodeOrder !== undefined) checkNodeOrder(shapes, nodeOrder, index);
  const order = nodeOrder ?? shapes.order;
  const names = tensorNames(shapes);
  const indexOf = new Map(names.map((n, k) => [n, k]));
  const steps = Math.max(order.length, 1);
  const operators = graphOperators(shapes, indexOf);
  // When each tensor is written and read in this order (folded nodes, Shape included, read nothing at run time).
  const touched = tensorSteps(operators, names.length, order);
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const inputs = new Set(graph.inputs.map((v) => v.name));
  const initializers = new Set(graph.initializers.map((t) => t.name));
  const fromConstantNode = new Set(order.flatMap((i) => (graph.nodes[i]!.opType === 'Constant' ? graph.nodes[i]!.outputs : [])));
  const kindOf = (name: string): TensorKind =>
    shapes.constants.has(name)
      ? initializers.has(name) || fromConstantNode.has(name)
        ? 'constant'
        : 'prepared'
      : inputs.has(name)
        ? 'input'
        : outputs.has(name)
          ? 'output'
          : 'activation';

  const buffers: Buffer[] = [];
  const tensorsOf: number[][] = [];
  const bufferNames: string[] = [];
  const tensors: ModelTensor[] = [];
  const safeBytes = (t: number): number | undefined => {
    const info = shapes.infos.get(names[t]!);
    const b = info ? knownBytes(info) : undefined;
    return b !== undefined && b > 0 ? b : undefined;
  };
  const owner = options.shareViews
    ? viewOwners(operators, names.length, new Set(numbered([...outputs], indexOf)), (t) => (shapes.infos.has(names[t]!) ? kindOf(names[t]!) : 'unused'), safeBytes, (t) => touched[t]!.lastRead, order)
    : names.map((_, t) => t);
  const bufferOf = new Map<number, number>();
  let viewCount = 0;
  let empty = 0;
  let constantBytes = 0;
  let constantCount = 0;
  const add = (tensor: ModelTensor, from: number, to: number): void => {
    const size = bytes(shapes, tensor.name);
    if (size === undefined) {
      empty++;
      return;
    }
    tensor.buffer = buffers.length;
    tensor.start = from;
    tensor.end = to;
    buffers.push({ id: String(tensor.index), size, start: from, end: to, align: options.align });
    tensorsOf.push([tensor.index]);
    bufferNames.push(tensor.name);
  };
  names.forEach((name, t) => {
    const info = shapes.infos.get(name);
    if (!info) return;
    const kind = kindOf(name);
    const tensor: ModelTensor = { index: t, name, kind, type: dataTypeName(info.dtype), shape: info.shape.slice() };
    const known = knownBytes(info);
    if (known !== undefined) tensor.bytes = known;
    tensors.push(tensor);
    if (kind === 'constant' || kind === 'prepared') {
      // Constants the run reads (or hands out) are the model's weights, held for the whole run.
      if (touched[t]!.lastRead === undefined && !outputs.has(name)) return;
      constantCount++;
      constantBytes += tensor.bytes ?? 0;
      if (options.includeWeights) add(tensor, 0, steps);
      return;
    }
    const { start: from, end: to } = liveRange(touched[t]!, inputs.has(name), outputs.has(name), steps);
    const shared = owner[t] === t ? undefined : bufferOf.get(owner[t]!);
    if (shared !== undefined) {
      // A view of a tensor that dies here: one buffer, live until the last tensor of the chain dies.
      const b = buffers[shared]!;
      b.end = Math.max(b.end, to);
      tensorsOf[shared]!.push(t);
      Object.assign(tensor, { buffer: shared, start: from, end: to });
      viewCount++;
      return;
    }
    add(tensor, from, to);
    if (tensor.buffer !== undefined) bufferOf.set(t, tensor.buffer);
  });

  const inplace = options.inplace !== undefined && options.inplace.length > 0 ? placeInPlace(options.inplace) : [];
  function placeInPlace(kinds: readonly InplaceKind[]): InplaceAlias[] {
    const bytesOf = (t: number): number | undefined => bytes(shapes, names[t]!);
    const aliases = inplaceAliases(
      {
        operators,
        order,
        kindOf: (t) => (shapes.infos.has(names[t]!) ? kindOf(names[t]!) : 'unused'),
        bytesOf,
        shapeOf: (t) => shapes.infos.get(names[t]!)?.shape ?? [],
        lastReadOf: (t) => touched[t]!.lastRead,
        ownerOf: (t) => owner[t]!,
        concatAxis: (i) => graph.nodes[i]!.attributes.get('axis')?.i,
        isConcat: (type) => type === 'Concat',
      },
      { kinds, elementwise: ONNX_INPLACE_ELEMENTWISE, align: options.align },
    );
    const kept = aliases.filter((a) => bufferOf.has(a.tensor) && bufferOf.has(a.of));
    for (const a of kept) {
      const b = buffers[bufferOf.get(a.tensor)!]!;
      b.aliasOf = buffers[bufferOf.get(a.of)!]!.id;
      if (a.offset !== 0) b.aliasOffset = a.offset;
    }
    return kept;
  }

  const notes: string[] = [];
  for (const kind of options.inplace ?? []) {
    const n = inplace.filter((a) => a.kind === kind).length;
    notes.push(`--inplace ${kind} (ONNX operators by their element-wise definition): ${plural(n, 'tensor')} in another's bytes, ${inplaceBytes(inplace, (t) => bytes(shapes, names[t]!), kind)} B no longer apart`);
  }
  if (shapes.sorted) notes.push('the stored node order was not topological: nodes were sorted (stable, by position in the file)');
  notes.push(
    `${plural(constantCount, 'constant tensor')} (initializers, Constant outputs, folded shapes) read by the run, ` +
      `${constantBytes} B: ${options.includeWeights ? 'planned as whole-run buffers' : 'not planned (--include-weights plans them)'}`,
  );
  if (shapes.folded > 0) notes.push(`${plural(shapes.folded, 'node')} with only constant inputs: outputs folded into constants`);
  if (shapes.fromValueInfo.length > 0) notes.push(`output shapes taken from value_info for ${shapes.fromValueInfo.join(', ')}`);
  if (shapes.checked > 0) notes.push(`${plural(shapes.checked, 'inferred shape')} checked against the model's value_info`);
  if (viewCount > 0) notes.push(`${plural(viewCount, 'view')} (Reshape, Squeeze, Unsqueeze, Flatten, Identity) share the buffer of an input that dies there`);
  notes.push(...shapes.notes);
  if (empty > 0) notes.push(`${plural(empty, 'tensor')} with no elements (no memory)`);
  if (shapes.outer.length > 0) {
    const shown = shapes.outer.slice(0, 8).map((n) => `"${n}"`);
    if (shapes.outer.length > 8) shown.push(`and ${shapes.outer.length - 8} more`);
    notes.push(`reads ${plural(shapes.outer.length, 'tensor')} of the enclosing graph, held by the enclosing graph's plan: ${shown.join(', ')}`);
  }
  if (shapes.children.length > 0) {
    notes.push('subgraphs (If branches) are planned as subgraphs of their own, in arenas of their own, while their node runs');
  }
  const out: ModelSubgraph = {
    index,
    name: shapes.path || graph.name || 'main',
    problem: { buffers },
    tensorsOf,
    names: bufferNames,
    tensorCount: names.length,
    operatorCount: order.length,
    notes,
    tensors,
    operators,
    inputs: numbered(graph.inputs.map((v) => v.name), indexOf),
    outputs: numbered(graph.outputs.map((v) => v.name), indexOf),
  };
  if (shapes.sorted) out.runOrder = [...shapes.order];
  if (nodeOrder !== undefined) out.order = [...nodeOrder];
  if (options.inplace !== undefined && options.inplace.length > 0) out.inplace = inplace;
  return out;
}

/** The tensor indices of `names` that this graph numbers (names of the enclosing graph are left out). */
function numbered(names: readonly string[], indexOf: ReadonlyMap<string, number>): number[] {
  return names.flatMap((n) => {
    const t = indexOf.get(n);
    return t === undefined ? [] : [t];
  });
}

/**
 * The graph's nodes as the model graph's operators, at their stored positions: type = op_type (with
 * its domain when not ai.onnx), tensor indices of tensorNames(); -1 for an omitted input or one of the
 * enclosing graph (not numbered here). `implicitInputs`: what the node's subgraphs read of this graph;
 * `folded`: every output a constant (isFolded); `pinned`: control flow, randomness or an operator
 * outside the default domain; `view`: a view op (viewPair, alias.ts).
 */
function graphOperators(shapes: GraphShapes, indexOf: ReadonlyMap<string, number>): GraphOperator[] {
  const at = (name: string): number => (name ? (indexOf.get(name) ?? -1) : -1);
  const outputs = new Set(shapes.graph.outputs.map((o) => o.name));
  return shapes.graph.nodes.map((node, i) => {
    const op: GraphOperator = {
      index: i,
      type: node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.${node.opType}` : node.opType,
      name: node.name,
      inputs: node.inputs.map(at),
      outputs: node.outputs.map(at),
      intermediates: [],
    };
    const direct = new Set(node.inputs);
    const implicit = numbered(readsOf(node).filter((r) => !direct.has(r)), indexOf);
    if (implicit.length > 0) op.implicitInputs = implicit;
    if (isFolded(node, shapes.constants)) op.folded = true;
    if ((node.domain !== '' && node.domain !== 'ai.onnx') || CONTROL_OR_RANDOM.has(node.opType)) op.pinned = true;
    if (viewPair(node, outputs) !== undefined) op.view = true;
    return op;
  });
}

/** Every graph, depth first: the main graph, then the subgraphs of its nodes (the numbering of ModelSubgraphs). */
export function graphsDepthFirst(root: GraphShapes): GraphShapes[] {
  const out: GraphShapes[] = [];
  const visit = (s: GraphShapes): void => {
    out.push(s);
    s.children.forEach(visit);
  };
  visit(root);
  return out;
}

/**
 * The main graph, then every subgraph depth first, as ModelSubgraphs numbered in that order;
 * `orders[k]` (node indices) is the order of the k-th, when given.
 */
export function buildSubgraphs(root: GraphShapes, options: BuildOptions, orders?: readonly (readonly number[] | undefined)[]): ModelSubgraph[] {
  return graphsDepthFirst(root).map((s, k) => buildSubgraph(s, k, options, orders?.[k]));
}
