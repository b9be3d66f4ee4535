import { InputError } from '../../problem/errors.js';
import type { WindowOptions } from '../../import/tflite/builtin-options.js';
import type { KernelOperator, KernelTensor, ScratchRequest, ScratchRule } from './operator.js';
import { referenceScratch } from './reference-scratch.js';
import { BUILTIN } from '../../import/tflite/schema.js';

/**
 * Scratch buffers of TFLM's **CMSIS-NN** kernels (tensorflow/lite/micro/kernels/cmsis_nn/*.cc),
 * which size them with CMSIS-NN's own buffer-size functions (ARM-software/CMSIS-NN,
 * Source/ConvolutionFunctions/arm_convolve_get_buffer_sizes_s8.c, arm_depthwise_conv_get_buffer_sizes_s8.c,
 * Source/PoolingFunctions/arm_avgpool_s8.c). The sizes depend on the target's instruction set; these
 * are for an Arm Cortex-M **with the DSP extension and without Helium (MVE)** — Cortex-M4, M7, M33 —
 * where CMSIS-NN is built with ARM_MATH_DSP. They cannot be checked in the host runtime (it runs the
 * reference kernels); the tests check them against values computed by hand from those functions.
 *
 * Operators CMSIS-NN does not override run TFLM's reference kernels (their rule applies). Operators
 * it overrides with scratch sizes not modelled here (int16 convolutions, LSTM, TRANSPOSE_CONV,
 * BATCH_MATMUL) are unknown: the caller names them in a note.
 */

const TYPE = { INT8: 9, INT16: 7 } as const;

function bad(op: KernelOperator, message: string): never {
  throw new InputError(`${op.file}: ${op.where}: ${message}`, { file: op.file, buffer: op.where });
}

/** A 4-D NHWC tensor's dimensions. */
function nhwc(op: KernelOperator, t: KernelTensor | undefined, what: string): [number, number, number, number] {
  if (t === undefined || t.shape.length !== 4) bad(op, `${what} must be 4-D for this kernel, is [${t?.shape.join(', ') ?? ''}]`);
  return [t.shape[0]!, t.shape[1]!, t.shape[2]!, t.shape[3]!];
}

function windowOptions(op: KernelOperator): WindowOptions {
  const b = op.options.builtin;
  if (b === undefined || !('strideW' in b)) bad(op, 'has no window options (padding, strides)');
  return b;
}

/**
 * The padding TFLM passes to CMSIS-NN (kernels/padding.h, ComputePaddingHeightWidth): output size
 * from SAME / VALID, then total = (out - 1) * stride + (filter - 1) * dilation + 1 - in, halved.
 */
export function tflmPadding(padding: 'SAME' | 'VALID', stride: number, dilation: number, input: number, filter: number): number {
  const effective = (filter - 1) * dilation + 1;
  const out = padding === 'SAME' ? Math.floor((input + stride - 1) / stride) : Math.floor((input + stride - effective) / stride);
  const total = (out - 1) * stride + effective - input;
  return total > 0 ? Math.floor(total / 2) : 0;
}

/** arm_convolve_s8_get_buffer_size (non-MVE): 2 im2col columns of int16, columns rounded up to 4. */
export function convolveS8BufferSize(inputC: number, filterH: number, filterW: number): number {
  const cols = filterW * filterH * inputC;
  const aligned = cols % 4 !== 0 ? cols + 4 - (cols % 4) : cols;
  return 2 * aligned * 2;
}

/**
 * CONV_2D, int8 (cmsis_nn/conv.cc -> arm_convolve_wrapper_s8_get_buffer_size, non-MVE): 0 for a 1x1
 * filter without padding or dilation; else the im2col buffer (the 1xN kernel's size is the same
 * without MVE).
 */
export const cmsisConvScratch: ScratchRule = (op) => {
  const input = op.inputs[0];
  if (input?.type !== TYPE.INT8) return input?.type === TYPE.INT16 ? undefined : [];
  const o = windowOptions(op);
  const [, inH, inW, inC] = nhwc(op, input, 'input');
  const [, fH, fW] = nhwc(op, op.inputs[1], 'filter');
  const padH = tflmPadding(o.padding, o.strideH, o.dilationH, inH, fH);
  const padW = tflmPadding(o.padding, o.strideW, o.dilationW, inW, fW);
  if (padW === 0 && padH === 0 && fW === 1 && fH === 1 && o.dilationW === 1 && o.dilationH === 1) return [];
  return [{ bytes: convolveS8BufferSize(inC, fH, fW), label: 'im2col (CMSIS-NN)' }];
};

/**
 * DEPTHWISE_CONV_2D, int8 (cmsis_nn/depthwise_conv.cc -> arm_depthwise_conv_wrapper_s8_get_buffer_size,
 * DSP): when input and output channels are equal, batch 1 and no dilation: 0 for a 3x3 filter with
 * padding <= 1 (the 3x3 kernel), else input channels x filter area int16s; otherwise 0.
 */
export const cmsisDepthwiseScratch: ScratchRule = (op) => {
  const input = op.inputs[0];
  if (input?.type !== TYPE.INT8) return input?.type === TYPE.INT16 ? undefined : [];
  const o = windowOptions(op);
  const [n, inH, inW, inC] = nhwc(op, input, 'input');
  const [, fH, fW] = nhwc(op, op.inputs[1], 'filter');
  const outC = nhwc(op, op.outputs[0], 'output')[3];
  if (!(inC === outC && n === 1 && o.dilationW === 1 && o.dilationH === 1)) return [];
  const padH = tflmPadding(o.padding, o.strideH, 1, inH, fH);
  const padW = tflmPadding(o.padding, o.strideW, 1, inW, fW);
  if (fW === 3 && fH === 3 && padH <= 1 && padW <= 1) return [];
  return [{ bytes: inC * fW * fH * 2, label: 'int16 input block (CMSIS-NN)' }];
};

/**
 * AVERAGE_POOL_2D, int8 (cmsis_nn/pooling.cc -> arm_avgpool_s8_get_buffer_size, DSP without MVE):
 * one int32 per channel.
 */
export const cmsisAvgPoolScratch: ScratchRule = (op) => {
  const input = op.inputs[0];
  if (input?.type !== TYPE.INT8) return input?.type === TYPE.INT16 ? undefined : [];
  return [{ bytes: nhwc(op, input, 'input')[3] * 4, label: 'int32 channel sums (CMSIS-NN)' }];
};

/** FULLY_CONNECTED, int8 (arm_fully_connected_s8_get_buffer_size): 0 without MVE. */
export const cmsisFullyConnectedScratch: ScratchRule = (op) => (op.inputs[0]?.type === TYPE.INT16 ? undefined : []);

/** Operators CMSIS-NN overrides whose scratch sizes are not modelled here (unknown). */
const NOT_MODELLED = new Set<number>([BUILTIN.UNIDIRECTIONAL_SEQUENCE_LSTM, BUILTIN.TRANSPOSE_CONV, BUILTIN.BATCH_MATMUL]);

const CMSIS_BUILTIN: ReadonlyMap<number, ScratchRule> = new Map([
  [BUILTIN.CONV_2D, cmsisConvScratch],
  [BUILTIN.DEPTHWISE_CONV_2D, cmsisDepthwiseScratch],
  [BUILTIN.AVERAGE_POOL_2D, cmsisAvgPoolScratch],
  [BUILTIN.FULLY_CONNECTED, cmsisFullyConnectedScratch],
]);

/**
 * The scratch requests of TFLM's CMSIS-NN kernels for `op` (Cortex-M with DSP, see above); SVDF
 * (cmsis_nn/svdf.cc) requests what the reference kernel does; other operators run the reference kernels.
 */
export const cmsisNnScratch: ScratchRule = (op): ScratchRequest[] | undefined => {
  const rule = CMSIS_BUILTIN.get(op.builtin);
  if (rule !== undefined) return rule(op);
  if (NOT_MODELLED.has(op.builtin)) return undefined;
  return referenceScratch(op);
};
