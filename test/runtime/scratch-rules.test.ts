import { encode } from 'flatbuffers/mjs/flexbuffers.js';
import { describe, expect, it } from 'vitest';
import type { BuiltinOptions } from '../../src/import/tflite/builtin-options.js';
import { InputError } from '../../src/problem/errors.js';
import { cmsisNnScratch, convolveS8BufferSize, tflmPadding } from '../../src/runtime/tflm/cmsis-nn-scratch.js';
import type { KernelOperator, KernelTensor } from '../../src/runtime/tflm/operator.js';
import { referenceScratch, roundedScratchBytes } from '../../src/runtime/tflm/reference-scratch.js';

const F32 = 0;
const I32 = 2;
const I16 = 7;
const I8 = 9;
const t = (type: number, ...shape: number[]): KernelTensor => ({ type, shape });

function op(builtin: number, inputs: (KernelTensor | undefined)[], outputs: KernelTensor[], builtinOptions?: BuiltinOptions, custom?: string, customBytes?: Uint8Array, pointerBytes = 8): KernelOperator {
  const o: KernelOperator = {
    builtin,
    pointerBytes,
    options: { builtinType: builtinOptions ? 1 : 0, ...(builtinOptions ? { builtin: builtinOptions } : {}), ...(customBytes ? { custom: customBytes } : {}) },
    inputs,
    outputs,
    file: 'm.tflite',
    where: 'subgraph 0, operator 0',
  };
  if (custom !== undefined) o.custom = custom;
  return o;
}
const bytes = (r: ReturnType<typeof referenceScratch>): number[] | undefined => r?.map((x) => x.bytes);
const window = (kind: 'Conv2DOptions' | 'DepthwiseConv2DOptions' | 'Pool2DOptions', padding: 'SAME' | 'VALID', stride = 1): BuiltinOptions => ({
  kind,
  padding,
  strideW: stride,
  strideH: stride,
  dilationW: 1,
  dilationH: 1,
  activation: 0,
});

/** LSTM inputs: 0 = input, 18 = output state, 19 = cell state; the rest are weights the rule does not read. */
function lstm(input: KernelTensor, timeMajor: boolean, cellType: number): KernelOperator {
  const inputs: (KernelTensor | undefined)[] = new Array(24).fill(undefined);
  inputs[0] = input;
  inputs[18] = t(I8, 3, 20);
  inputs[19] = t(cellType, 3, 20);
  return op(44, inputs, [t(I8, 3, 5, 20)], { kind: 'UnidirectionalSequenceLSTMOptions', activation: 0, timeMajor });
}

describe('reference kernels: scratch per operator, by hand from the kernels\' Prepare', () => {
  it('SVDF: int8 asks [batch x filters] and [batch x units] int32s; float only the first', () => {
    const svdf = (type: number) => op(27, [t(type, 2, 10), t(type, 12, 10), t(type, 12, 5), undefined, t(type, 2, 60)], [t(type, 2, 4)], { kind: 'SVDFOptions', rank: 3, activation: 0 });
    expect(bytes(referenceScratch(svdf(I8)))).toEqual([2 * 12 * 4, 2 * 4 * 4]);
    expect(bytes(referenceScratch(svdf(F32)))).toEqual([2 * 12 * 4]);
    const bad = svdf(I8);
    bad.options = { builtinType: 6, builtin: { kind: 'SVDFOptions', rank: 5, activation: 0 } };
    expect(() => referenceScratch(bad)).toThrow(/SVDF rank 5 does not divide num_filters 12/);
  });

  it('UNIDIRECTIONAL_SEQUENCE_LSTM: four batch x state buffers of the cell state type; batch from dim 1 when time-major', () => {
    expect(bytes(referenceScratch(lstm(t(I8, 5, 3, 7), true, I16)))).toEqual([120, 120, 120, 120]);
    expect(bytes(referenceScratch(lstm(t(F32, 3, 5, 7), false, F32)))).toEqual([240, 240, 240, 240]);
  });

  it('MEAN / SUM: temp index and resolved axes, plus int32 accumulators for int8 / int16; REDUCE_MAX the first two', () => {
    const reduce = (code: number, type: number) => op(code, [t(type, 1, 8, 8, 64), t(I32, 2)], [t(type, 1, 1, 1, 64)], { kind: 'ReducerOptions', keepDims: true });
    expect(bytes(referenceScratch(reduce(40, I8)))).toEqual([16, 8, 256]);
    expect(bytes(referenceScratch(reduce(74, I16)))).toEqual([16, 8, 256]);
    expect(bytes(referenceScratch(reduce(40, F32)))).toEqual([16, 8]);
    expect(bytes(referenceScratch(reduce(82, I8)))).toEqual([16, 8]);
  });

  it('TRANSPOSE_CONV: int32 (int8) or int64 (int16) per output element, none for float', () => {
    const tc = (type: number) => op(67, [t(I32, 4), t(type, 4, 3, 3, 2), t(type, 1, 4, 4, 2)], [t(type, 1, 8, 8, 4)]);
    expect(bytes(referenceScratch(tc(I8)))).toEqual([256 * 4]);
    expect(bytes(referenceScratch(tc(I16)))).toEqual([256 * 8]);
    expect(bytes(referenceScratch(tc(F32)))).toEqual([]);
  });

  it('TRANSPOSE_CONV int16 with an int16 bias: the int64 accumulators, then an int64 per bias element', () => {
    const tc = (bias: KernelTensor | undefined) => op(67, [t(I32, 4), t(I8, 4, 3, 3, 2), t(I16, 1, 4, 4, 2), bias], [t(I16, 1, 8, 8, 4)]);
    expect(bytes(referenceScratch(tc(t(I16, 4))))).toEqual([256 * 8, 4 * 8]);
    expect(bytes(referenceScratch(tc(t(7 + 2, 4))))).toEqual([256 * 8]);
    expect(bytes(referenceScratch(tc(undefined)))).toEqual([256 * 8]);
  });

  it('ADD_N: one pointer per input for float and int8 (8 B on the x86-64 host, 4 on a 32-bit target); none for other types', () => {
    const addN = (type: number, n: number, pointerBytes: number) => op(106, new Array(n).fill(t(type, 2, 3)), [t(type, 2, 3)], undefined, undefined, undefined, pointerBytes);
    expect(bytes(referenceScratch(addN(F32, 3, 8)))).toEqual([24]);
    expect(bytes(referenceScratch(addN(I8, 5, 8)))).toEqual([40]);
    expect(bytes(referenceScratch(addN(F32, 3, 4)))).toEqual([12]);
    expect(bytes(referenceScratch(addN(I32, 3, 8)))).toEqual([]);
    expect(bytes(cmsisNnScratch(addN(I8, 2, 4)))).toEqual([8]);
  });

  it('SignalRfft: fft_length elements of the input type; other Signal ops none; unknown custom ops undefined', () => {
    const rfft = op(32, [t(I16, 1, 400)], [t(I16, 1, 514)], undefined, 'SignalRfft', encode({ T: I16, fft_length: 512 }));
    expect(bytes(referenceScratch(rfft))).toEqual([1024]);
    expect(referenceScratch(op(32, [t(I16, 1, 400)], [t(I16, 1, 400)], undefined, 'SignalWindow'))).toEqual([]);
    expect(referenceScratch(op(32, [t(I8, 4)], [t(I8, 4)], undefined, 'MyCustomOp'))).toBeUndefined();
    expect(() => referenceScratch(op(32, [t(I16, 1, 400)], [t(I16, 1, 514)], undefined, 'SignalRfft'))).toThrow(InputError);
  });

  it('other builtins ask for nothing, unlike ADD_N beside them; sizes are rounded to 16 each in the arena', () => {
    expect(referenceScratch(op(3, [t(I8, 1, 8, 8, 3), t(I8, 8, 3, 3, 3)], [t(I8, 1, 8, 8, 8)], window('Conv2DOptions', 'SAME')))).toEqual([]);
    // ADD, FULLY_CONNECTED, RELU, RESHAPE, SOFTMAX, CONCATENATION, MUL, SUB: no RequestScratchBufferInArena in their reference kernels.
    for (const code of [0, 9, 19, 22, 25, 2, 18, 41]) {
      expect(referenceScratch(op(code, [t(F32, 2, 3), t(F32, 2, 3)], [t(F32, 2, 3)])), `builtin ${code}`).toEqual([]);
    }
    expect(referenceScratch(op(106, [t(F32, 2, 3), t(F32, 2, 3)], [t(F32, 2, 3)]))).not.toEqual([]);
    expect(roundedScratchBytes([{ bytes: 8, label: '' }, { bytes: 17, label: '' }])).toBe(48);
  });
});

describe('CMSIS-NN kernels (Cortex-M with DSP, no MVE): by hand from CMSIS-NN\'s buffer-size functions', () => {
  it('TFLM\'s padding: SAME 3x3 stride 1 pads 1, VALID pads 0, SAME 1x1 stride 2 pads 0', () => {
    expect(tflmPadding('SAME', 1, 1, 10, 3)).toBe(1);
    expect(tflmPadding('VALID', 1, 1, 10, 3)).toBe(0);
    expect(tflmPadding('SAME', 2, 1, 10, 1)).toBe(0);
  });

  it('CONV_2D int8: im2col 2 x align4(fw x fh x cin) int16s; 1x1 without padding none; int16 unknown; float none', () => {
    expect(convolveS8BufferSize(3, 3, 3)).toBe(2 * 28 * 2);
    const conv = (type: number, fh: number, fw: number, o: BuiltinOptions, input = t(type, 1, 10, 10, 3)) =>
      op(3, [input, t(type, 8, fh, fw, input.shape[3]!)], [t(type, 1, 10, 10, 8)], o);
    expect(bytes(cmsisNnScratch(conv(I8, 3, 3, window('Conv2DOptions', 'SAME'))))).toEqual([112]);
    expect(bytes(cmsisNnScratch(conv(I8, 1, 1, window('Conv2DOptions', 'VALID'))))).toEqual([]);
    expect(bytes(cmsisNnScratch(conv(I8, 1, 1, window('Conv2DOptions', 'SAME', 2))))).toEqual([]);
    expect(bytes(cmsisNnScratch(conv(I8, 1, 3, window('Conv2DOptions', 'VALID'), t(I8, 1, 1, 16, 8))))).toEqual([2 * 24 * 2]);
    expect(cmsisNnScratch(conv(I16, 3, 3, window('Conv2DOptions', 'SAME')))).toBeUndefined();
    expect(bytes(cmsisNnScratch(conv(F32, 3, 3, window('Conv2DOptions', 'SAME'))))).toEqual([]);
  });

  it('DEPTHWISE_CONV_2D int8: 3x3 with padding <= 1 none; else cin x filter area int16s; multiplier > 1 none', () => {
    const dw = (fh: number, cout: number, o: BuiltinOptions) => op(4, [t(I8, 1, 16, 16, 8), t(I8, 1, fh, fh, cout)], [t(I8, 1, 16, 16, cout)], o);
    expect(bytes(cmsisNnScratch(dw(3, 8, window('DepthwiseConv2DOptions', 'SAME'))))).toEqual([]);
    expect(bytes(cmsisNnScratch(dw(5, 8, window('DepthwiseConv2DOptions', 'SAME'))))).toEqual([8 * 25 * 2]);
    expect(bytes(cmsisNnScratch(dw(5, 16, window('DepthwiseConv2DOptions', 'SAME'))))).toEqual([]);
  });

  it('AVERAGE_POOL_2D int8: an int32 per channel; FULLY_CONNECTED int8 none; LSTM unknown; MEAN as the reference kernel', () => {
    expect(bytes(cmsisNnScratch(op(1, [t(I8, 1, 8, 8, 24)], [t(I8, 1, 4, 4, 24)], window('Pool2DOptions', 'VALID', 2))))).toEqual([96]);
    expect(bytes(cmsisNnScratch(op(9, [t(I8, 1, 64), t(I8, 10, 64)], [t(I8, 1, 10)])))).toEqual([]);
    expect(cmsisNnScratch(lstm(t(I8, 5, 3, 7), true, I16))).toBeUndefined();
    const mean = op(40, [t(I8, 1, 8, 8, 64), t(I32, 2)], [t(I8, 1, 1, 1, 64)], { kind: 'ReducerOptions', keepDims: true });
    expect(cmsisNnScratch(mean)).toEqual(referenceScratch(mean));
  });
});
