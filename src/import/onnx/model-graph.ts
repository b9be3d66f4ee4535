/**
 * An inferred ONNX graph as the model graph (src/graph/types.ts): per graph (the main one, then the
 * If branches depth first), its nodes as operators and its tensors with their kind, inferred shape
 * and bytes. The problem is built from it by src/graph/problem.ts.
 */
import { plural } from '../../format/plural.js';
import type { GraphOperator, GraphTensor, ModelGraph, SubgraphGraph, TensorKind } from '../../graph/types.js';
import { bytesOf, dataTypeName } from './dtype.js';
import { viewPair } from './alias.js';
import { CONTROL_OR_RANDOM, isFolded, readsOf } from './graph.js';
import type { GraphShapes } from './infer.js';
import { elements, show, type TensorInfo } from './shapes/context.js';

/**
 * The model graph of an inferred ONNX model (`root`: inferShapes' result), its graphs numbered depth
 * first (graphsDepthFirst). `file` names it in messages.
 */
export function onnxGraph(root: GraphShapes, file: string): ModelGraph {
  return { format: 'onnx', file, subgraphs: graphsDepthFirst(root).map((s, k) => subgraphGraph(s, k)) };
}

/** Every graph, depth first: the main graph, then the subgraphs of its nodes (the numbering of the model graph's subgraphs). */
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

/**
 * Why a tensor's bytes are unknown, naming it (undefined when known): an element type whose size is
 * not fixed, or more than 2^53-1 bytes.
 */
function unsizedReason(shapes: GraphShapes, name: string, info: TensorInfo): string | undefined {
  const n = elements(info.shape);
  const b = bytesOf(info.dtype, n);
  const where = `${shapes.where}tensor "${name}"`;
  if (b === undefined) return `${where} has element type ${dataTypeName(info.dtype)}, whose size is not fixed, so it cannot be planned`;
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(b)) return `${where} of shape ${show(info.shape)} needs more than 2^53-1 bytes`;
  return undefined;
}

/**
 * One graph (number `index`) as the model graph's subgraph. Kinds: `input`, `output`, `activation`;
 * `constant` for initializers and Constant outputs, `prepared` for outputs of nodes whose inputs are
 * all constant (folded shapes, ConstantOfShape weights); both are weights (`weights` = their own
 * index), held by the run when it reads them. A tensor without an inferred type and shape is left
 * out of `tensors` (its index stays numbered).
 */
function subgraphGraph(shapes: GraphShapes, index: number): SubgraphGraph {
  const { graph } = shapes;
  const names = tensorNames(shapes);
  const indexOf = new Map(names.map((n, k) => [n, k]));
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const inputs = new Set(graph.inputs.map((v) => v.name));
  const initializers = new Set(graph.initializers.map((t) => t.name));
  const fromConstantNode = new Set(shapes.order.flatMap((i) => (graph.nodes[i]!.opType === 'Constant' ? graph.nodes[i]!.outputs : [])));
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
  const tensors: GraphTensor[] = [];
  names.forEach((name, t) => {
    const info = shapes.infos.get(name);
    if (!info) return;
    const kind = kindOf(name);
    const tensor: GraphTensor = { index: t, name, kind, type: dataTypeName(info.dtype), shape: info.shape.slice() };
    const unsized = unsizedReason(shapes, name, info);
    if (unsized === undefined) tensor.bytes = bytesOf(info.dtype, elements(info.shape))!;
    else tensor.unsized = unsized;
    if (kind === 'constant' || kind === 'prepared') tensor.weights = String(t);
    tensors.push(tensor);
  });
  const out: SubgraphGraph = {
    index,
    name: shapes.path || graph.name || 'main',
    tensors,
    tensorCount: names.length,
    operators: graphOperators(shapes, indexOf),
    inputs: numbered(graph.inputs.map((v) => v.name), indexOf),
    outputs: numbered(graph.outputs.map((v) => v.name), indexOf),
    facts: facts(shapes),
  };
  if (shapes.sorted) out.runOrder = [...shapes.order];
  return out;
}

/** What inference found that the report should say. */
function facts(shapes: GraphShapes): string[] {
  const notes: string[] = [];
  if (shapes.sorted) notes.push('the stored node order was not topological: nodes were sorted (stable, by position in the file)');
  if (shapes.folded > 0) notes.push(`${plural(shapes.folded, 'node')} with only constant inputs: outputs folded into constants`);
  if (shapes.fromValueInfo.length > 0) notes.push(`output shapes taken from value_info for ${shapes.fromValueInfo.join(', ')}`);
  if (shapes.checked > 0) notes.push(`${plural(shapes.checked, 'inferred shape')} checked against the model's value_info`);
  notes.push(...shapes.notes);
  if (shapes.outer.length > 0) {
    const shown = shapes.outer.slice(0, 8).map((n) => `"${n}"`);
    if (shapes.outer.length > 8) shown.push(`and ${shapes.outer.length - 8} more`);
    notes.push(`reads ${plural(shapes.outer.length, 'tensor')} of the enclosing graph, held by the enclosing graph's plan: ${shown.join(', ')}`);
  }
  if (shapes.children.length > 0) {
    notes.push('subgraphs (If branches) are planned as subgraphs of their own, in arenas of their own, while their node runs');
  }
  return notes;
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
    const axis = node.opType === 'Concat' && (node.domain === '' || node.domain === 'ai.onnx') ? node.attributes.get('axis')?.i : undefined;
    if (axis !== undefined) op.concatAxis = axis;
    return op;
  });
}
