import { plural, verb } from '../../format/plural.js';
import { InputError } from '../../problem/errors.js';
import { tflmAligned } from '../../runtime/tflm/allocation.js';
import type { Buffer } from '../../problem/types.js';
import { isPermutation } from '../../problem/validate.js';
import type { ModelSubgraph, ModelTensor } from '../model.js';
import { inplaceAliases, inplaceBytes, type InplaceAlias, type InplaceKind } from '../../graph/inplace.js';
import { INPLACE_ELEMENTWISE, TFLITE_CONCAT } from '../../runtime/tflm/inplace.js';
import type { KernelLibrary } from '../../runtime/tflm/head.js';
import { shapeAliases } from './aliases.js';
import { graphOperators } from './operators.js';
import { tensorLifetimes, type TensorLife } from './lifetimes.js';
import { runtimeShapes, storedShape, type RuntimeShapes } from './shapes.js';
import { SizeError, tensorBytes, tryTensorBytes, typeName } from './tensor-size.js';
import type { TfliteModel } from './types.js';

/** The importer's options with their defaults applied. */
export interface SubgraphOptions {
  align: number;
  includeWeights: boolean;
  batch?: number;
  keepPrepared: boolean;
  shareReshapes: boolean;
  /** In-place operators (src/graph/inplace.ts) and the kernel library whose list says which are safe. */
  inplace?: readonly InplaceKind[];
  kernels?: KernelLibrary;
  /**
   * The model's own offline plan, kept: this subgraph's offsets (-1 = not placed by it) and, in
   * subgraph 0, the bytes reserved for it at offset 0 for the whole run (its extent), so planned
   * tensors never overlap the tensors it places.
   */
  kept?: { offsets: readonly number[]; reserve: number };
}

/** Kinds planned in the arena. Variables are not: TFLM keeps them in its persistent area (see subgraphNotes). */
const PLANNED_KINDS = new Set(['input', 'output', 'activation', 'intermediate', 'prepared']);

/**
 * One subgraph as a Problem: one buffer per non-constant tensor (or per group of tensors sharing
 * memory through a shape-only operator), with the live ranges of tensorLifetimes, every buffer
 * aligned to `align`. Constants become whole-run buffers (one per data buffer) with `includeWeights`.
 * `order[k]` is the operator run at step k (a permutation of the operators; default the stored order).
 */
export function tfliteSubgraph(model: TfliteModel, s: number, opts: SubgraphOptions, order?: readonly number[]): ModelSubgraph {
  const sg = model.subgraphs[s]!;
  const steps = Math.max(sg.operators.length, 1);
  if (order !== undefined) checkPermutation(model.file, s, order, sg.operators.length);
  const lives = tensorLifetimes(model, s, order);
  const keptAt = (t: number): number | undefined => {
    const o = opts.kept?.offsets[t];
    return o !== undefined && o >= 0 ? o : undefined;
  };
  const isPlanned = (l: TensorLife, t: number): boolean => PLANNED_KINDS.has(l.kind) && (l.kind !== 'prepared' || opts.keepPrepared) && keptAt(t) === undefined;
  const fail = (t: number, message: string): never => {
    const name = sg.tensors[t]!.name;
    const where = `subgraph ${s}, tensor ${t}${name ? ` "${name}"` : ''}`;
    throw new InputError(`${model.file}: ${where} ${message}`, { file: model.file, buffer: where });
  };

  const runtime = runtimeShapes(model, s, opts.batch);
  const shapes: number[][] = [];
  const bytes: (number | undefined)[] = [];
  sg.tensors.forEach((tensor, t) => {
    const life = lives[t]!;
    if (life.kind === 'constant') {
      const b = model.buffers[tensor.buffer];
      shapes.push(tensor.shape);
      const stored = b ? (b.data.length > 0 ? b.data.length : b.size) : 0;
      bytes.push(stored > 0 ? stored : tryTensorBytes(tensor.type, tensor.shape));
      return;
    }
    const dims = runtime.shapes[t]!;
    try {
      if (dims.some((d) => d < 0)) storedShape(tensor, opts.batch); // throws the SizeError naming the dimension
      shapes.push(dims);
      bytes.push(tensorBytes(tensor.type, dims));
    } catch (e) {
      if (!(e instanceof SizeError)) throw e;
      if (isPlanned(life, t) || life.kind === 'variable') fail(t, e.message);
      shapes.push(tensor.shape);
      bytes.push(undefined);
    }
  });

  const operators = graphOperators(model, s);
  const owner = opts.shareReshapes ? shapeAliases(operators, sg.outputs, lives, bytes, order) : sg.tensors.map((_, t) => t);
  const root = (t: number): number => (owner[t] === t ? t : root(owner[t]!));

  // Groups keyed by their owner tensor (activations) or by "w" + data buffer (weights).
  const groups = new Map<string, { owner: number; tensors: number[]; size: number; start: number; end: number }>();
  const join = (key: string, t: number, size: number, start: number, end: number): void => {
    const g = groups.get(key);
    if (g === undefined) groups.set(key, { owner: t, tensors: [t], size, start, end });
    else {
      g.tensors.push(t);
      g.size = Math.max(g.size, size);
      g.start = Math.min(g.start, start);
      g.end = Math.max(g.end, end);
    }
  };
  let empty = 0;
  sg.tensors.forEach((tensor, t) => {
    const life = lives[t]!;
    const size = bytes[t];
    if (life.kind === 'constant') {
      if (opts.includeWeights && size !== undefined && size > 0) {
        join(tensor.externalBuffer !== 0 ? `x${tensor.externalBuffer}` : `w${tensor.buffer}`, t, size, 0, steps);
      }
      return;
    }
    if (!isPlanned(life, t) || size === undefined) return;
    if (size === 0) {
      empty++;
      return;
    }
    join(`a${root(t)}`, t, size, life.start!, life.end!);
  });

  const list = [...groups.values()].sort((a, b) => a.owner - b.owner);
  const bufferOf = new Map<number, number>();
  const buffers: Buffer[] = list.map((g, i) => {
    for (const t of g.tensors) bufferOf.set(t, i);
    const b: Buffer = { id: String(g.owner), size: g.size, start: g.start, end: g.end };
    if (opts.align !== 1) b.align = opts.align;
    return b;
  });

  const inplace = opts.inplace !== undefined && opts.inplace.length > 0 ? placeInPlace(opts.inplace, opts.kernels ?? 'reference') : [];
  function placeInPlace(kinds: readonly InplaceKind[], kernels: KernelLibrary): InplaceAlias[] {
    const aliases = inplaceAliases(
      {
        operators,
        ...(order !== undefined ? { order } : {}),
        // Only tensors with a buffer of their own (or a view's): planned, of known non-zero bytes.
        kindOf: (t) => (isPlanned(lives[t]!, t) && (bytes[t] ?? 0) > 0 ? lives[t]!.kind : 'unused'),
        bytesOf: (t) => bytes[t],
        shapeOf: (t) => shapes[t]!,
        lastReadOf: (t) => lives[t]!.lastRead,
        ownerOf: root,
        concatAxis: (i) => {
          const o = operators[i]!.options?.builtin;
          return o?.kind === 'ConcatenationOptions' && o.activation === 0 ? o.axis : undefined;
        },
        isConcat: (type) => type === TFLITE_CONCAT,
      },
      { kinds, elementwise: INPLACE_ELEMENTWISE[kernels], align: opts.align },
    );
    const kept = aliases.filter((a) => bufferOf.has(a.tensor) && bufferOf.has(a.of));
    for (const a of kept) {
      const b = buffers[bufferOf.get(a.tensor)!]!;
      b.aliasOf = buffers[bufferOf.get(a.of)!]!.id;
      if (a.offset !== 0) b.aliasOffset = a.offset;
    }
    return kept;
  }

  const reserve = opts.kept?.reserve ?? 0;
  const tensorsOf = list.map((g) => g.tensors);
  const names = list.map((g) => sg.tensors[g.owner]!.name);
  if (reserve > 0) {
    // The kept offline plan's tensors (Vela's may overlap on purpose) as one fixed whole-run block.
    const b: Buffer = { id: 'offline-plan', size: reserve, start: 0, end: steps, offset: 0 };
    if (opts.align !== 1) b.align = opts.align;
    buffers.push(b);
    tensorsOf.push([]);
    names.push('the model\'s own offline plan (kept)');
  }

  const tensors = sg.tensors.map((tensor, t): ModelTensor => {
    const mt: ModelTensor = { index: t, name: tensor.name, kind: lives[t]!.kind, type: typeName(tensor.type), shape: shapes[t]! };
    if (!sameDims(shapes[t]!, tensor.shape)) mt.storedShape = tensor.shape.slice();
    if (tensor.zeroPoints !== undefined) mt.zeroPoints = tensor.zeroPoints;
    const fixed = keptAt(t);
    if (fixed !== undefined) mt.fixedOffset = fixed;
    if (bytes[t] !== undefined) mt.bytes = bytes[t];
    const b = bufferOf.get(t);
    if (b !== undefined) mt.buffer = b;
    const life = lives[t]!;
    if (life.start !== undefined) {
      mt.start = life.start;
      mt.end = life.end!;
    }
    return mt;
  });

  const out: ModelSubgraph = {
    index: s,
    name: sg.name,
    problem: { buffers },
    tensorsOf,
    names,
    tensorCount: sg.tensors.length,
    operatorCount: sg.operators.length,
    notes: [
      ...keptNotes(tensors, reserve),
      ...inplaceNotes(inplace, (t) => bytes[t], opts),
      ...shapeNotes(model, s, runtime, opts),
      ...subgraphNotes(tensors, lives, list.filter((g) => g.tensors.length > 1 && !isWeightGroup(lives, g.owner)).length, empty, opts),
    ],
    tensors,
    operators,
    inputs: sg.inputs.slice(),
    outputs: sg.outputs.slice(),
    variableBytes: tensors.filter((t) => t.kind === 'variable').reduce((a, t) => a + tflmAligned(t.bytes ?? 0), 0),
  };
  if (order !== undefined) out.order = [...order];
  if (opts.inplace !== undefined && opts.inplace.length > 0) out.inplace = inplace;
  return out;
}

/** What the report says about in-place operators: per option asked for, the tensors placed and their bytes. */
function inplaceNotes(aliases: readonly InplaceAlias[], bytesOf: (t: number) => number | undefined, opts: SubgraphOptions): string[] {
  const what = { elementwise: 'element-wise outputs take a dying input\'s bytes', concat: 'concatenation inputs placed in their output' };
  return (opts.inplace ?? []).map((kind) => {
    const n = aliases.filter((a) => a.kind === kind).length;
    return `--inplace ${kind} (${opts.kernels ?? 'reference'} kernels): ${plural(n, 'tensor')} (${what[kind]}), ${inplaceBytes(aliases, bytesOf, kind)} B no longer apart`;
  });
}

/** An operator order must name every operator of the subgraph exactly once. */
function checkPermutation(file: string, s: number, order: readonly number[], n: number): void {
  if (!isPermutation(order, n)) {
    throw new InputError(`${file}: subgraph ${s}: the operator order must list each of its ${n} operators exactly once`, {
      file,
      buffer: `subgraph ${s}`,
    });
  }
}

const sameDims = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** What the report says about a kept offline plan. */
function keptNotes(tensors: readonly ModelTensor[], reserve: number): string[] {
  const kept = tensors.filter((t) => t.fixedOffset !== undefined);
  if (kept.length === 0 && reserve === 0) return [];
  return [
    `the model carries its own offline plan (OfflineMemoryAllocation, e.g. Vela's): kept — ${plural(kept.length, 'tensor')} ${verb(kept.length, 'keeps its offset', 'keep their offsets')}` +
      (reserve > 0 ? `, ${reserve} B reserved at offset 0 for the whole run` : '') +
      '; the rest is planned around it (--replace-offline-plan plans every tensor anew)',
  ];
}

/** What the report says about shapes: dynamic signatures planned at their stored shape, placeholders resolved. */
function shapeNotes(model: TfliteModel, s: number, r: RuntimeShapes, opts: SubgraphOptions): string[] {
  const notes: string[] = [];
  if (r.dynamic.length > 0) {
    notes.push(
      r.batched.length > 0
        ? `${plural(r.dynamic.length, 'tensor')} ${verb(r.dynamic.length, 'has', 'have')} a dynamic shape signature: batch ${opts.batch} (--batch) where the batch is dynamic, other dimensions as stored`
        : `${plural(r.dynamic.length, 'tensor')} ${verb(r.dynamic.length, 'has', 'have')} a dynamic shape signature (-1): planned at their stored shape, as TFLM allocates them (--batch N for another batch)`,
    );
  }
  if (r.resolved.length > 0) {
    const sg = model.subgraphs[s]!;
    const first = r.resolved[0]!;
    notes.push(
      `${plural(r.resolved.length, 'tensor')} ${verb(r.resolved.length, 'has', 'have')} a stored shape that contradicts their producer (e.g. tensor ${first} "${sg.tensors[first]!.name}" stored ` +
        `[${sg.tensors[first]!.shape.join(', ')}], computed [${r.shapes[first]!.join(', ')}]): planned at the shapes full TFLite computes; ` +
        `TFLM rejects the model as stored — --write-tflite writes these shapes into the model it writes`,
    );
  }
  return notes;
}

function isWeightGroup(lives: readonly TensorLife[], t: number): boolean {
  return lives[t]!.kind === 'constant';
}

function subgraphNotes(tensors: ModelTensor[], lives: readonly TensorLife[], aliased: number, empty: number, opts: SubgraphOptions): string[] {
  const notes: string[] = [];
  const of = (kind: string): ModelTensor[] => tensors.filter((t) => t.kind === kind);
  const sum = (ts: ModelTensor[]): number => ts.reduce((a, t) => a + (t.bytes ?? 0), 0);
  const prepared = of('prepared');
  if (prepared.length > 0) {
    notes.push(
      `${plural(prepared.length, 'tensor')} prepared once from constants (DEQUANTIZE, DENSIFY, ...), ${sum(prepared)} B: ` +
        (opts.keepPrepared ? 'planned as whole-run buffers' : 'left out of the arena'),
    );
  }
  const variables = of('variable');
  if (variables.length > 0) {
    notes.push(
      `${plural(variables.length, 'variable tensor')} (state), ${sum(variables)} B: not in the planned arena (offline plan -1); ` +
        `TFLM keeps them in its persistent area (tail), ${variables.reduce((a, t) => a + tflmAligned(t.bytes ?? 0), 0)} B rounded to 16`,
    );
  }
  const internal = of('intermediate');
  if (internal.length > 0) notes.push(`${plural(internal.length, 'operator intermediate')}, ${sum(internal)} B: live while their operator runs`);
  if (aliased > 0) notes.push(`${plural(aliased, 'buffer')} shared by RESHAPE / SQUEEZE / EXPAND_DIMS outputs and their dying inputs`);
  const unwritten = lives.filter((l) => l.unwritten).length;
  if (unwritten > 0) notes.push(`${plural(unwritten, 'tensor')} read but never written (no graph input): live from step 0`);
  const unused = of('unused');
  if (unused.length > 0) notes.push(`${plural(unused.length, 'tensor')} no operator touches: not planned`);
  if (empty > 0) notes.push(`${plural(empty, 'tensor')} of 0 bytes: not planned`);
  const constants = of('constant');
  if (opts.includeWeights && constants.length > 0) notes.push(`${plural(constants.length, 'constant tensor')} planned as whole-run buffers (--include-weights)`);
  return notes;
}
