/**
 * A TFLite model as the model graph (src/graph/types.ts): per subgraph, its operators and its
 * tensors with their kind, the shape TFLM allocates and their bytes; the model's own offline plan
 * where it is kept. The problem is built from it by src/graph/problem.ts.
 */
import { plural, verb } from '../../format/plural.js';
import type { GraphTensor, ModelGraph, SubgraphGraph } from '../../graph/types.js';
import { tensorKinds } from './lifetimes.js';
import { existingOfflinePlan } from './offline-plan.js';
import { InputError } from '../../problem/errors.js';
import { graphOperators } from './operators.js';
import { OFFLINE_PLAN_METADATA } from './schema.js';
import { runtimeShapes, storedShape, type RuntimeShapes } from './shapes.js';
import { SizeError, tensorBytes, tryTensorBytes, typeName } from './tensor-size.js';
import type { TfliteModel } from './types.js';

/** What the graph depends on. */
export interface TfliteGraphOptions {
  /** Size of a dynamic batch dimension (-1 in dimension 0 of a shape signature); absent: as stored. */
  batch?: number;
  /** Leave the model's own offline plan unread: every tensor is planned anew (its note says so). */
  replaceOfflinePlan?: boolean;
}

/**
 * The model graph of a TFLite model. Tensors: shapes as TFLM allocates them (runtimeShapes: stored
 * shapes, `batch` in a dynamic batch, placeholders computed from their producer), bytes of those
 * shapes (constants: of their data), `weights` = the data buffer a constant's bytes are, `unsized`
 * when the bytes are unknown, `fixedOffset` from the model's own offline plan unless
 * `replaceOfflinePlan`. Throws InputError for a malformed offline plan (offline-plan.ts) or a tensor
 * written twice or read before its producer (tensorKinds).
 */
export function tfliteGraph(model: TfliteModel, options: TfliteGraphOptions = {}): ModelGraph {
  const plan = options.replaceOfflinePlan ? undefined : existingOfflinePlan(model);
  // Replaced: the stored plan is still read, for what the file as stored gives on the device (the
  // reports' "before"); a malformed one does not stop the replacement, and is said to be malformed.
  let stored: number[][] | undefined;
  let unreadable: string | undefined;
  if (options.replaceOfflinePlan) {
    try {
      stored = existingOfflinePlan(model);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      unreadable = e.message;
    }
  }
  const out: ModelGraph = { format: 'tflite', file: model.file, subgraphs: model.subgraphs.map((_, s) => subgraphGraph(model, s, options.batch, plan?.[s], stored?.[s])) };
  if (plan !== undefined) out.offlinePlan = { kept: true, extent: keptExtent(model, plan) };
  else if (model.metadata.some((m) => m.name === OFFLINE_PLAN_METADATA)) out.offlinePlan = unreadable !== undefined ? { kept: false, unreadable } : { kept: false };
  return out;
}

function subgraphGraph(model: TfliteModel, s: number, batch: number | undefined, offsets: readonly number[] | undefined, storedOffsets?: readonly number[]): SubgraphGraph {
  const sg = model.subgraphs[s]!;
  const kinds = tensorKinds(model, s);
  const runtime = runtimeShapes(model, s, batch);
  const tensors = sg.tensors.map((tensor, t): GraphTensor => {
    const kind = kinds[t]!;
    let shape = tensor.shape;
    let bytes: number | undefined;
    let unsized: string | undefined;
    if (kind === 'constant') {
      const b = model.buffers[tensor.buffer];
      const stored = b ? (b.data.length > 0 ? b.data.length : b.size) : 0;
      bytes = stored > 0 ? stored : tryTensorBytes(tensor.type, tensor.shape);
    } else {
      const dims = runtime.shapes[t]!;
      try {
        if (dims.some((d) => d < 0)) storedShape(tensor, batch); // throws the SizeError naming the dimension
        shape = dims;
        bytes = tensorBytes(tensor.type, dims);
      } catch (e) {
        if (!(e instanceof SizeError)) throw e;
        unsized = `subgraph ${s}, tensor ${t}${tensor.name ? ` "${tensor.name}"` : ''} ${e.message}`;
      }
    }
    const gt: GraphTensor = { index: t, name: tensor.name, kind, type: typeName(tensor.type), shape };
    if (!sameDims(shape, tensor.shape)) gt.storedShape = tensor.shape.slice();
    if (tensor.zeroPoints !== undefined) gt.zeroPoints = tensor.zeroPoints;
    const fixed = offsets?.[t];
    if (fixed !== undefined && fixed >= 0) gt.fixedOffset = fixed;
    const kept = storedOffsets?.[t];
    if (kept !== undefined && kept >= 0) gt.storedOffset = kept;
    if (bytes !== undefined) gt.bytes = bytes;
    if (unsized !== undefined) gt.unsized = unsized;
    if (kind === 'constant') gt.weights = tensor.externalBuffer !== 0 ? `x${tensor.externalBuffer}` : `b${tensor.buffer}`;
    return gt;
  });
  return {
    index: s,
    name: sg.name,
    tensors,
    tensorCount: sg.tensors.length,
    operators: graphOperators(model, s),
    inputs: sg.inputs.slice(),
    outputs: sg.outputs.slice(),
    facts: shapeFacts(model, s, runtime, batch),
  };
}

const sameDims = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** The top of the kept offline plan: the highest offset + bytes (stored shape) of a tensor it places. */
function keptExtent(model: TfliteModel, kept: number[][]): number {
  let top = 0;
  model.subgraphs.forEach((sg, s) =>
    sg.tensors.forEach((t, i) => {
      const o = kept[s]![i]!;
      if (o >= 0) top = Math.max(top, o + (tryTensorBytes(t.type, t.shape) ?? 0));
    }),
  );
  return top;
}

/** What the report says about shapes: dynamic signatures planned at their stored shape, placeholders resolved. */
function shapeFacts(model: TfliteModel, s: number, r: RuntimeShapes, batch: number | undefined): string[] {
  const notes: string[] = [];
  if (batch !== undefined && r.batched.length === 0) {
    // --batch given to a subgraph with no dynamic batch: said, not silently ignored.
    notes.push(`--batch ${batch} changes nothing here: no tensor has a dynamic batch (-1 at dimension 0 of its shape signature); planned at the stored shapes`);
  } else if (r.dynamic.length > 0) {
    notes.push(
      r.batched.length > 0
        ? `${plural(r.dynamic.length, 'tensor')} ${verb(r.dynamic.length, 'has', 'have')} a dynamic shape signature: batch ${batch} (--batch) where the batch is dynamic, other dimensions as stored`
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
