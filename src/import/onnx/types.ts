/**
 * The parts of an ONNX model the planner reads, as plain data (decoded from the protobuf by
 * decode.ts). Integers are JS numbers; 64-bit values beyond 2^53 are clamped (see decode.ts).
 */

/** A dimension of a declared shape: a size, a symbolic name (`dim_param`), or unknown (neither). */
export type DeclaredDim = number | string | undefined;

/** A constant tensor (initializer, Constant's `value`, an attribute tensor). */
export interface OnnxTensor {
  name: string;
  /** TensorProto.DataType code. */
  dataType: number;
  dims: number[];
  /** The elements as numbers, when the tensor is numeric, stored inline and small (see FOLD_LIMIT). */
  values?: number[];
}

/** A node attribute; only the fields its type uses are set. */
export interface OnnxAttribute {
  name: string;
  /** AttributeProto.AttributeType code (inferred from the set field for old files that leave it 0). */
  type: number;
  i?: number;
  f?: number;
  s?: string;
  t?: OnnxTensor;
  ints?: number[];
  floats?: number[];
  g?: OnnxGraph;
  graphs?: OnnxGraph[];
}

export interface OnnxNode {
  name: string;
  opType: string;
  /** '' is the default domain (ai.onnx). */
  domain: string;
  /** Input tensor names; '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attributes: Map<string, OnnxAttribute>;
}

/** A declared tensor (graph input/output, value_info). */
export interface OnnxValueInfo {
  name: string;
  /** TensorProto.DataType code, when declared. */
  elemType?: number;
  /** The declared shape, when declared (a rank is known). */
  shape?: DeclaredDim[];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  valueInfo: OnnxValueInfo[];
}

export interface OnnxModel {
  irVersion: number;
  /** Opset version per domain ('' = ai.onnx). */
  opsets: Map<string, number>;
  graph: OnnxGraph;
}

/** TensorProto.DataType codes used by name in the importer. */
export const DataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
} as const;
