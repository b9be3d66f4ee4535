import { encode } from 'flatbuffers/mjs/flexbuffers.js';
import { T, type ModelSpec, type TensorSpec } from './tflite-builder.js';

/**
 * Single-operator models whose kernels request scratch in TFLM, small enough to run in its Python
 * interpreter and built so that the scratch decides the head (every tensor and the scratch are live
 * at the one operator, so the head is their 16-byte-rounded sum). Tensors are a few KiB so that
 * the planned arena, not Prepare's temporary allocations, sets the head TFLM reports. `scratch` is the request list the
 * reference kernel makes, computed by hand from the kernel's Prepare.
 */
export interface ScratchFixture {
  name: string;
  spec: ModelSpec;
  /** The reference kernel's requests in bytes, in order. */
  scratch: number[];
}

/** BuiltinOptions union members and builtin operator codes used here (schema.fbs). */
const OPTIONS = { SVDFOptions: 6, ReducerOptions: 27 } as const;
const CODE = { SVDF: 27, MEAN: 40, REDUCE_MAX: 82, ADD_N: 106 } as const;

const zeros = (n: number): Uint8Array => new Uint8Array(n);
const int32s = (xs: number[]): Uint8Array => new Uint8Array(Int32Array.from(xs).buffer);
const q = { scale: [0.5], zeroPoint: [0] };

function single(name: string, tensors: TensorSpec[], op: ModelSpec['subgraphs'][number]['operators'][number], inputs: number[], outputs: number[]): ModelSpec {
  return { subgraphs: [{ name, tensors, inputs, outputs, operators: [op] }] };
}

/** SVDF, float: batch 2, 8 filters, rank 1 -> one float [2 x 8] buffer (64 B). */
function svdfFloat(): ScratchFixture {
  const batch = 2;
  const inputSize = 8;
  const filters = 8;
  const memory = 3;
  const spec = single(
    'svdf_float',
    [
      { name: 'input', shape: [batch, inputSize], type: T.FLOAT32 },
      { name: 'weights_feature', shape: [filters, inputSize], type: T.FLOAT32, data: zeros(filters * inputSize * 4) },
      { name: 'weights_time', shape: [filters, memory], type: T.FLOAT32, data: zeros(filters * memory * 4) },
      { name: 'bias', shape: [filters], type: T.FLOAT32, data: zeros(filters * 4) },
      { name: 'state', shape: [batch, memory * filters], type: T.FLOAT32, variable: true },
      { name: 'output', shape: [batch, filters], type: T.FLOAT32 },
    ],
    {
      op: CODE.SVDF,
      inputs: [0, 1, 2, 3, 4],
      outputs: [5],
      builtinOptions: { type: OPTIONS.SVDFOptions, fields: [{ slot: 0, kind: 'i32', value: 1 }] },
    },
    [0],
    [5],
  );
  return { name: 'svdf_float', spec, scratch: [batch * filters * 4] };
}

/** MEAN, int8, over H and W of [1, 8, 8, 64] -> temp index (16 B), resolved axes (8 B), one int32 per output element (256 B). */
function meanInt8(): ScratchFixture {
  const spec = single(
    'mean_int8',
    [
      { name: 'input', shape: [1, 8, 8, 64], type: T.INT8, quantization: q },
      { name: 'axis', shape: [2], type: T.INT32, data: int32s([1, 2]) },
      { name: 'output', shape: [1, 1, 1, 64], type: T.INT8, quantization: q },
    ],
    {
      op: CODE.MEAN,
      inputs: [0, 1],
      outputs: [2],
      builtinOptions: { type: OPTIONS.ReducerOptions, fields: [{ slot: 0, kind: 'i8', value: 1 }] },
    },
    [0],
    [2],
  );
  return { name: 'mean_int8', spec, scratch: [16, 8, 64 * 4] };
}

/**
 * A float reducer (MEAN, REDUCE_MAX, ...) of [1, 8, 8, 16] over H and W, keep_dims -> an int per input
 * dimension and per axis (temp index 16 B, resolved axes 8 B).
 */
function reduceFloat(name: string, op: number): ScratchFixture {
  const spec = single(
    name,
    [
      { name: 'input', shape: [1, 8, 8, 16], type: T.FLOAT32 },
      { name: 'axis', shape: [2], type: T.INT32, data: int32s([1, 2]) },
      { name: 'output', shape: [1, 1, 1, 16], type: T.FLOAT32 },
    ],
    {
      op,
      inputs: [0, 1],
      outputs: [2],
      builtinOptions: { type: OPTIONS.ReducerOptions, fields: [{ slot: 0, kind: 'i8', value: 1 }] },
    },
    [0],
    [2],
  );
  return { name, spec, scratch: [16, 8] };
}

/** SignalRfft, float, fft_length 64 over frames of 48 -> fft_length floats (256 B). */
function rfftFloat(): ScratchFixture {
  const fft = 64;
  const spec = single(
    'rfft_float',
    [
      { name: 'input', shape: [2, 48], type: T.FLOAT32 },
      { name: 'output', shape: [2, 2 * (fft / 2 + 1)], type: T.FLOAT32 },
    ],
    { op: 'SignalRfft', inputs: [0], outputs: [1], customOptions: encode({ T: T.FLOAT32, fft_length: fft }) },
    [0],
    [1],
  );
  return { name: 'rfft_float', spec, scratch: [fft * 4] };
}

/**
 * ADD_N of `n` [1, 32, 32] tensors of `type`: a pointer per input, 8 B each on the x86-64 host
 * runtime (add_n.cc CalculateOpData: sizeof(T*) x inputs).
 */
function addN(name: string, type: number, n: number): ScratchFixture {
  const quant = type === T.INT8 ? { quantization: q } : {};
  const tensors: TensorSpec[] = Array.from({ length: n }, (_, i) => ({ name: `in${i}`, shape: [1, 32, 32], type, ...quant }));
  tensors.push({ name: 'output', shape: [1, 32, 32], type, ...quant });
  const ins = Array.from({ length: n }, (_, i) => i);
  const spec = single(name, tensors, { op: CODE.ADD_N, inputs: ins, outputs: [n] }, ins, [n]);
  return { name, spec, scratch: [8 * n] };
}

/** Every fixture, fresh. */
export function scratchFixtures(): ScratchFixture[] {
  return [svdfFloat(), meanInt8(), reduceFloat('mean_float', CODE.MEAN), reduceFloat('reduce_max_float', CODE.REDUCE_MAX), rfftFloat(), addN('add_n_float', T.FLOAT32, 3), addN('add_n_int8', T.INT8, 5)];
}
