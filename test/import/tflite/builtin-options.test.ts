import { encode } from 'flatbuffers/mjs/flexbuffers.js';
import { describe, expect, it } from 'vitest';
import { BUILTIN_OPTIONS, decodeFlexbuffer } from '../../../src/import/tflite/builtin-options.js';
import type { OperatorOptions } from '../../../src/import/tflite/builtin-options.js';
import { readTflite } from '../../../src/import/tflite/reader.js';
import { InputError } from '../../../src/problem/errors.js';
import { buildTflite, OP, T, type ModelSpec } from '../../helpers/tflite-builder.js';

/** Every operator's options as the reader decodes them (TfliteOperator.kernelOptions), [subgraph][operator]. */
function readOperatorOptions(bytes: Uint8Array, file: string): OperatorOptions[][] {
  return readTflite(bytes, file).subgraphs.map((sg) => sg.operators.map((op) => op.kernelOptions));
}

/** A model of one subgraph running `operators`, and `callees` more subgraphs (one RELU each) for control flow to name. */
function model(operators: ModelSpec['subgraphs'][number]['operators'], callees = 0): Uint8Array {
  const callee: ModelSpec['subgraphs'][number] = { tensors: [{ shape: [1, 8, 8, 4] }, { shape: [1, 8, 8, 4] }], inputs: [0], outputs: [1], operators: [{ op: OP.RELU, inputs: [0], outputs: [1] }] };
  return buildTflite({
    subgraphs: [{ tensors: [{ shape: [1, 8, 8, 4] }, { shape: [1, 8, 8, 4] }], inputs: [0], outputs: [1], operators }, ...Array.from({ length: callees }, () => callee)],
  });
}

describe('operator options as the reader decodes them (TfliteOperator.kernelOptions)', () => {
  it('decodes Conv2DOptions field by field, with the schema defaults for absent dilations', () => {
    const bytes = model([
      {
        op: OP.CONV_2D,
        inputs: [0],
        outputs: [1],
        builtinOptions: {
          type: BUILTIN_OPTIONS.Conv2DOptions,
          fields: [
            { slot: 0, kind: 'i8', value: 1 },
            { slot: 1, kind: 'i32', value: 2 },
            { slot: 2, kind: 'i32', value: 3 },
            { slot: 3, kind: 'i8', value: 1 },
          ],
        },
      },
    ]);
    expect(readOperatorOptions(bytes, 'm.tflite')).toEqual([
      [
        {
          builtinType: BUILTIN_OPTIONS.Conv2DOptions,
          builtin: { kind: 'Conv2DOptions', padding: 'VALID', strideW: 2, strideH: 3, activation: 1, dilationW: 1, dilationH: 1 },
        },
      ],
    ]);
  });

  it('decodes SVDF rank, the LSTM time_major flag, keep_dims and the subgraphs a WHILE calls', () => {
    const bytes = model([
      { op: OP.SVDF, inputs: [0], outputs: [1], builtinOptions: { type: BUILTIN_OPTIONS.SVDFOptions, fields: [{ slot: 0, kind: 'i32', value: 4 }] } },
      {
        op: OP.UNIDIRECTIONAL_SEQUENCE_LSTM,
        inputs: [0],
        outputs: [1],
        builtinOptions: { type: BUILTIN_OPTIONS.UnidirectionalSequenceLSTMOptions, fields: [{ slot: 3, kind: 'i8', value: 1 }] },
      },
      { op: 40, inputs: [0], outputs: [1], builtinOptions: { type: BUILTIN_OPTIONS.ReducerOptions, fields: [{ slot: 0, kind: 'i8', value: 1 }] } },
      {
        op: OP.WHILE,
        inputs: [0],
        outputs: [1],
        builtinOptions: { type: BUILTIN_OPTIONS.WhileOptions, fields: [{ slot: 0, kind: 'i32', value: 2 }, { slot: 1, kind: 'i32', value: 1 }] },
      },
      { op: OP.ADD, inputs: [0], outputs: [1] },
    ], 2);
    const [ops] = readOperatorOptions(bytes, 'm.tflite');
    expect(ops!.map((o) => o.builtin)).toEqual([
      { kind: 'SVDFOptions', rank: 4, activation: 0 },
      { kind: 'UnidirectionalSequenceLSTMOptions', activation: 0, timeMajor: true },
      { kind: 'ReducerOptions', keepDims: true },
      { kind: 'WhileOptions', subgraphs: [2, 1] },
      undefined,
    ]);
    expect(ops![4]!.builtinType).toBe(0);
    // The reader checks the subgraphs named and records them as the operator's calls.
    expect(readTflite(bytes, 'm.tflite').subgraphs[0]!.operators.map((o) => o.calls)).toEqual([undefined, undefined, undefined, [2, 1], undefined]);
  });

  it('keeps custom options as bytes; decodeFlexbuffer reads a Signal map and names the operator when corrupt', () => {
    const custom = encode({ T: T.FLOAT32, fft_length: 512 });
    const bytes = model([{ op: 'SignalRfft', inputs: [0], outputs: [1], customOptions: custom }]);
    const o = readOperatorOptions(bytes, 'm.tflite')[0]![0]!;
    expect(Array.from(o.custom!)).toEqual(Array.from(custom));
    expect(decodeFlexbuffer(o.custom!, 'm.tflite', 'subgraph 0, operator 0')).toEqual({ T: 0, fft_length: 512 });
    expect(() => decodeFlexbuffer(new Uint8Array([1]), 'm.tflite', 'subgraph 0, operator 0')).toThrow(/m\.tflite: subgraph 0, operator 0: custom options/);
  });

  it('a bad padding value or a truncated file is an InputError naming the place', () => {
    const bytes = model([
      { op: OP.CONV_2D, inputs: [0], outputs: [1], builtinOptions: { type: BUILTIN_OPTIONS.Conv2DOptions, fields: [{ slot: 0, kind: 'i8', value: 7 }] } },
    ]);
    expect(() => readOperatorOptions(bytes, 'm.tflite')).toThrow(/subgraph 0, operator 0, builtin options: padding 7/);
    expect(() => readOperatorOptions(bytes.subarray(0, 40), 'm.tflite')).toThrow(InputError);
  });
});
