import type { GraphOperator, GraphTensor } from '../../graph/types.js';
import type { ImportedModel } from '../../import/model.js';
import { tflmAligned } from './allocation.js';

/**
 * An estimate of TensorFlow Lite Micro's **tail**: the persistent section of its arena, allocated
 * downwards from the arena's end and kept for the interpreter's life (micro_allocator.cc,
 * micro_interpreter.cc, persistent_arena_buffer_allocator.cc). The estimate replays TFLM's
 * persistent allocations in the order AllocateTensors() makes them, each rounded down to its
 * alignment as the allocator does:
 *
 * 1. the allocator's own objects, made when the interpreter is built (FIXED_PART);
 * 2. per subgraph, one TfLiteEvalTensor per tensor, then one NodeAndRegistration per operator
 *    (StartModelAllocation);
 * 3. each operator's builtin parameters, parsed from the flatbuffer (a TfLite*Params struct:
 *    flatbuffer_conversions.cc);
 * 4. each kernel's Init, then each kernel's Prepare, through AllocatePersistentBuffer (16-aligned):
 *    its OpData struct, and arrays such as a convolution's per-channel output multipliers and shifts
 *    (kernels/conv_common.cc, depthwise_conv_common.cc: two int32 arrays of output channels each);
 * 5. FinishModelAllocation: one ScratchBufferHandle per kernel scratch request, then the variables
 *    (each rounded up to 16) that the offline plan does not place;
 * 6. the interpreter's input and output TfLiteTensor pointer arrays and one persistent TfLiteTensor
 *    per graph input and output of subgraph 0, with its quantization (TfLiteAffineQuantization and a
 *    zero-point array) when quantized.
 *
 * Figures from TFLM's sources (tensorflow/lite/core/c/common.h under TF_LITE_STATIC_MEMORY, the
 * kernels' headers) are struct sizes computed for a pointer size; figures marked *calibrated* were
 * measured on an x86-64 host with the tflite-micro package (0.dev20261023, reference kernels, the
 * build the Python package ships, with USE_TFLM_COMPRESSION) by building models of one, two and
 * three operators of a type and reading the RecordingMicroAllocator's figures: the kernel's
 * persistent bytes per operator (the models: test/helpers/tail-models.ts; test/runtime/tflm-tail.test.ts
 * checks every rule on them against the runtime, test/runtime/tflm.test.ts on the corpus). Where no pointer is in a calibrated struct the same bytes are used
 * for a 32-bit target (an assumption, said in each rule). Operators with no rule (custom operators,
 * builtins not calibrated) are named in `unknown`: their kernels' allocations are not counted and
 * the estimate is a lower bound for that model.
 */

/** A target's pointer size in bits: TFLM's structs of pointers shrink on a 32-bit target. */
export type PointerBits = 32 | 64;

/** Bytes of a struct on a 64-bit host and on a 32-bit target. */
type Sized = { 64: number; 32: number };

const same = (n: number): Sized => ({ 64: n, 32: n });

/**
 * Struct sizes from tensorflow/lite/core/c/common.h (TF_LITE_STATIC_MEMORY) and micro_allocator.h:
 * - TfLiteEvalTensor { TfLitePtrUnion data; TfLiteIntArray* dims; TfLiteType type; }: 24 / 12.
 * - NodeAndRegistration { TfLiteNode node (6 pointers + an int); const TFLMRegistration* }: 64 / 32.
 * - TfLiteTensor (static form: TfLiteQuantization {type, void*}, params {float, int32}, data, dims,
 *   size_t bytes, type, allocation_type, bool): 64 / 40.
 * - TfLiteAffineQuantization { TfLiteFloatArray* scale; TfLiteIntArray* zero_point; int32 }: 24 / 12,
 *   and its zero-point TfLiteIntArray: 4 + 4 per zero point (the scales stay in the flatbuffer).
 * - a pointer (TfLiteTensor*, ScratchBufferHandle { uint8_t* data }): 8 / 4.
 * Host figures checked against the recording allocator (24, 64, 64, 32 per one-zero-point tensor).
 */
const STRUCT = {
  evalTensor: { 64: 24, 32: 12 },
  node: { 64: 64, 32: 32 },
  tensor: { 64: 64, 32: 40 },
  affine: { 64: 24, 32: 12 },
  pointer: { 64: 8, 32: 4 },
} as const satisfies Record<string, Sized>;

/**
 * The allocator's own objects, placed in the tail when the interpreter is made (MicroAllocator,
 * its SingleArenaBufferAllocator and memory planner, the builtin-data allocator, the subgraph
 * allocations): calibrated, 488 bytes on the x86-64 host (the tail of a one-operator model with no
 * options and no kernel data, less its structs). Not scaled for 32-bit: the figure is kept, so this
 * part is an over-estimate there.
 */
const FIXED_PART: Sized = { 64: 488, 32: 488 };

/** What one operator's kernel allocates in the tail (see the module comment). */
interface KernelRule {
  /** Bytes of the TfLite*Params struct parsed from its builtin options (4-aligned), 0 = none. */
  builtin: number;
  /** Bytes its Init allocates (its OpData), 0 = none. */
  init: Sized;
  /** Further allocations its Prepare makes, bytes each (e.g. per-channel arrays). */
  prepare?: (op: GraphOperator, tensors: readonly GraphTensor[]) => number[];
  /** Where the figures come from. */
  source: string;
}

/** Two int32 arrays of the output channels (per-channel multiplier and shift), each. */
const perChannel = (op: GraphOperator, tensors: readonly GraphTensor[]): number[] => {
  const channels = tensors[op.outputs[0] ?? -1]?.shape.at(-1) ?? 0;
  return [4 * channels, 4 * channels];
};

/**
 * The rules per operator type. Builtin bytes: the params struct from builtin_op_data.h (no
 * pointers: the same on 32-bit), confirmed by the calibration except FULLY_CONNECTED's (16 B by the
 * struct read, 32 B measured per operator: the calibrated figure is used). Init bytes: calibrated on
 * the host unless said; 32-bit figures from the struct's pointers where read, else assumed equal.
 */
const RULES: Record<string, KernelRule> = {
  CONV_2D: { builtin: 28, init: { 64: 80, 32: 64 }, prepare: perChannel, source: 'OpDataConv (kernels/conv.h, 2 pointers; with the compression fields) + 2 int32 arrays of output channels (conv_common.cc)' },
  DEPTHWISE_CONV_2D: { builtin: 28, init: { 64: 80, 32: 64 }, prepare: perChannel, source: 'OpDataConv + 2 int32 arrays of output channels (depthwise_conv_common.cc)' },
  FULLY_CONNECTED: { builtin: 32, init: { 64: 72, 32: 56 }, source: 'OpDataFullyConnected (kernels/fully_connected.h, 2 pointers; with the compression fields)' },
  ADD: { builtin: 8, init: same(60), source: 'calibrated (OpDataAdd; no pointers assumed)' },
  SUB: { builtin: 8, init: same(52), source: 'calibrated (OpDataSub; no pointers assumed)' },
  MUL: { builtin: 4, init: same(36), source: 'calibrated (OpDataMul; no pointers assumed)' },
  AVERAGE_POOL_2D: { builtin: 40, init: same(32), source: 'calibrated (OpDataPooling)' },
  MAX_POOL_2D: { builtin: 40, init: same(32), source: 'calibrated (OpDataPooling)' },
  CONCATENATION: { builtin: 8, init: same(80), source: 'calibrated (OpData with ConcatenationParams; its pointers not scaled for 32-bit)' },
  SOFTMAX: { builtin: 4, init: same(80), source: 'calibrated, float (SoftmaxParams; its pointers not scaled for 32-bit)' },
  LOGISTIC: { builtin: 0, init: same(16), source: 'calibrated, float (OpDataLogistic)' },
  TANH: { builtin: 0, init: same(16), source: 'calibrated (OpDataTanh)' },
  RELU: { builtin: 0, init: same(28), source: 'calibrated (ReluOpData)' },
  QUANTIZE: { builtin: 0, init: same(32), source: 'calibrated, float to int8 (OpDataQuantizeReference)' },
  DEQUANTIZE: { builtin: 0, init: same(32), source: 'calibrated, int8 to float (DequantizeOpData)' },
  PAD: { builtin: 0, init: same(56), source: 'calibrated (OpData with PadParams)' },
  MEAN: { builtin: 1, init: same(44), source: 'calibrated (OpDataReduce)' },
  STRIDED_SLICE: { builtin: 24, init: same(84), source: 'calibrated (StridedSliceParams)' },
  RESHAPE: { builtin: 36, init: same(0), source: 'calibrated: no kernel data' },
  PRELU: { builtin: 0, init: same(28), source: 'calibrated (PreluParams)' },
  LEAKY_RELU: { builtin: 4, init: same(24), source: 'calibrated (LeakyReluOpData)' },
  HARD_SWISH: { builtin: 0, init: same(20), source: 'calibrated (HardSwishParams)' },
  GATHER: { builtin: 8, init: same(20), source: 'calibrated (its OpData)' },
  L2_NORMALIZATION: { builtin: 4, init: same(4), source: 'calibrated (its OpData)' },
  SQUEEZE: { builtin: 36, init: same(0), source: 'calibrated: no kernel data' },
  PACK: { builtin: 8, init: same(0), source: 'calibrated: no kernel data' },
  SHAPE: { builtin: 4, init: same(0), source: 'calibrated: no kernel data' },
  CAST: { builtin: 8, init: same(0), source: 'calibrated, float to int32: no kernel data' },
  RESIZE_NEAREST_NEIGHBOR: { builtin: 2, init: same(0), source: 'calibrated: no kernel data' },
  RESIZE_BILINEAR: { builtin: 2, init: same(0), source: 'calibrated: no kernel data' },
  TRANSPOSE: { builtin: 0, init: same(0), source: 'calibrated: no kernel data' },
};

/** The operator types the estimate has a rule for (the rest make it a lower bound). */
export const TAIL_RULE_TYPES: readonly string[] = Object.keys(RULES).sort();

/** TFLM's tail estimate for one model and pointer size. */
export interface TailEstimate {
  /** Bytes of the tail, estimated (variables included). */
  bytes: number;
  /** The target's pointer size the structs were sized for. */
  pointerBits: PointerBits;
  /** Operator types with no rule (their kernels' data not counted): when non-empty, `bytes` is a lower bound. */
  unknown: string[];
}

/** TFLM's persistent allocator, downwards: each allocation rounded down to its alignment (persistent_arena_buffer_allocator.cc). */
class TailAllocator {
  /** Bytes below the arena's end, so far. */
  used = 0;
  alloc(bytes: number, align: number): void {
    if (bytes <= 0) return;
    this.used = Math.ceil((this.used + bytes) / align) * align;
  }
}

/**
 * An estimate of TFLM's tail for `model`, bytes, for a target with `bits`-bit pointers (see the
 * module comment for what is counted and where each figure comes from). `variables`: the bytes of
 * the variables in the tail (arena.ts variableBytes: those the offline plan does not place).
 * `scratchRequests`: how many kernel scratch buffers are requested (one handle each), when known.
 */
export function tailEstimate(model: ImportedModel, bits: PointerBits, variables: number, scratchRequests = 0): TailEstimate {
  const a = new TailAllocator();
  const ptr = STRUCT.pointer[bits];
  a.alloc(FIXED_PART[bits], 16);
  const unknown = new Set<string>();
  for (const sg of model.subgraphs) {
    a.alloc(STRUCT.evalTensor[bits] * sg.tensorCount, ptr);
    a.alloc(STRUCT.node[bits] * sg.operatorCount, ptr);
  }
  const ops = model.subgraphs.flatMap((sg) => sg.operators.map((op) => ({ op, tensors: sg.tensors })));
  for (const { op } of ops) a.alloc(RULES[op.type]?.builtin ?? 0, 4);
  for (const { op } of ops) {
    const rule = RULES[op.type];
    if (rule === undefined) unknown.add(op.type);
    a.alloc(rule?.init[bits] ?? 0, 16);
  }
  for (const { op, tensors } of ops) for (const bytes of RULES[op.type]?.prepare?.(op, tensors) ?? []) a.alloc(bytes, 16);
  a.alloc(ptr * scratchRequests, ptr);
  a.alloc(variables, 16);
  // TFLM allocates a TfLiteTensor per entry of subgraph 0's inputs and outputs lists (a tensor in both, twice).
  const sg0 = model.subgraphs[0];
  const byIndex = new Map((sg0?.tensors ?? []).map((t) => [t.index, t]));
  const io = (ids: readonly number[]): GraphTensor[] => ids.flatMap((i) => byIndex.get(i) ?? []);
  for (const list of sg0 === undefined ? [] : [io(sg0.inputs), io(sg0.outputs)]) {
    if (list.length === 0) continue;
    a.alloc(ptr * list.length, 16);
    for (const t of list) {
      a.alloc(STRUCT.tensor[bits], ptr);
      if (t.zeroPoints !== undefined) {
        a.alloc(STRUCT.affine[bits], ptr);
        a.alloc(4 + 4 * t.zeroPoints, 4);
      }
    }
  }
  return { bytes: tflmAligned(a.used), pointerBits: bits, unknown: [...unknown].sort() };
}
