/**
 * The parts of TFLite's schema.fbs (namespace tflite, file identifier "TFL3") the planner reads.
 * Field slots are a field's position in its table's declaration (union fields take two: type, value);
 * the vtable entry of slot s is at byte 4 + 2 s. Only what arenapack needs is listed.
 */

/** The file identifier at bytes 4..7 of every .tflite file. */
export const TFLITE_IDENTIFIER = 'TFL3';

/** table Model */
export const MODEL = {
  version: 0, // uint
  operator_codes: 1, // [OperatorCode]
  subgraphs: 2, // [SubGraph]
  description: 3, // string
  buffers: 4, // [Buffer]
  metadata_buffer: 5, // [int] (deprecated)
  metadata: 6, // [Metadata]
  signature_defs: 7, // [SignatureDef]
  external_buffer_groups: 8, // [ExternalBufferGroup]
  external_buffers: 9, // [ExternalBuffer]
} as const;
/** Slots of Model past this one are newer than this reader. */
export const MODEL_LAST_SLOT = 9;

/** table SubGraph */
export const SUBGRAPH = { tensors: 0, inputs: 1, outputs: 2, operators: 3, name: 4 } as const;

/** table Tensor */
export const TENSOR = {
  shape: 0, // [int]
  type: 1, // TensorType (byte)
  buffer: 2, // uint, 0 = no data (the empty sentinel buffer)
  name: 3, // string
  quantization: 4, // QuantizationParameters
  is_variable: 5, // bool
  shape_signature: 7, // [int], -1 = unknown dimension
  external_buffer: 10, // uint, 0 = none
} as const;

/** table QuantizationParameters */
export const QUANTIZATION = { scale: 2, zero_point: 3 } as const;

/** table Operator */
export const OPERATOR = {
  opcode_index: 0, // uint
  inputs: 1, // [int], -1 = optional input left out
  outputs: 2, // [int]
  builtin_options_type: 3, // BuiltinOptions union type (ubyte), 0 = NONE
  builtin_options: 4, // the union's table
  custom_options: 5, // [ubyte]
  intermediates: 8, // [int]
  large_custom_options_offset: 9, // ulong, from the start of the file, valid when > 1
} as const;

/** table OperatorCode */
export const OPERATOR_CODE = {
  deprecated_builtin_code: 0, // byte
  custom_code: 1, // string
  version: 2, // int
  builtin_code: 3, // BuiltinOperator (int32)
} as const;

/** table Buffer */
export const BUFFER = {
  data: 0, // [ubyte] (force_align: 16)
  offset: 1, // ulong, from the start of the file, valid when > 1 (models over 2 GB)
  size: 2, // ulong
} as const;

/**
 * Members of `union BuiltinOptions` whose fields the shape rules read (their 1-based position in
 * schema.fbs), with the slots of those fields.
 */
export const SHAPE_OPTIONS = {
  FullyConnectedOptions: { type: 8, keep_num_dims: 2 },
  ConcatenationOptions: { type: 10, axis: 0 },
  ReshapeOptions: { type: 17, new_shape: 0 },
  SqueezeOptions: { type: 30, squeeze_dims: 0 },
  StridedSliceOptions: { type: 32, begin_mask: 0, end_mask: 1, ellipsis_mask: 2, new_axis_mask: 3, shrink_axis_mask: 4, offset: 5 },
  PackOptions: { type: 59, values_count: 0, axis: 1 },
} as const;

/** The options tables of control-flow operators (union BuiltinOptions member, and its subgraph index slots in TFLM's walking order). */
export const CONTROL_FLOW_OPTIONS = [
  { type: 92, name: 'IfOptions', slots: [0, 1] }, // then_subgraph_index, else_subgraph_index
  { type: 93, name: 'WhileOptions', slots: [0, 1] }, // cond_subgraph_index, body_subgraph_index
  { type: 103, name: 'CallOnceOptions', slots: [0] }, // init_subgraph_index
] as const;

/** table Metadata */
export const METADATA = { name: 0, buffer: 1 } as const;

/** The builtin operator codes the planner treats specially (enum BuiltinOperator). */
export const BUILTIN = {
  AVERAGE_POOL_2D: 1,
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 4,
  DEQUANTIZE: 6,
  FULLY_CONNECTED: 9,
  HASHTABLE_LOOKUP: 10,
  RESHAPE: 22,
  SVDF: 27,
  CALL: 31,
  CUSTOM: 32,
  MEAN: 40,
  SQUEEZE: 43,
  UNIDIRECTIONAL_SEQUENCE_LSTM: 44,
  TRANSPOSE_CONV: 67,
  EXPAND_DIMS: 70,
  SUM: 74,
  REDUCE_MAX: 82,
  REDUCE_MIN: 89,
  ADD_N: 106,
  IF: 118,
  WHILE: 119,
  DENSIFY: 124,
  BATCH_MATMUL: 126,
  CALL_ONCE: 129,
  HASHTABLE: 136,
  HASHTABLE_FIND: 137,
  HASHTABLE_IMPORT: 138,
  HASHTABLE_SIZE: 139,
  VAR_HANDLE: 142,
  READ_VARIABLE: 143,
  ASSIGN_VARIABLE: 144,
  RANDOM_STANDARD_NORMAL: 146,
  RANDOM_UNIFORM: 148,
  MULTINOMIAL: 149,
  /** deprecated_builtin_code holds this when the real code is in builtin_code. */
  PLACEHOLDER_FOR_GREATER_OP_CODES: 127,
} as const;

/** Operators whose output may share its (dying) input's memory: they only change the shape. */
export const SHAPE_ONLY_OPS: ReadonlySet<number> = new Set([BUILTIN.RESHAPE, BUILTIN.SQUEEZE, BUILTIN.EXPAND_DIMS]);

/** enum TensorType: name and bits per element; 0 bits = no static size (string, resource, variant). */
export const TENSOR_TYPES: readonly { name: string; bits: number }[] = [
  { name: 'FLOAT32', bits: 32 },
  { name: 'FLOAT16', bits: 16 },
  { name: 'INT32', bits: 32 },
  { name: 'UINT8', bits: 8 },
  { name: 'INT64', bits: 64 },
  { name: 'STRING', bits: 0 },
  { name: 'BOOL', bits: 8 },
  { name: 'INT16', bits: 16 },
  { name: 'COMPLEX64', bits: 64 },
  { name: 'INT8', bits: 8 },
  { name: 'FLOAT64', bits: 64 },
  { name: 'COMPLEX128', bits: 128 },
  { name: 'UINT64', bits: 64 },
  { name: 'RESOURCE', bits: 0 },
  { name: 'VARIANT', bits: 0 },
  { name: 'UINT32', bits: 32 },
  { name: 'UINT16', bits: 16 },
  { name: 'INT4', bits: 4 },
  { name: 'BFLOAT16', bits: 16 },
  { name: 'INT2', bits: 2 },
  { name: 'UINT4', bits: 4 },
  { name: 'FLOAT8_E4M3FN', bits: 8 },
  { name: 'FLOAT8_E5M2', bits: 8 },
];

/** The metadata name of TFLite Micro's offline memory plan. */
export const OFFLINE_PLAN_METADATA = 'OfflineMemoryAllocation';
