/** The parts of a TFLite model the planner reads, as plain data (see schema.ts for the fields). */
import type { OperatorOptions } from '../../graph/operator-options.js';

export interface TfliteTensor {
  name: string;
  /** Dimensions as stored (dynamic ones usually stored as 1). */
  shape: number[];
  /** Dimensions with -1 for unknown ones; undefined when the file has none. */
  shapeSignature?: number[];
  /** TensorType code (see TENSOR_TYPES). */
  type: number;
  /** Index into the model's buffers; 0 = no data. */
  buffer: number;
  isVariable: boolean;
  /** Index of an external buffer holding the data; 0 = none. */
  externalBuffer: number;
  /**
   * Zero points of its affine quantization when it has one that TFLM reads (both `scale` and
   * `zero_point` non-empty: micro_allocator.cc, PopulateTfLiteTensorFromFlatbuffer); absent otherwise.
   */
  zeroPoints?: number;
}

/**
 * The options of an operator that the shape rules read (shapes.ts), decoded from its
 * builtin_options table; fields absent from the file are left out.
 */
export interface ShapeOptions {
  /** ConcatenationOptions.axis, PackOptions.axis. */
  axis?: number;
  /** ReshapeOptions.new_shape. */
  newShape?: number[];
  /** SqueezeOptions.squeeze_dims. */
  squeezeDims?: number[];
  /** FullyConnectedOptions.keep_num_dims. */
  keepNumDims?: boolean;
  /** StridedSliceOptions masks (bit i = dimension i) and offset. */
  beginMask?: number;
  endMask?: number;
  ellipsisMask?: number;
  newAxisMask?: number;
  shrinkAxisMask?: number;
  offset?: boolean;
}

export interface TfliteOperator {
  opcodeIndex: number;
  /** Tensor indices; -1 = optional input left out. */
  inputs: number[];
  outputs: number[];
  /** Tensors internal to the operator (live only while it runs). */
  intermediates: number[];
  /** The options the shape rules read, for FULLY_CONNECTED, CONCATENATION, RESHAPE, SQUEEZE, STRIDED_SLICE and PACK. */
  options?: ShapeOptions;
  /** The options the runtime's kernels read to size their scratch (builtin-options.ts), for every operator. */
  kernelOptions: OperatorOptions;
  /**
   * The subgraph indices an IfOptions (then, else), WhileOptions (cond, body) or CallOnceOptions
   * (init) table names, in that order; absent for other options.
   */
  calls?: number[];
}

export interface TfliteOperatorCode {
  /** The builtin operator (the larger of builtin_code and deprecated_builtin_code, as TFLite reads it). */
  builtin: number;
  /** The custom operator's name, for CUSTOM ops. */
  custom?: string;
  version: number;
}

export interface TfliteBuffer {
  /** The data bytes (a view into the file); empty when the buffer has none. */
  data: Uint8Array;
  /** Absolute position of the data in the file (0 when none). */
  dataPos: number;
  /** Data stored outside the flatbuffer: offset from the start of the file (valid when > 1) and size. */
  offset: number;
  size: number;
}

export interface TfliteMetadata {
  name: string;
  buffer: number;
}

export interface TfliteSubgraph {
  name: string;
  tensors: TfliteTensor[];
  inputs: number[];
  outputs: number[];
  /** In execution order. */
  operators: TfliteOperator[];
}

export interface TfliteModel {
  file: string;
  version: number;
  operatorCodes: TfliteOperatorCode[];
  subgraphs: TfliteSubgraph[];
  buffers: TfliteBuffer[];
  metadata: TfliteMetadata[];
}

/** Whether a buffer holds constant data (in the file or outside it). */
export function bufferHasData(b: TfliteBuffer | undefined): boolean {
  return b !== undefined && (b.data.length > 0 || b.offset > 1);
}
