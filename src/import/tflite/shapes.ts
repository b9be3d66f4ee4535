import { InputError } from '../../problem/errors.js';
import { builtinName } from './builtin-names.js';
import { isConstant } from './lifetimes.js';
import { SizeError } from './tensor-size.js';
import type { TfliteModel, TfliteOperator, TfliteSubgraph, TfliteTensor } from './types.js';

/**
 * Tensor shapes as TensorFlow Lite Micro allocates them.
 *
 * TFLM allocates a tensor's stored `shape` and ignores `shape_signature` (a dynamic batch, -1 in the
 * signature, is stored as 1). Some converters store a placeholder for an output whose shape the
 * operator computes when it is prepared (a RESHAPE output stored as [1, 1, 2] with signature
 * [-1, -1, 2]); full TFLite replaces it in its Prepare step (tensorflow/lite/kernels/reshape.cc
 * computes the shape from the shape tensor, resolving -1), TFLM stops on it (reshape_common.cc
 * checks that element counts agree). Here a stored shape whose element count contradicts its
 * producer's input is computed the way full TFLite's Prepare does, and the new shapes flow on to the
 * operators that read it; values of small int tensors (SHAPE, STRIDED_SLICE, PACK, constants) are
 * followed so that a shape tensor computed in the graph can be read.
 */

const OP = {
  ADD: 0,
  AVERAGE_POOL_2D: 1,
  CONCATENATION: 2,
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 4,
  DEQUANTIZE: 6,
  FULLY_CONNECTED: 9,
  LOGISTIC: 14,
  MAX_POOL_2D: 17,
  MUL: 18,
  RELU: 19,
  RELU6: 21,
  RESHAPE: 22,
  SOFTMAX: 25,
  TANH: 28,
  PAD: 34,
  BATCH_TO_SPACE_ND: 37,
  SPACE_TO_BATCH_ND: 38,
  SUB: 41,
  SQUEEZE: 43,
  STRIDED_SLICE: 45,
  EXP: 47,
  CAST: 53,
  EXPAND_DIMS: 70,
  SHAPE: 77,
  PACK: 83,
  PADV2: 60,
  QUANTIZE: 114,
  HARD_SWISH: 117,
} as const;

/** Operators whose output has the shape of their first input. */
const SAME_SHAPE: ReadonlySet<number> = new Set([
  OP.DEQUANTIZE,
  OP.LOGISTIC,
  OP.RELU,
  OP.RELU6,
  OP.SOFTMAX,
  OP.TANH,
  OP.EXP,
  OP.CAST,
  OP.QUANTIZE,
  OP.HARD_SWISH,
]);
/** Element-wise binary operators (output: the broadcast of both inputs). */
const BROADCAST: ReadonlySet<number> = new Set([OP.ADD, OP.MUL, OP.SUB]);
/** Operators that only change the shape: their output's element count must equal their input's. */
const RESHAPING: ReadonlySet<number> = new Set([OP.RESHAPE, OP.SQUEEZE, OP.EXPAND_DIMS]);
/**
 * Operators whose output shape full TFLite computes in Prepare from constant inputs, checked
 * against the stored one on every model (a converter may store batch 1 for a SPACE_TO_BATCH_ND
 * output of batch 25: TFLM then writes past the tensor).
 */
const COMPUTED: ReadonlySet<number> = new Set([OP.SPACE_TO_BATCH_ND, OP.BATCH_TO_SPACE_ND]);
/** Operators that treat each batch on its own: a new batch in the input is the output's new batch. */
const PER_BATCH: ReadonlySet<number> = new Set([OP.CONV_2D, OP.DEPTHWISE_CONV_2D, OP.AVERAGE_POOL_2D, OP.MAX_POOL_2D, OP.PAD, OP.PADV2]);

/** The shapes of one subgraph as the runtime allocates them. */
export interface RuntimeShapes {
  /** shapes[t]: the dimensions TFLM allocates for tensor t (--batch N in a dynamic batch). */
  shapes: number[][];
  /** Tensors whose shape was computed from their producer (the stored one is a placeholder). */
  resolved: number[];
  /** Tensors with a dynamic shape_signature (-1) planned at their stored shape. */
  dynamic: number[];
  /** Tensors whose dynamic batch took --batch. */
  batched: number[];
}

const product = (dims: readonly number[]): number => dims.reduce((a, d) => a * d, 1);
const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * The stored shape with a dynamic batch (-1 in dimension 0 of the signature) set to `batch` when
 * given; other dynamic dimensions keep their stored value, as TFLM allocates them. A stored
 * dimension below 0 is a SizeError.
 */
export function storedShape(t: TfliteTensor, batch?: number): { dims: number[]; dynamic: boolean; batched: boolean } {
  const sig = t.shapeSignature && t.shapeSignature.length === t.shape.length ? t.shapeSignature : undefined;
  let dynamic = false;
  let batched = false;
  const dims = t.shape.map((d, i) => {
    const isDynamic = d < 0 || (sig !== undefined && sig[i]! < 0);
    if (isDynamic) dynamic = true;
    if (isDynamic && i === 0 && batch !== undefined) {
      batched = true;
      return batch;
    }
    if (d < 0) {
      throw new SizeError(
        i === 0 ? `has an unknown batch in its stored shape [${t.shape.join(', ')}]: give the batch size (--batch N / { batch })` : `has an unknown dimension ${i} in its stored shape [${t.shape.join(', ')}]`,
      );
    }
    return d;
  });
  return { dims, dynamic, batched };
}

/** Values of a constant int32 / int64 tensor (a shape, an axis), or undefined when not such a tensor. */
function constantInts(model: TfliteModel, t: TfliteTensor): number[] | undefined {
  const data = model.buffers[t.buffer]?.data;
  if (data === undefined || data.length === 0) return undefined;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (t.type === 2 && data.length % 4 === 0) return Array.from({ length: data.length / 4 }, (_, i) => dv.getInt32(4 * i, true));
  if (t.type === 4 && data.length % 8 === 0) return Array.from({ length: data.length / 8 }, (_, i) => Number(dv.getBigInt64(8 * i, true)));
  return undefined;
}

/**
 * The runtime shapes of subgraph `s` (see the module's comment). Throws InputError naming the
 * operator when a stored shape contradicts its producer and no rule here can compute it, or when a
 * resolved shape reaches an operator without a shape rule.
 */
export function runtimeShapes(model: TfliteModel, s: number, batch?: number): RuntimeShapes {
  const sg = model.subgraphs[s]!;
  const dynamic: number[] = [];
  const batched: number[] = [];
  const shapes = sg.tensors.map((t, i) => {
    try {
      const r = storedShape(t, batch);
      if (r.dynamic) dynamic.push(i);
      if (r.batched) batched.push(i);
      return r.dims;
    } catch (e) {
      if (!(e instanceof SizeError)) throw e;
      return t.shape.slice(); // the size step names the tensor
    }
  });
  const values = new Map<number, number[]>();
  sg.tensors.forEach((t, i) => {
    if (isConstant(model, sg, i)) {
      const v = constantInts(model, t);
      if (v !== undefined) values.set(i, v);
    }
  });
  const changed = new Set<number>();
  sg.operators.forEach((op, i) => {
    const code = model.operatorCodes[op.opcodeIndex]!;
    const builtin = code.custom !== undefined ? -1 : code.builtin;
    const rule = new ShapeRule(model, sg, s, i, op, builtin, shapes, values);
    rule.values();
    const y = op.outputs[0];
    const x = op.inputs[0];
    if (y === undefined || x === undefined || x < 0) return;
    const inputChanged = op.inputs.some((t) => t >= 0 && changed.has(t));
    const contradicts = RESHAPING.has(builtin) && product(shapes[y]!) !== product(shapes[x]!);
    if (!inputChanged && !contradicts && !COMPUTED.has(builtin)) return;
    const out = rule.output(sg.tensors[y]!.shape);
    if (out === undefined) {
      const why = contradicts
        ? `its output's stored shape [${shapes[y]!.join(', ')}] holds ${product(shapes[y]!)} elements, its input ${product(shapes[x]!)}`
        : `it reads a tensor whose stored shape was replaced by the one its producer computes`;
      throw new InputError(
        `${model.file}: subgraph ${s}, ${rule.label()}: ${why}, and arenapack has no shape rule for ${rule.typeName()} to compute its output's shape`,
        { file: model.file, buffer: `subgraph ${s}, operator ${i}` },
      );
    }
    if (!same(out, shapes[y]!)) {
      shapes[y] = out;
      changed.add(y);
    }
  });
  return { shapes, resolved: [...changed].sort((a, b) => a - b), dynamic, batched };
}

/** The shape rules of one operator, over the shapes and int values known so far. */
class ShapeRule {
  constructor(
    private readonly model: TfliteModel,
    private readonly sg: TfliteSubgraph,
    private readonly s: number,
    private readonly i: number,
    private readonly op: TfliteOperator,
    private readonly builtin: number,
    private readonly shapes: number[][],
    private readonly vals: Map<number, number[]>,
  ) {}

  typeName(): string {
    const code = this.model.operatorCodes[this.op.opcodeIndex]!;
    return code.custom !== undefined ? `custom operator "${code.custom}"` : builtinName(code.builtin);
  }

  label(): string {
    return `operator ${this.i} (${this.typeName()})`;
  }

  private fail(message: string): never {
    throw new InputError(`${this.model.file}: subgraph ${this.s}, ${this.label()}: ${message}`, {
      file: this.model.file,
      buffer: `subgraph ${this.s}, operator ${this.i}`,
    });
  }

  private shapeOf(k: number): number[] | undefined {
    const t = this.op.inputs[k];
    return t === undefined || t < 0 ? undefined : this.shapes[t];
  }

  private valueOf(k: number): number[] | undefined {
    const t = this.op.inputs[k];
    return t === undefined || t < 0 ? undefined : this.vals.get(t);
  }

  /** Follows small int values: SHAPE, STRIDED_SLICE of a 1-D tensor, PACK of scalars. */
  values(): void {
    const y = this.op.outputs[0];
    if (y === undefined) return;
    if (this.builtin === OP.SHAPE) {
      const x = this.shapeOf(0);
      if (x !== undefined) this.vals.set(y, x.slice());
    } else if (this.builtin === OP.PACK) {
      const parts = this.op.inputs.map((t) => (t >= 0 ? this.vals.get(t) : undefined));
      if (parts.every((p) => p !== undefined && p.length === 1) && (this.op.options?.axis ?? 0) === 0) {
        this.vals.set(y, parts.map((p) => p![0]!));
      }
    } else if (this.builtin === OP.CAST) {
      const v = this.valueOf(0);
      if (v !== undefined) this.vals.set(y, v.slice());
    } else if (this.builtin === OP.CONCATENATION) {
      const parts = this.op.inputs.map((t) => (t >= 0 ? this.vals.get(t) : undefined));
      if (parts.every((p) => p !== undefined) && parts.length > 0 && (this.shapeOf(0)?.length ?? 0) <= 1) this.vals.set(y, parts.flatMap((p) => p!));
    } else if (this.builtin === OP.STRIDED_SLICE) {
      const v = this.stridedSlice1d();
      if (v !== undefined) this.vals.set(y, v);
    }
  }

  /** STRIDED_SLICE of a 1-D int tensor (tensorflow/lite/kernels/strided_slice.cc), masks honoured. */
  private stridedSlice1d(): number[] | undefined {
    const x = this.valueOf(0);
    const begin = this.valueOf(1);
    const end = this.valueOf(2);
    const strides = this.valueOf(3) ?? [1];
    const o = this.op.options ?? {};
    if (x === undefined || begin?.length !== 1 || end?.length !== 1 || strides.length !== 1) return undefined;
    if ((o.ellipsisMask ?? 0) !== 0 || (o.newAxisMask ?? 0) !== 0) return undefined;
    const n = x.length;
    const step = strides[0]!;
    if (step === 0) return undefined;
    const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);
    const norm = (v: number): number => (v < 0 ? v + n : v);
    let b = (o.beginMask ?? 0) & 1 ? (step > 0 ? 0 : n - 1) : norm(begin[0]!);
    let e = (o.endMask ?? 0) & 1 ? (step > 0 ? n : -1) : o.offset ? b + end[0]! : norm(end[0]!);
    if ((o.shrinkAxisMask ?? 0) & 1) return b >= 0 && b < n ? [x[b]!] : undefined;
    b = step > 0 ? clamp(b, 0, n) : clamp(b, -1, n - 1);
    e = step > 0 ? clamp(e, 0, n) : clamp(e, -1, n - 1);
    const out: number[] = [];
    for (let k = b; step > 0 ? k < e : k > e; k += step) out.push(x[k]!);
    return out;
  }

  /**
   * The output shape this operator computes, or undefined when there is no rule for it here;
   * `stored` is the output's stored shape (kept, with the new batch, by per-batch operators).
   */
  output(stored: readonly number[]): number[] | undefined {
    const x = this.shapeOf(0)!;
    const b = this.builtin;
    if (b === OP.SPACE_TO_BATCH_ND) return this.spaceToBatch(x);
    if (b === OP.BATCH_TO_SPACE_ND) return this.batchToSpace(x);
    if (PER_BATCH.has(b)) {
      const input = this.op.inputs[0]!;
      const storedIn = this.sg.tensors[input]!.shape;
      const onlyBatch = x.length === storedIn.length && x.length === stored.length && x.every((d, k) => k === 0 || d === storedIn[k]);
      return onlyBatch ? [x[0]!, ...stored.slice(1)] : undefined;
    }
    if (b === OP.SHAPE) return [x.length];
    if (SAME_SHAPE.has(b)) return x.slice();
    if (BROADCAST.has(b)) return this.broadcast(x, this.shapeOf(1) ?? []);
    if (b === OP.RESHAPE) return this.reshape(x);
    if (b === OP.SQUEEZE) return this.squeeze(x);
    if (b === OP.EXPAND_DIMS) return this.expandDims(x);
    if (b === OP.CONCATENATION) return this.concatenation();
    if (b === OP.FULLY_CONNECTED) return this.fullyConnected(x);
    return undefined;
  }

  /** The block shape (input 1) and the pairs of input 2 (paddings or crops), constants of a 4-D op. */
  private blocks(x: readonly number[]): { block: number[]; pairs: number[] } {
    const block = this.valueOf(1);
    const pairs = this.valueOf(2);
    if (x.length !== 4 || block?.length !== 2 || pairs?.length !== 4 || block.some((v) => v <= 0)) {
      this.fail('its block shape and paddings / crops must be constants of a 4-D input');
    }
    return { block, pairs };
  }

  /** tensorflow/lite/kernels/space_to_batch_nd.cc: [n * bh * bw, (h + pads) / bh, (w + pads) / bw, c]. */
  private spaceToBatch(x: readonly number[]): number[] {
    const { block, pairs } = this.blocks(x);
    const h = x[1]! + pairs[0]! + pairs[1]!;
    const w = x[2]! + pairs[2]! + pairs[3]!;
    if (h % block[0]! !== 0 || w % block[1]! !== 0) this.fail(`padded size ${h}x${w} is not a multiple of the block ${block.join('x')}`);
    return [x[0]! * block[0]! * block[1]!, h / block[0]!, w / block[1]!, x[3]!];
  }

  /** tensorflow/lite/kernels/batch_to_space_nd.cc: [n / (bh * bw), h * bh - crops, w * bw - crops, c]. */
  private batchToSpace(x: readonly number[]): number[] {
    const { block, pairs } = this.blocks(x);
    const k = block[0]! * block[1]!;
    if (x[0]! % k !== 0) this.fail(`batch ${x[0]} is not a multiple of the block ${block.join('x')}`);
    return [x[0]! / k, x[1]! * block[0]! - pairs[0]! - pairs[1]!, x[2]! * block[1]! - pairs[2]! - pairs[3]!, x[3]!];
  }

  /** tensorflow/lite/kernels/reshape.cc: the shape tensor (or new_shape), one -1 stretched. */
  private reshape(x: readonly number[]): number[] {
    const hasShapeInput = this.op.inputs.length > 1 && this.op.inputs[1]! >= 0;
    const spec = hasShapeInput ? this.valueOf(1) : this.op.options?.newShape;
    if (spec === undefined) {
      this.fail(hasShapeInput ? 'its shape tensor is computed at run time from values arenapack cannot follow' : 'it has neither a shape tensor nor new_shape');
    }
    const total = product(x);
    const stretch = spec.indexOf(-1);
    if (stretch >= 0 && spec.indexOf(-1, stretch + 1) >= 0) this.fail(`its new shape [${spec.join(', ')}] has more than one -1`);
    const known = product(spec.filter((_, k) => k !== stretch));
    const out = spec.slice();
    if (stretch >= 0) {
      if (known === 0 || total % known !== 0) this.fail(`${total} elements cannot take the shape [${spec.join(', ')}]`);
      out[stretch] = total / known;
    }
    if (product(out) !== total) this.fail(`${total} elements cannot take the shape [${spec.join(', ')}]`);
    return out;
  }

  /** tensorflow/lite/kernels/squeeze.cc: squeeze_dims, or every dimension of 1. */
  private squeeze(x: readonly number[]): number[] {
    const dims = (this.op.options?.squeezeDims ?? []).map((d) => (d < 0 ? d + x.length : d));
    return x.filter((d, k) => (dims.length === 0 ? d !== 1 : !dims.includes(k)));
  }

  /** tensorflow/lite/kernels/expand_dims.cc: a 1 at the axis (input 1). */
  private expandDims(x: readonly number[]): number[] {
    const axis = this.valueOf(1);
    if (axis?.length !== 1) this.fail('its axis is not a constant');
    const a = axis[0]! < 0 ? axis[0]! + x.length + 1 : axis[0]!;
    if (a < 0 || a > x.length) this.fail(`axis ${axis[0]} is out of range for rank ${x.length}`);
    return [...x.slice(0, a), 1, ...x.slice(a)];
  }

  /** tensorflow/lite/kernels/fully_connected.cc: [elements / input depth, units], or keep_num_dims. */
  private fullyConnected(x: readonly number[]): number[] {
    const w = this.shapeOf(1);
    if (w?.length !== 2 || w[1]! <= 0) this.fail('its weights are not a 2-D tensor');
    if (this.op.options?.keepNumDims) return [...x.slice(0, -1), w[0]!];
    const total = product(x);
    if (total % w[1]! !== 0) this.fail(`${total} input elements are not a multiple of the weights' depth ${w[1]}`);
    return [total / w[1]!, w[0]!];
  }

  /** tensorflow/lite/kernels/concatenation.cc: the inputs' shapes, summed along the axis. */
  private concatenation(): number[] {
    const ins = this.op.inputs.filter((t) => t >= 0).map((t) => this.shapes[t]!);
    const rank = ins[0]!.length;
    const raw = this.op.options?.axis ?? 0;
    const axis = raw < 0 ? raw + rank : raw;
    if (axis < 0 || axis >= rank) this.fail(`axis ${raw} is out of range for rank ${rank}`);
    const out = ins[0]!.slice();
    out[axis] = 0;
    for (const s of ins) {
      if (s.length !== rank || s.some((d, k) => k !== axis && d !== out[k])) this.fail(`its inputs' shapes ${ins.map((v) => `[${v.join(', ')}]`).join(', ')} do not agree off axis ${axis}`);
      out[axis] += s[axis]!;
    }
    return out;
  }

  /** Numpy-style broadcasting of two shapes (tensorflow/lite/kernels/internal: ProcessBroadcastShapes). */
  private broadcast(a: readonly number[], b: readonly number[]): number[] {
    const n = Math.max(a.length, b.length);
    const out: number[] = [];
    for (let k = 0; k < n; k++) {
      const da = a[a.length - n + k] ?? 1;
      const db = b[b.length - n + k] ?? 1;
      if (da !== db && da !== 1 && db !== 1) this.fail(`shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
      out.push(da === 1 ? db : da);
    }
    return out;
  }
}
