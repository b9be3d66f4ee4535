/**
 * The problem to plan, derived from the model graph once, whatever the file format (DESIGN.md §2:
 * read -> model graph -> problem): which tensors get memory in the arena, grouped into buffers, with
 * the live ranges of an operator order. The readers (src/import/tflite, src/import/onnx) only produce
 * the graph; every rule below is the same for both.
 */
import { plural, verb } from '../format/plural.js';
import { InputError } from '../problem/errors.js';
import type { Buffer } from '../problem/types.js';
import type { ModelSubgraph, ModelTensor } from '../import/model.js';
import { tflmAligned } from '../runtime/tflm/allocation.js';
import { liveRange, tensorSteps } from './live-ranges.js';
import { planningNotes, weightsNote, type PlanningCounts } from './problem-notes.js';
import type { GraphTensor, ModelGraph, PreparedRange, SubgraphGraph, TensorKind } from './types.js';
import { viewOwners } from './views.js';
import { inplaceAliases, inplaceBytes, type InplaceAlias, type InplaceKind } from './inplace.js';

/** How the problem is built (the importers' options with their defaults applied). */
export interface ProblemOptions {
  /** Alignment of every buffer in bytes (a power of two; 1 = none). */
  align: number;
  /** Plan the weights the run reads (GraphTensor.weights) as whole-run buffers, one per data key. */
  includeWeights: boolean;
  /** Plan tensors computed from constants (kind `prepared`, no weights key); false leaves them out. */
  keepPrepared: boolean;
  /**
   * When a planned prepared tensor is live: `whole-run` where the runtime computes it once and holds
   * it (ONNX Runtime folds such operators into initializers when it creates a session; full TFLite
   * keeps them after Prepare), or `per-run` where its operator computes it again at every run and it
   * lives, like an activation, from that operator to its last reader. TFLM is `per-run`: its allocator
   * plans every tensor without data in the file and not a variable (micro_allocation_info.cc,
   * InitializeAllocationInfo: `needs_allocating`) over its operators' allocation scopes, and its
   * DEQUANTIZE kernel runs at every Invoke (checked in the runtime: test/runtime/tflm-prepared.test.ts).
   * A prepared tensor keeps its kind: it is never a view's or an in-place alias's buffer.
   */
  preparedRange: PreparedRange;
  /** Let a view operator's output share its input's buffer when the input dies there (src/graph/views.ts). */
  shareViews: boolean;
  /**
   * In-place operators (issue #14, src/graph/inplace.ts): the kinds asked for, the operator types whose
   * kernels may write their output over an input (the format's or kernel library's list), and what the
   * report names as that list's source (e.g. `reference kernels`).
   */
  inplace?: { kinds: readonly InplaceKind[]; elementwise: ReadonlySet<string>; source: string };
}

/** The id of the buffer a kept offline plan reserves in subgraph 0: fixed at offset 0 for the whole run. */
export const OFFLINE_PLAN_ID = 'offline-plan';

/** Kinds whose tensors move with the operator order. */
const MOVING: ReadonlySet<TensorKind> = new Set(['input', 'output', 'activation', 'intermediate']);

/**
 * Whether a planned tensor of `kind` is live over a range that follows the operator order (else
 * whole-run or not planned), prepared tensors as `prepared` says (ProblemOptions.preparedRange).
 */
export function movesWithOrder(kind: TensorKind, prepared: PreparedRange): boolean {
  return MOVING.has(kind) || (kind === 'prepared' && prepared === 'per-run');
}

/** What a tensor is to the problem: planned (whole run or moving with the order), or left out, and why. */
type Role = 'weights' | 'prepared' | 'variable' | 'moving' | 'kept' | 'none';

function roleOf(t: GraphTensor, read: boolean): Role {
  if (t.weights !== undefined) return read ? 'weights' : 'none';
  if (t.fixedOffset !== undefined) return 'kept';
  if (t.kind === 'variable') return 'variable';
  if (t.kind === 'prepared') return 'prepared';
  return MOVING.has(t.kind) ? 'moving' : 'none';
}

/**
 * One subgraph of `model` as a problem. A tensor's buffer:
 * - weights the run reads (`weights` set; read by an operator or a graph output): whole run, one
 *   buffer per data key, with `includeWeights` only;
 * - prepared tensors (computed from constants), with `keepPrepared`: whole run, or their live range in
 *   the order as an activation's (`preparedRange`);
 * - inputs, outputs, activations, intermediates: their live range in the order (src/graph/live-ranges.ts),
 *   a view's output in its input's buffer when the input dies there (`shareViews`, src/graph/views.ts);
 * - none for variables (the runtime's persistent area; bytes counted in `variableBytes`), tensors the
 *   model's own offline plan places (`fixedOffset`; its extent is reserved at offset 0 in subgraph 0),
 *   tensors of 0 bytes, unused ones.
 * Every buffer aligned to `align`; buffers in the order of their owner (first) tensor, whose index is
 * the buffer's id. `order[k]` is the operator run at step k (a permutation the reader checked; default
 * the graph's run order). Throws InputError for a tensor to plan (or a variable) whose bytes are
 * unknown, with the reader's message (GraphTensor.unsized) after the file.
 */
export function subgraphProblem(model: Pick<ModelGraph, 'format' | 'file' | 'offlinePlan'>, graph: SubgraphGraph, options: ProblemOptions, order?: readonly number[]): ModelSubgraph {
  const steps = Math.max(graph.operators.length, 1);
  const stepOrder = order ?? graph.runOrder;
  const touched = tensorSteps(graph.operators, graph.tensorCount, stepOrder);
  const inputs = new Set(graph.inputs);
  const outputs = new Set(graph.outputs);
  const byIndex = new Map(graph.tensors.map((t) => [t.index, t]));
  const read = (t: number): boolean => touched[t]!.lastRead !== undefined || outputs.has(t);
  const roles = new Map(graph.tensors.map((t) => [t.index, roleOf(t, read(t.index))]));
  const planned = (role: Role | undefined): boolean =>
    role === 'moving' || (role === 'weights' && options.includeWeights) || (role === 'prepared' && options.keepPrepared);
  const fail = (t: GraphTensor): never => {
    throw new InputError(`${model.file}: ${t.unsized}`, { file: model.file, buffer: t.name || `tensor ${t.index}` });
  };
  const sizeOf = (t: number): number | undefined => {
    const b = byIndex.get(t)?.bytes;
    return b !== undefined && b > 0 ? b : undefined;
  };
  const owner = options.shareViews
    ? viewOwners(graph.operators, graph.tensorCount, outputs, (t) => byIndex.get(t)?.kind ?? 'unused', sizeOf, (t) => touched[t]!.lastRead, stepOrder)
    : Array.from({ length: graph.tensorCount }, (_, t) => t);

  const counts: PlanningCounts = { weights: 0, weightBytes: 0, empty: 0, views: 0, sharedBuffers: 0, unwritten: 0 };
  const groups = new Map<string, { owner: number; tensors: number[]; size: number; start: number; end: number }>();
  const tensors = graph.tensors.map((gt): ModelTensor => {
    const t = gt.index;
    const role = roles.get(t)!;
    const tensor: ModelTensor = { ...gt };
    // A live range by kind (kept tensors too, for the report); weights only when planned.
    let range: { start: number; end: number } | undefined;
    if (gt.weights === undefined && movesWithOrder(gt.kind, options.preparedRange)) range = liveRange(touched[t]!, inputs.has(t), outputs.has(t), steps);
    else if (gt.weights === undefined && (gt.kind === 'variable' || gt.kind === 'prepared')) range = { start: 0, end: steps };
    else if (role === 'weights' && options.includeWeights) range = { start: 0, end: steps };
    if (range !== undefined) Object.assign(tensor, range);
    if (role === 'weights') {
      counts.weights++;
      counts.weightBytes += gt.bytes ?? 0;
    }
    if (MOVING.has(gt.kind) && touched[t]!.producer === undefined && touched[t]!.internal === undefined && !inputs.has(t)) counts.unwritten++;
    if ((planned(role) || role === 'variable') && gt.bytes === undefined && gt.unsized !== undefined) fail(gt);
    if (!planned(role) || gt.bytes === undefined) return tensor;
    if (gt.bytes === 0) {
      counts.empty++;
      return tensor;
    }
    const key = role === 'weights' ? `w${gt.weights!}` : `a${owner[t]!}`;
    const g = groups.get(key);
    if (g === undefined) groups.set(key, { owner: t, tensors: [t], size: gt.bytes, start: range!.start, end: range!.end });
    else {
      g.tensors.push(t);
      g.size = Math.max(g.size, gt.bytes);
      g.start = Math.min(g.start, range!.start);
      g.end = Math.max(g.end, range!.end);
      if (role !== 'weights') counts.views++;
    }
    return tensor;
  });

  const list = [...groups.values()].sort((a, b) => a.owner - b.owner);
  counts.sharedBuffers = list.filter((g) => g.tensors.length > 1 && roles.get(g.owner) !== 'weights').length;
  const slot = new Map<number, number>();
  const buffers: Buffer[] = list.map((g, i) => {
    for (const t of g.tensors) slot.set(t, i);
    return aligned({ id: String(g.owner), size: g.size, start: g.start, end: g.end }, options.align);
  });
  for (const tensor of tensors) {
    const b = slot.get(tensor.index);
    if (b !== undefined) tensor.buffer = b;
  }
  const inplace = options.inplace === undefined ? [] : inPlace(options.inplace);
  /** The in-place aliases between planned buffers, set on them (aliasOf / aliasOffset). */
  function inPlace(o: NonNullable<ProblemOptions['inplace']>): InplaceAlias[] {
    const aliases = inplaceAliases(
      {
        operators: graph.operators,
        ...(stepOrder !== undefined ? { order: stepOrder } : {}),
        // Only tensors in a buffer of their own (or a view's) moving with the order.
        kindOf: (t) => (slot.has(owner[t]!) && roles.get(t) === 'moving' ? byIndex.get(t)!.kind : 'unused'),
        bytesOf: (t) => byIndex.get(t)?.bytes,
        shapeOf: (t) => byIndex.get(t)?.shape ?? [],
        lastReadOf: (t) => touched[t]!.lastRead,
        ownerOf: (t) => owner[t]!,
      },
      { kinds: o.kinds, elementwise: o.elementwise, align: options.align },
    );
    const kept = aliases.filter((a) => slot.has(a.tensor) && slot.has(a.of));
    for (const a of kept) {
      const b = buffers[slot.get(a.tensor)!]!;
      b.aliasOf = buffers[slot.get(a.of)!]!.id;
      if (a.offset !== 0) b.aliasOffset = a.offset;
    }
    return kept;
  }
  const tensorsOf = list.map((g) => g.tensors);
  const names = list.map((g) => byIndex.get(g.owner)!.name);
  const reserve = model.offlinePlan?.kept === true && graph.index === 0 ? model.offlinePlan.extent : 0;
  if (reserve > 0) {
    // The kept offline plan's tensors (Vela's may overlap on purpose) as one fixed whole-run block.
    buffers.push(aligned({ id: OFFLINE_PLAN_ID, size: reserve, start: 0, end: steps, offset: 0 }, options.align));
    tensorsOf.push([]);
    names.push("the model's own offline plan (kept)");
  }

  const variables = tensors.filter((t) => t.kind === 'variable');
  const out: ModelSubgraph = {
    ...graph,
    problem: { buffers },
    tensorsOf,
    names,
    operatorCount: graph.operators.length,
    notes: [
      ...keptNote(tensors, reserve),
      ...inplaceNotes(inplace, (t) => byIndex.get(t)?.bytes, options.inplace),
      ...weightsNote(model.format, counts, options),
      ...graph.facts,
      ...planningNotes(model.format, tensors, counts, options),
      ...replacedNote(model, graph.index),
    ],
    tensors,
    inputs: [...graph.inputs],
    outputs: [...graph.outputs],
  };
  out.preparedRange = options.preparedRange;
  if (model.format === 'tflite') out.variableBytes = variables.reduce((a, t) => a + tflmAligned(t.bytes ?? 0), 0);
  if (order !== undefined) out.order = [...order];
  if (options.inplace !== undefined) out.inplace = inplace;
  return out;
}

/** What the report says about in-place operators: per kind asked for, the tensors placed and their bytes. */
function inplaceNotes(aliases: readonly InplaceAlias[], bytesOf: (t: number) => number | undefined, o: ProblemOptions['inplace']): string[] {
  const what = { elementwise: "element-wise outputs take a dying input's bytes", concat: 'concatenation inputs placed in their output' };
  return (o?.kinds ?? []).map((kind) => {
    const n = aliases.filter((a) => a.kind === kind).length;
    return `--inplace ${kind} (${o!.source}): ${plural(n, 'tensor')} (${what[kind]}), ${inplaceBytes(aliases, bytesOf, kind)} B no longer apart`;
  });
}

/** The problems of every subgraph of `model`, subgraph s in `orders[s]` where given (see subgraphProblem). */
export function modelProblems(model: ModelGraph, options: ProblemOptions, orders?: readonly (readonly number[] | undefined)[]): ModelSubgraph[] {
  return model.subgraphs.map((sg, s) => subgraphProblem(model, sg, options, orders?.[s]));
}

function aligned(b: Buffer, align: number): Buffer {
  if (align !== 1) b.align = align;
  return b;
}

/** What the report says about a kept offline plan. */
function keptNote(tensors: readonly ModelTensor[], reserve: number): string[] {
  const kept = tensors.filter((t) => t.fixedOffset !== undefined).length;
  if (kept === 0 && reserve === 0) return [];
  return [
    `the model carries its own offline plan (OfflineMemoryAllocation, e.g. Vela's): kept — ${plural(kept, 'tensor')} ${verb(kept, 'keeps its offset', 'keep their offsets')}` +
      (reserve > 0 ? `, ${reserve} B reserved at offset 0 for the whole run` : '') +
      '; the rest is planned around it (--replace-offline-plan plans every tensor anew)',
  ];
}

/** What the report says about a replaced offline plan (subgraph 0). */
function replacedNote(model: Pick<ModelGraph, 'offlinePlan'>, s: number): string[] {
  if (s !== 0 || model.offlinePlan === undefined || model.offlinePlan.kept) return [];
  return ["the model's own offline plan (OfflineMemoryAllocation) is replaced (--replace-offline-plan): every tensor planned anew"];
}
