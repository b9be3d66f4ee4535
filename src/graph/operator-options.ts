/**
 * The options of a TFLite operator that the runtime's kernels read to size their scratch buffers
 * (schema.fbs: `Operator.builtin_options`, a union, and `custom_options`): decoded once by the reader
 * (src/import/tflite/builtin-options.ts) into the model graph's operator (GraphOperator.options).
 */

/** enum Padding. */
export type Padding = 'SAME' | 'VALID';

/** Conv2DOptions, DepthwiseConv2DOptions, Pool2DOptions and TransposeConvOptions share these. */
export interface WindowOptions {
  padding: Padding;
  strideW: number;
  strideH: number;
  /** Dilation factors (1 = none); Pool2D and TransposeConv have none. */
  dilationW: number;
  dilationH: number;
  /** DepthwiseConv2DOptions.depth_multiplier (0 when absent). */
  depthMultiplier?: number;
  /** Pool2DOptions.filter_width / filter_height. */
  filterW?: number;
  filterH?: number;
  /** enum ActivationFunctionType (0 = NONE). */
  activation: number;
}

/** The decoded builtin options; `kind` is the union member's name. */
export type BuiltinOptions =
  | ({ kind: 'Conv2DOptions' | 'DepthwiseConv2DOptions' | 'Pool2DOptions' | 'TransposeConvOptions' } & WindowOptions)
  | { kind: 'SVDFOptions'; rank: number; activation: number }
  | { kind: 'FullyConnectedOptions'; activation: number; keepNumDims: boolean }
  | { kind: 'ReducerOptions'; keepDims: boolean }
  /** CONCATENATION: the axis (negative counts from the last) and the fused activation. */
  | { kind: 'ConcatenationOptions'; axis: number; activation: number }
  | { kind: 'UnidirectionalSequenceLSTMOptions'; activation: number; timeMajor: boolean }
  /** IF (then, else), WHILE (cond, body), CALL_ONCE (init): the subgraphs called, in TFLM's order. */
  | { kind: 'IfOptions' | 'WhileOptions' | 'CallOnceOptions'; subgraphs: number[] };

/** One operator's options. */
export interface OperatorOptions {
  /** The BuiltinOptions union type stored (0 = none). */
  builtinType: number;
  /** The decoded table, when its type is one of BUILTIN_OPTIONS. */
  builtin?: BuiltinOptions;
  /** custom_options as stored (a flexbuffer for TFLM's Signal operators); absent when none. */
  custom?: Uint8Array;
}
