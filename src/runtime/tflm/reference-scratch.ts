import { InputError } from '../../problem/errors.js';
import { decodeFlexbuffer } from '../../import/tflite/builtin-options.js';
import { BUILTIN } from '../../import/tflite/schema.js';
import { elements, type KernelOperator, type KernelTensor, type ScratchRequest, type ScratchRule } from './operator.js';

/**
 * Scratch buffers TFLM's **reference** kernels request in Prepare (`RequestScratchBufferInArena`),
 * one function per operator, after the kernels in tensorflow/tflite-micro:
 * `tensorflow/lite/micro/kernels/{reduce_common,svdf_common,unidirectional_sequence_lstm,transpose_conv,add_n}.cc`
 * and `signal/micro/kernels/rfft.cc`. Every builtin operator not listed requests none in the
 * reference kernels; a custom operator not listed is unknown (the caller names it in a note).
 * The sizes of the operators in the corpus are checked against the runtime (test/runtime/tflm-*.test.ts).
 */

/** TensorType codes the rules read (schema.fbs). */
const TYPE = { FLOAT32: 0, INT32: 2, UINT8: 3, INT16: 7, INT8: 9 } as const;

/** Bytes of one element of the types kernels size buffers by (sizeof(T)). */
function elementBytes(op: KernelOperator, type: number, what: string): number {
  const bytes: Record<number, number> = { [TYPE.FLOAT32]: 4, [TYPE.INT32]: 4, [TYPE.UINT8]: 1, [TYPE.INT16]: 2, [TYPE.INT8]: 1 };
  const b = bytes[type];
  if (b === undefined) bad(op, `${what} has element type ${type}, which this kernel does not take`);
  return b;
}

function bad(op: KernelOperator, message: string): never {
  throw new InputError(`${op.file}: ${op.where}: ${message}`, { file: op.file, buffer: op.where });
}

/** The operator's input `i`, which the kernel requires. */
function input(op: KernelOperator, i: number, what: string): KernelTensor {
  const t = op.inputs[i];
  if (t === undefined) bad(op, `input ${i} (${what}) is missing`);
  return t;
}

/** The operator's output `i`. */
function output(op: KernelOperator, i: number): KernelTensor {
  const t = op.outputs[i];
  if (t === undefined) bad(op, `output ${i} is missing`);
  return t;
}

/** Dimension `d` of a tensor of at least `rank` dimensions. */
function dim(op: KernelOperator, t: KernelTensor, d: number, rank: number, what: string): number {
  if (t.shape.length < rank) bad(op, `${what} has shape [${t.shape.join(', ')}]; the kernel needs ${rank} dimensions`);
  return t.shape[d]!;
}

/**
 * REDUCE_MAX, REDUCE_MIN (reduce_common.cc, PrepareMax): an int per input dimension (temp index)
 * and an int per axis element (resolved axes), for every type.
 */
export const reduceMaxMinScratch: ScratchRule = (op) => [
  { bytes: 4 * input(op, 0, 'input').shape.length, label: 'temp index' },
  { bytes: 4 * elements(input(op, 1, 'axis').shape), label: 'resolved axes' },
];

/**
 * MEAN, SUM (reduce_common.cc, PrepareMeanOrSumHelper): as in PrepareMaxHelper, an int per input
 * dimension (temp index) and an int per axis element (resolved axes); an int8 or int16 input also
 * one int32 accumulator per output element. Older kernels kept the first two on the stack; the
 * runtime the tests use (tflite-micro 0.dev20261023) requests them, as measured there for float and
 * int8 with 1-3 axes (the head alone cannot tell the order of the requests; it does not change it).
 */
export const meanOrSumScratch: ScratchRule = (op) => {
  const x = input(op, 0, 'input');
  const out = reduceMaxMinScratch(op)!;
  if (x.type !== TYPE.INT8 && x.type !== TYPE.INT16) return out;
  return [...out, { bytes: elements(output(op, 0).shape) * 4, label: 'int32 accumulators' }];
};

/**
 * SVDF (svdf_common.cc, PrepareSvdf): batch = input dim 0, num_filters = weights_feature dim 0,
 * num_units = num_filters / rank. int8: int32 [batch x num_filters] and int32 [batch x num_units];
 * float: float [batch x num_filters].
 */
export const svdfScratch: ScratchRule = (op) => {
  const x = input(op, 0, 'input');
  const batch = dim(op, x, 0, 2, 'input');
  const filters = dim(op, input(op, 1, 'weights feature'), 0, 2, 'weights feature');
  const rank = op.options.builtin?.kind === 'SVDFOptions' ? op.options.builtin.rank : 0;
  if (!(rank > 0) || filters % rank !== 0) bad(op, `SVDF rank ${rank} does not divide num_filters ${filters}`);
  const state = [{ bytes: batch * filters * 4, label: 'state x weights_time products' }];
  if (x.type !== TYPE.INT8) return state;
  return [...state, { bytes: batch * (filters / rank) * 4, label: 'int32 output accumulators' }];
};

/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM (unidirectional_sequence_lstm.cc, Prepare): four buffers of
 * batch x state_dimension cell-state elements (gate outputs), batch = input dim 1 when time_major,
 * else dim 0; state_dimension = output state (input 18) dim 1; element = the cell state's (input 19)
 * type (float 4 B, int16 2 B).
 */
export const lstmScratch: ScratchRule = (op) => {
  const x = input(op, 0, 'input');
  const timeMajor = op.options.builtin?.kind === 'UnidirectionalSequenceLSTMOptions' && op.options.builtin.timeMajor;
  const batch = dim(op, x, timeMajor ? 1 : 0, 3, 'input');
  const state = dim(op, input(op, 18, 'output state'), 1, 2, 'output state');
  const cell = input(op, 19, 'cell state');
  const bytes = batch * state * elementBytes(op, cell.type, 'cell state');
  return [0, 1, 2, 3].map((g) => ({ bytes, label: `gate buffer ${g}` }));
};

/**
 * TRANSPOSE_CONV (transpose_conv.cc, Prepare): int8 input: an int32 per output element; int16
 * input: an int64 per output element, then (CalculateOpData, called after) an int64 per bias
 * element when the bias (input 3) is int16, to widen it; float: none. Input 2 is the data input.
 */
export const transposeConvScratch: ScratchRule = (op) => {
  const x = input(op, 2, 'input');
  const n = elements(output(op, 0).shape);
  if (x.type === TYPE.INT8) return [{ bytes: n * 4, label: 'int32 accumulators' }];
  if (x.type !== TYPE.INT16) return [];
  const out: ScratchRequest[] = [{ bytes: n * 8, label: 'int64 accumulators' }];
  const bias = op.inputs[3];
  if (bias !== undefined && bias.type === TYPE.INT16) out.push({ bytes: elements(bias.shape) * 8, label: 'int64 bias' });
  return out;
};

/**
 * ADD_N (add_n.cc, CalculateOpData): FLOAT32 and INT8 keep one pointer per input in scratch
 * (sizeof(T*) x inputs, so `op.pointerBytes` wide); TFLM rejects other types in Prepare.
 */
export const addNScratch: ScratchRule = (op) => {
  const y = output(op, 0);
  if (y.type !== TYPE.FLOAT32 && y.type !== TYPE.INT8) return [];
  return [{ bytes: op.pointerBytes * op.inputs.length, label: 'input pointers' }];
};

/** A field of a Signal operator's flexbuffer options map. */
function customInt(op: KernelOperator, key: string): number {
  if (op.options.custom === undefined) bad(op, `has no custom options; the kernel reads "${key}" from them`);
  const map = decodeFlexbuffer(op.options.custom, op.file, op.where);
  const v = map !== null && typeof map === 'object' ? (map as Record<string, unknown>)[key] : undefined;
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) bad(op, `custom option "${key}" is ${String(v)}, not a count`);
  return n;
}

/** SignalRfft (signal/micro/kernels/rfft.cc, RfftPrepare): fft_length elements of the input type. */
export const rfftScratch: ScratchRule = (op) => [
  { bytes: customInt(op, 'fft_length') * elementBytes(op, input(op, 0, 'input').type, 'input'), label: 'zero-padded frame' },
];

const REFERENCE_BUILTIN: ReadonlyMap<number, ScratchRule> = new Map([
  [BUILTIN.SVDF, svdfScratch],
  [BUILTIN.MEAN, meanOrSumScratch],
  [BUILTIN.SUM, meanOrSumScratch],
  [BUILTIN.UNIDIRECTIONAL_SEQUENCE_LSTM, lstmScratch],
  [BUILTIN.TRANSPOSE_CONV, transposeConvScratch],
  [BUILTIN.REDUCE_MAX, reduceMaxMinScratch],
  [BUILTIN.REDUCE_MIN, reduceMaxMinScratch],
  [BUILTIN.ADD_N, addNScratch],
]);

/**
 * TFLM's Signal library operators (custom operators registered by name) and their scratch: only
 * SignalRfft asks for any; the others keep their state in persistent buffers.
 */
const REFERENCE_CUSTOM: ReadonlyMap<string, ScratchRule> = new Map<string, ScratchRule>([
  ['SignalRfft', rfftScratch],
  ...['SignalWindow', 'SignalFftAutoScale', 'SignalEnergy', 'SignalFilterBank', 'SignalFilterBankSquareRoot',
    'SignalFilterBankSpectralSubtraction', 'SignalPCAN', 'SignalFilterBankLog', 'SignalDelay', 'SignalFramer',
    'SignalOverlapAdd', 'SignalStacker'].map((name): [string, ScratchRule] => [name, () => []]),
]);


/**
 * The scratch requests of TFLM's reference kernels for `op` (see the rules above); undefined for a
 * custom operator whose kernel is not known here.
 */
export const referenceScratch: ScratchRule = (op) => {
  if (op.builtin === BUILTIN.CUSTOM) return REFERENCE_CUSTOM.get(op.custom ?? '')?.(op);
  return REFERENCE_BUILTIN.get(op.builtin)?.(op) ?? [];
};

/** ScratchRequest list helper for tests and reports: the bytes TFLM reserves (each rounded up to 16). */
export function roundedScratchBytes(requests: readonly ScratchRequest[]): number {
  return requests.reduce((sum, r) => sum + Math.ceil(r.bytes / 16) * 16, 0);
}
