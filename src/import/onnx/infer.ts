/**
 * Static shape inference over a graph and its subgraphs: every tensor gets an element type and a
 * static shape (and its values, when they are known and small), checked against value_info.
 */
import { InputError } from '../../problem/errors.js';
import { ShapeMismatchError } from './errors.js';
import { dataTypeName } from './dtype.js';
import { CONTROL_OR_RANDOM, executionOrder, nodeLabel, outerReferences, readsOf } from './graph.js';
import { checkValueNames } from './names.js';
import { ShapeError, show, type OpContext, type TensorInfo } from './shapes/context.js';
import { SHAPE_RULES } from './shapes/rules.js';
import { OP_VERSIONS, opVersion } from './shapes/versions.js';
import type { DeclaredDim, OnnxGraph, OnnxModel, OnnxNode, OnnxValueInfo } from './types.js';

/** What inference found in one graph. */
export interface GraphShapes {
  graph: OnnxGraph;
  /** '' for the main graph; `If_3/then_branch` style for a subgraph. */
  path: string;
  /** Prefix of messages about this graph's nodes. */
  where: string;
  /** Node indices in execution order. */
  order: number[];
  /** Whether the stored node order was not topological and had to be sorted. */
  sorted: boolean;
  /** Every tensor this graph defines: inputs, initializers, node outputs. */
  infos: Map<string, TensorInfo>;
  /** Tensors known before the run: initializers and outputs of nodes whose inputs are all constant. */
  constants: Set<string>;
  /** Nodes (besides Constant) whose outputs were folded into constants. */
  folded: number;
  /** Labels of nodes whose output shapes were taken from value_info (no rule, or the rule could not). */
  fromValueInfo: string[];
  /** How many inferred tensors were compared with a declared static shape. */
  checked: number;
  /** Tensors this graph reads from enclosing graphs. */
  outer: string[];
  /** Subgraphs of its nodes, in execution order. */
  children: GraphShapes[];
  /** Facts the shape rules reported (an If branch left out, ...), each naming its node. */
  notes: string[];
}

export interface InferOptions {
  /** Shapes for graph inputs, by name (the main graph only). */
  inputShapes?: Record<string, number[]>;
  /** Value for a symbolic or unknown first dimension of a graph input, and for a symbolic one named batch. */
  batch?: number;
  /** Values of symbolic dimensions by name (the main graph's inputs), as onnxruntime's free-dimension overrides. */
  dims?: Record<string, number>;
}

/** Ops whose outputs are known before the run whatever their inputs, since every shape is static. */
const SHAPE_ONLY = new Set(['Shape', 'Size']);

function shapeText(shape: readonly DeclaredDim[]): string {
  return `[${shape.map((d) => (d === undefined ? '?' : String(d))).join(', ')}]`;
}

function isStatic(shape: readonly DeclaredDim[] | undefined): shape is number[] {
  return shape !== undefined && shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0);
}

/** One input dimension no option resolves: the input, its declared shape, the axis and the symbolic name (undefined: unknown). */
interface UnresolvedDim {
  input: string;
  declared: readonly DeclaredDim[];
  axis: number;
  name: string | undefined;
}

/** Whether `--batch` sets a symbolic dimension: the first axis, or one whose name says batch ("batch", "batch_size"...), wherever it sits. */
const isBatchDim = (name: string | undefined, axis: number): boolean => axis === 0 || (name !== undefined && /batch/i.test(name));

/**
 * Shapes of the main graph's inputs: `inputShapes`, else declared dims with symbolic ones from
 * `dims` (by name, as onnxruntime's free-dimension override) or `batch` (first axis, or a dimension
 * named batch). A dimension none of these resolves is added to `unresolved` (the caller names them
 * all in one message) and counted as 0 meanwhile; an input that took `batch` is added to `batched`.
 */
function inputInfo(v: OnnxValueInfo, options: InferOptions, main: boolean, unresolved: UnresolvedDim[], batched: string[] = []): TensorInfo {
  const where = `graph input "${v.name}"`;
  if (v.elemType === undefined) throw new InputError(`${where} has no tensor element type`, { buffer: v.name });
  const given = main ? options.inputShapes?.[v.name] : undefined;
  const declared = v.shape;
  if (given) {
    if (given.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new InputError(`${where}: the given shape ${show(given)} has a dimension that is not a size`, { buffer: v.name });
    if (declared) {
      if (declared.length !== given.length) {
        throw new InputError(`${where} has rank ${declared.length} ${shapeText(declared)}, but the given shape ${show(given)} has rank ${given.length}`, { buffer: v.name });
      }
      declared.forEach((d, k) => {
        if (typeof d === 'number' && d !== given[k]) {
          throw new InputError(`${where} has ${d} at axis ${k} ${shapeText(declared)}, but the given shape ${show(given)} has ${given[k]}`, { buffer: v.name });
        }
      });
    }
    return { dtype: v.elemType, shape: given.slice() };
  }
  if (!declared) throw new InputError(`${where} has no declared shape: give it with --input-shape ${v.name}=...`, { buffer: v.name });
  const shape = declared.map((d, k) => {
    if (typeof d === 'number') return d;
    const byName = d !== undefined && options.dims !== undefined && Object.prototype.hasOwnProperty.call(options.dims, d) ? options.dims[d] : undefined;
    if (byName !== undefined) return byName;
    if (options.batch !== undefined && isBatchDim(d, k)) {
      batched.push(v.name);
      return options.batch;
    }
    unresolved.push({ input: v.name, declared, axis: k, name: d });
    return 0;
  });
  return { dtype: v.elemType, shape };
}

/**
 * One message naming every unresolved input dimension (input, declared shape, axis, name) and the
 * flags that set them: `--dim NAME=VALUE` per symbolic name, `--batch N` where it applies, or
 * `--input-shape` per input.
 */
function unresolvedMessage(dims: readonly UnresolvedDim[]): string {
  const inputs = [...new Set(dims.map((d) => d.input))];
  const parts = inputs.map((input) => {
    const mine = dims.filter((d) => d.input === input);
    const declared = mine[0]!.declared;
    const each = mine.map((d) => (d.name === undefined ? `an unknown dimension at axis ${d.axis}` : `"${d.name}" at axis ${d.axis}`));
    return `graph input "${input}" ${shapeText(declared)}: ${each.join(', ')}`;
  });
  const names = [...new Set(dims.flatMap((d) => (d.name !== undefined ? [d.name] : [])))];
  const hints: string[] = [];
  if (names.length > 0) hints.push(names.map((n) => `--dim ${n}=N`).join(' '));
  if (dims.some((d) => isBatchDim(d.name, d.axis))) hints.push('--batch N (a first axis, or a dimension named batch)');
  const shapes = inputs.map((input) => {
    const declared = dims.find((d) => d.input === input)!.declared;
    return `--input-shape ${input}=${declared.map((x) => (typeof x === 'number' ? x : 'N')).join('x')}`;
  });
  hints.push(shapes.join(' '));
  const n = dims.length;
  return `${n} input dimension${n === 1 ? ' is' : 's are'} not known: ${parts.join('; ')}. Give ${hints.join(', or ')}`;
}

class Inference {
  constructor(
    private readonly model: OnnxModel,
    private readonly options: InferOptions,
  ) {}

  private opset(node: OnnxNode): number {
    return this.model.opsets.get(node.domain === 'ai.onnx' ? '' : node.domain) ?? this.model.opsets.get('') ?? 1;
  }

  run(graph: OnnxGraph, scope: readonly Map<string, TensorInfo>[], outerConstants: ReadonlySet<string>, path: string, where: string): GraphShapes {
    const outerNames = new Set<string>();
    for (const m of scope) for (const k of m.keys()) outerNames.add(k);
    checkValueNames(graph, where);
    const { order, sorted } = executionOrder(graph, outerNames, where);
    const infos = new Map<string, TensorInfo>();
    const constants = new Set<string>();
    const declared = new Map<string, OnnxValueInfo>();
    for (const v of [...graph.inputs, ...graph.valueInfo, ...graph.outputs]) if (v.shape || v.elemType) declared.set(v.name, v);
    const result: GraphShapes = {
      graph,
      path,
      where,
      order,
      sorted,
      infos,
      constants,
      folded: 0,
      fromValueInfo: [],
      checked: 0,
      outer: outerReferences(graph),
      children: [],
      notes: [],
    };

    for (const t of graph.initializers) {
      const info: TensorInfo = { dtype: t.dataType, shape: t.dims.slice() };
      if (t.values) info.value = t.values;
      infos.set(t.name, info);
      constants.add(t.name);
    }
    const main = scope.length === 0;
    if (main && this.options.inputShapes) {
      const names = new Set(graph.inputs.map((v) => v.name));
      for (const name of Object.keys(this.options.inputShapes)) {
        if (!names.has(name) || infos.has(name)) {
          const real = graph.inputs.filter((v) => !infos.has(v.name)).map((v) => `"${v.name}"`);
          throw new InputError(`input shape given for "${name}", which is not a graph input (the inputs are ${real.join(', ') || 'none'})`, { buffer: name });
        }
      }
    }
    const unresolved: UnresolvedDim[] = [];
    const batched: string[] = [];
    for (const v of graph.inputs) if (!infos.has(v.name)) infos.set(v.name, inputInfo(v, this.options, main, unresolved, batched));
    if (unresolved.length > 0) throw new InputError(unresolvedMessage(unresolved), { buffer: unresolved[0]!.input });
    // --batch that no input of the main graph took: said, not silently ignored.
    if (main && this.options.batch !== undefined && batched.length === 0) {
      result.notes.push(
        `--batch ${this.options.batch} changes nothing: no graph input has a symbolic or unknown first axis or a symbolic dimension named batch left to set${this.options.inputShapes !== undefined || this.options.dims !== undefined ? ' (--input-shape and --dim come first)' : ''}; planned at the declared shapes`,
      );
    }
    if (main && this.options.dims) {
      const named = new Set(graph.inputs.flatMap((v) => (infos.has(v.name) && !constants.has(v.name) ? (v.shape ?? []).filter((d): d is string => typeof d === 'string') : [])));
      for (const name of Object.keys(this.options.dims)) {
        if (!named.has(name)) {
          throw new InputError(`--dim ${name}: no graph input has a symbolic dimension "${name}" (${named.size > 0 ? `they are ${[...named].map((d) => `"${d}"`).join(', ')}` : 'the inputs have none'})`, { field: 'dim' });
        }
      }
    }

    const lookup = (name: string): TensorInfo | undefined => {
      const here = infos.get(name);
      if (here) return here;
      for (let k = scope.length - 1; k >= 0; k--) {
        const t = scope[k]!.get(name);
        if (t) return t;
      }
      return undefined;
    };
    const isConstant = (name: string): boolean => constants.has(name) || (!infos.has(name) && outerConstants.has(name));

    for (const i of order) {
      const node = graph.nodes[i]!;
      const label = nodeLabel(node, i, where);
      const opset = this.opset(node);
      const rule = node.domain === '' || node.domain === 'ai.onnx' ? SHAPE_RULES[node.opType] : undefined;
      const version = rule ? opVersion(node.opType, opset) : undefined;
      const ctx: OpContext = {
        node,
        opset,
        version: version ?? 0,
        input: (k) => {
          const name = node.inputs[k];
          return name ? lookup(name) : undefined;
        },
        need: (k) => {
          const name = node.inputs[k];
          if (!name) throw new ShapeError(`input ${k} is missing`);
          return lookup(name)!;
        },
        subgraph: (attribute, g) => {
          const sub = this.run(
            g,
            [...scope, infos],
            new Set([...outerConstants, ...constants]),
            `${path ? `${path}/` : ''}${node.name || `${node.opType}_${i}`}/${attribute}`,
            `${label} ${attribute}: `,
          );
          result.children.push(sub);
          return g.outputs.map((o) => sub.infos.get(o.name) ?? lookup(o.name) ?? { dtype: 0, shape: [] });
        },
        note: (text) => result.notes.push(`${label}: ${text}`),
      };
      let outs: (TensorInfo | undefined)[] = [];
      let problem: string | undefined;
      let mismatch = false;
      if (rule && version === undefined) {
        problem = `op_type ${node.opType} is not defined in opset ${opset} (its first version is opset ${OP_VERSIONS[node.opType]?.[0] ?? '?'})`;
      } else if (rule) {
        try {
          outs = rule(ctx);
        } catch (e) {
          if (!(e instanceof ShapeError)) throw e;
          problem = e.message;
          mismatch = !e.runtime;
        }
      } else {
        problem = `op_type ${node.opType}${node.domain ? ` of domain ${node.domain}` : ''} has no shape rule in this importer`;
      }
      if (problem !== undefined) {
        // Fall back on value_info when it declares every output completely.
        const decl = node.outputs.filter((o) => o).map((o) => declared.get(o));
        if (decl.length > 0 && decl.every((v) => v?.elemType !== undefined && isStatic(v.shape))) {
          outs = node.outputs.map((o) => {
            const v = declared.get(o);
            return v ? { dtype: v.elemType!, shape: (v.shape as number[]).slice() } : undefined;
          });
          result.fromValueInfo.push(label);
        } else {
          const Err = mismatch ? ShapeMismatchError : InputError;
          throw new Err(`${label}: cannot infer the output shape: ${problem}`, { buffer: node.outputs[0] ?? '' });
        }
      }
      const foldable =
        SHAPE_ONLY.has(node.opType) || (!CONTROL_OR_RANDOM.has(node.opType) && readsOf(node).every((name) => isConstant(name)));
      node.outputs.forEach((name, k) => {
        if (!name) return;
        const info = outs[k];
        if (!info) throw new InputError(`${label}: cannot infer the shape of output ${k} "${name}"`, { buffer: name });
        // Every rule's answer is checked here once: each dimension a size (a whole number >= 0).
        if (info.shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
          throw new ShapeMismatchError(`${label}: output ${k} "${name}" comes out as ${show(info.shape)}, which is not a shape`, { buffer: name });
        }
        const v = declared.get(name);
        if (v) this.check(label, name, info, v, result);
        infos.set(name, info);
        if (foldable) constants.add(name);
      });
      if (foldable && node.opType !== 'Constant') result.folded++;
    }
    for (const o of graph.outputs) {
      if (!lookup(o.name)) throw new InputError(`${where}graph output "${o.name}" is produced by no node`, { buffer: o.name });
    }
    return result;
  }

  /** A declared shape must agree with the inferred one on rank and on every static dimension. */
  private check(label: string, name: string, info: TensorInfo, v: OnnxValueInfo, result: GraphShapes): void {
    if (v.elemType !== undefined && v.elemType !== info.dtype) {
      throw new ShapeMismatchError(
        `${label}: output "${name}" is declared ${dataTypeName(v.elemType)} in value_info but inferred as ${dataTypeName(info.dtype)}`,
        { buffer: name },
      );
    }
    if (!v.shape) return;
    const agree = v.shape.length === info.shape.length && v.shape.every((d, k) => typeof d !== 'number' || d === info.shape[k]);
    if (!agree) {
      throw new ShapeMismatchError(
        `${label}: output "${name}" is declared ${shapeText(v.shape)} in value_info but inferred as ${show(info.shape)}`,
        { buffer: name },
      );
    }
    result.checked++;
  }
}

/** Infers the shapes of the main graph and, recursively, of the subgraphs inside it. */
export function inferShapes(model: OnnxModel, options: InferOptions = {}): GraphShapes {
  return new Inference(model, options).run(model.graph, [], new Set(), '', '');
}
