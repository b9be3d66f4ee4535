import * as flatbuffers from 'flatbuffers';

/**
 * Builds small .tflite files with the flatbuffers Builder, for tests. The field numbers below are
 * copied by hand from TFLite's schema.fbs, independently of src/import/tflite/schema.ts, so a wrong
 * slot there shows up as a failing test here.
 */
const F = {
  model: { version: 0, operator_codes: 1, subgraphs: 2, description: 3, buffers: 4, metadata: 6, nFields: 10 },
  subgraph: { tensors: 0, inputs: 1, outputs: 2, operators: 3, name: 4, nFields: 6 },
  tensor: { shape: 0, type: 1, buffer: 2, name: 3, quantization: 4, is_variable: 5, shape_signature: 7, nFields: 11 },
  quantization: { scale: 2, zero_point: 3, nFields: 7 },
  operator: { opcode_index: 0, inputs: 1, outputs: 2, builtin_options_type: 3, builtin_options: 4, custom_options: 5, intermediates: 8, nFields: 14 },
  opcode: { deprecated_builtin_code: 0, custom_code: 1, version: 2, builtin_code: 3, nFields: 4 },
  buffer: { data: 0, offset: 1, size: 2, nFields: 3 },
  metadata: { name: 0, buffer: 1, nFields: 2 },
};

/** TensorType codes used by the fixtures. */
export const T = { FLOAT32: 0, FLOAT16: 1, INT32: 2, UINT8: 3, STRING: 5, BOOL: 6, INT16: 7, INT8: 9, INT4: 17, INT2: 19 } as const;
/** BuiltinOperator codes used by the fixtures. */
export const OP = {
  ADD: 0,
  CONCATENATION: 2,
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 4,
  DEQUANTIZE: 6,
  FULLY_CONNECTED: 9,
  LOGISTIC: 14,
  MUL: 18,
  RELU: 19,
  RELU6: 21,
  RESHAPE: 22,
  TANH: 28,
  SOFTMAX: 25,
  LESS: 58,
  SVDF: 27,
  SQUEEZE: 43,
  UNIDIRECTIONAL_SEQUENCE_LSTM: 44,
  EXPAND_DIMS: 70,
  IF: 118,
  WHILE: 119,
  DENSIFY: 124,
  /** Above 127: stored in builtin_code with deprecated_builtin_code = 127. */
  STABLEHLO_ADD: 163,
} as const;

export interface TensorSpec {
  name?: string;
  shape: number[];
  type?: number;
  /** Constant data: the tensor becomes a weight. */
  data?: Uint8Array;
  variable?: boolean;
  shapeSignature?: number[];
  /** Points the tensor at this buffer index instead of its own (for sharing weights / bad indices). */
  buffer?: number;
  /** Affine quantization (per-tensor: one scale and zero point). */
  quantization?: { scale: number[]; zeroPoint: number[] };
}

/** One scalar field of an options table: its slot in schema.fbs, width and value. */
export interface OptionField {
  slot: number;
  kind: 'i8' | 'i32' | 'f32';
  value: number;
}

export interface OpSpec {
  /** A builtin code, or a custom operator's name. */
  op: number | string;
  inputs: number[];
  outputs: number[];
  intermediates?: number[];
  /** Overrides the operator code index (for out-of-range tests). */
  opcodeIndex?: number;
  /** builtin_options: the BuiltinOptions union type and the table's scalar fields. */
  builtinOptions?: { type: number; fields: OptionField[] };
  /** custom_options bytes (a flexbuffer for TFLM's Signal operators). */
  customOptions?: Uint8Array;
  /**
   * builtin_options: the union member's number (schema.fbs, e.g. SVDFOptions 6, WhileOptions 93) and
   * int32 fields by slot (a byte or bool field of value 0 can be left out: its default).
   */
  options?: { type: number; ints: Record<number, number> };
}

export interface SubgraphSpec {
  name?: string;
  tensors: TensorSpec[];
  inputs: number[];
  outputs: number[];
  operators: OpSpec[];
}

export interface ModelSpec {
  subgraphs: SubgraphSpec[];
  metadata?: { name: string; data: Uint8Array }[];
  description?: string;
  /** A buffer whose data lies past the flatbuffer (the > 2 GB form): appended bytes, pointed to by offset/size. */
  externalData?: Uint8Array;
}

function intVector(b: flatbuffers.Builder, xs: readonly number[]): number {
  b.startVector(4, xs.length, 4);
  for (let i = xs.length - 1; i >= 0; i--) b.addInt32(xs[i]!);
  return b.endVector();
}

function offsetVector(b: flatbuffers.Builder, xs: readonly number[]): number {
  b.startVector(4, xs.length, 4);
  for (let i = xs.length - 1; i >= 0; i--) b.addOffset(xs[i]!);
  return b.endVector();
}

function byteVector(b: flatbuffers.Builder, data: Uint8Array): number {
  b.startVector(1, data.length, 16);
  for (let i = data.length - 1; i >= 0; i--) b.addInt8(data[i]!);
  return b.endVector();
}

function quantization(b: flatbuffers.Builder, q: { scale: number[]; zeroPoint: number[] }): number {
  b.startVector(4, q.scale.length, 4);
  for (let i = q.scale.length - 1; i >= 0; i--) b.addFloat32(q.scale[i]!);
  const scale = b.endVector();
  b.startVector(8, q.zeroPoint.length, 8);
  for (let i = q.zeroPoint.length - 1; i >= 0; i--) b.addInt64(BigInt(q.zeroPoint[i]!));
  const zp = b.endVector();
  b.startObject(F.quantization.nFields);
  b.addFieldOffset(F.quantization.scale, scale, 0);
  b.addFieldOffset(F.quantization.zero_point, zp, 0);
  return b.endObject();
}

/** An options table with the given scalar fields (each written even when it equals the default). */
function optionsTable(b: flatbuffers.Builder, fields: readonly OptionField[]): number {
  b.startObject(Math.max(0, ...fields.map((f) => f.slot + 1)));
  for (const f of fields) {
    if (f.kind === 'i8') b.addFieldInt8(f.slot, f.value, f.value + 1);
    else if (f.kind === 'i32') b.addFieldInt32(f.slot, f.value, f.value + 1);
    else b.addFieldFloat32(f.slot, f.value, f.value + 1);
  }
  return b.endObject();
}

/** Builds the model; buffer 0 is the empty sentinel, every tensor gets its own buffer (empty unless `data`). */
export function buildTflite(spec: ModelSpec): Uint8Array {
  const b = new flatbuffers.Builder(1024);
  const buffers: { data?: Uint8Array; external?: boolean }[] = [{}];
  const codes: (number | string)[] = [];
  const codeIndex = (op: number | string): number => {
    let i = codes.indexOf(op);
    if (i < 0) i = codes.push(op) - 1;
    return i;
  };
  const subgraphs = spec.subgraphs.map((sg) => {
    const tensors = sg.tensors.map((t, i) => {
      const buffer = t.buffer ?? buffers.push(t.data ? { data: t.data } : {}) - 1;
      const name = b.createString(t.name ?? `t${i}`);
      const shape = intVector(b, t.shape);
      const sig = t.shapeSignature ? intVector(b, t.shapeSignature) : 0;
      const quant = t.quantization ? quantization(b, t.quantization) : 0;
      b.startObject(F.tensor.nFields);
      b.addFieldOffset(F.tensor.shape, shape, 0);
      b.addFieldInt8(F.tensor.type, t.type ?? T.INT8, 0);
      b.addFieldInt32(F.tensor.buffer, buffer, 0);
      b.addFieldOffset(F.tensor.name, name, 0);
      if (t.variable) b.addFieldInt8(F.tensor.is_variable, 1, 0);
      if (sig) b.addFieldOffset(F.tensor.shape_signature, sig, 0);
      if (quant) b.addFieldOffset(F.tensor.quantization, quant, 0);
      return b.endObject();
    });
    const operators = sg.operators.map((o) => {
      const inputs = intVector(b, o.inputs);
      const outputs = intVector(b, o.outputs);
      const inter = o.intermediates ? intVector(b, o.intermediates) : 0;
      const options = o.builtinOptions ? optionsTable(b, o.builtinOptions.fields) : 0;
      const custom = o.customOptions ? byteVector(b, o.customOptions) : 0;
      let opts = 0;
      if (o.options) {
        const slots = Object.keys(o.options.ints).map(Number);
        b.startObject(Math.max(0, ...slots) + 1);
        for (const slot of slots) b.addFieldInt32(slot, o.options.ints[slot]!, 0);
        opts = b.endObject();
      }
      b.startObject(F.operator.nFields);
      b.addFieldInt32(F.operator.opcode_index, o.opcodeIndex ?? codeIndex(o.op), 0);
      b.addFieldOffset(F.operator.inputs, inputs, 0);
      b.addFieldOffset(F.operator.outputs, outputs, 0);
      if (inter) b.addFieldOffset(F.operator.intermediates, inter, 0);
      if (options) {
        b.addFieldInt8(F.operator.builtin_options_type, o.builtinOptions!.type, 0);
        b.addFieldOffset(F.operator.builtin_options, options, 0);
      } else if (opts) {
        b.addFieldInt8(F.operator.builtin_options_type, o.options!.type, 0);
        b.addFieldOffset(F.operator.builtin_options, opts, 0);
      }
      if (custom) b.addFieldOffset(F.operator.custom_options, custom, 0);
      return b.endObject();
    });
    const tv = offsetVector(b, tensors);
    const iv = intVector(b, sg.inputs);
    const ov = intVector(b, sg.outputs);
    const opv = offsetVector(b, operators);
    const name = sg.name !== undefined ? b.createString(sg.name) : 0;
    b.startObject(F.subgraph.nFields);
    b.addFieldOffset(F.subgraph.tensors, tv, 0);
    b.addFieldOffset(F.subgraph.inputs, iv, 0);
    b.addFieldOffset(F.subgraph.outputs, ov, 0);
    b.addFieldOffset(F.subgraph.operators, opv, 0);
    if (name) b.addFieldOffset(F.subgraph.name, name, 0);
    return b.endObject();
  });
  const metaBuffers = (spec.metadata ?? []).map((m) => buffers.push({ data: m.data }) - 1);
  const externalIndex = spec.externalData ? buffers.push({ external: true }) - 1 : -1;
  const opcodes = codes.map((c) => {
    const custom = typeof c === 'string' ? b.createString(c) : 0;
    const code = typeof c === 'string' ? 32 : c;
    b.startObject(F.opcode.nFields);
    b.addFieldInt8(F.opcode.deprecated_builtin_code, Math.min(code, 127), 0);
    if (custom) b.addFieldOffset(F.opcode.custom_code, custom, 0);
    b.addFieldInt32(F.opcode.version, 1, 1);
    b.addFieldInt32(F.opcode.builtin_code, code, 0);
    return b.endObject();
  });
  // The external buffer's offset is patched once the flatbuffer's length is known (placeholder 2).
  const bufferTables = buffers.map((buf) => {
    const data = buf.data ? byteVector(b, buf.data) : 0;
    b.startObject(F.buffer.nFields);
    if (data) b.addFieldOffset(F.buffer.data, data, 0);
    if (buf.external) {
      b.addFieldInt64(F.buffer.offset, 0x7eadbeefn, 0n);
      b.addFieldInt64(F.buffer.size, BigInt(spec.externalData!.length), 0n);
    }
    return b.endObject();
  });
  const metas = (spec.metadata ?? []).map((m, i) => {
    const name = b.createString(m.name);
    b.startObject(F.metadata.nFields);
    b.addFieldOffset(F.metadata.name, name, 0);
    b.addFieldInt32(F.metadata.buffer, metaBuffers[i]!, 0);
    return b.endObject();
  });
  const opv = offsetVector(b, opcodes);
  const sgv = offsetVector(b, subgraphs);
  const bv = offsetVector(b, bufferTables);
  const mv = metas.length > 0 ? offsetVector(b, metas) : 0;
  const desc = spec.description !== undefined ? b.createString(spec.description) : 0;
  b.startObject(F.model.nFields);
  b.addFieldInt32(F.model.version, 3, 0);
  b.addFieldOffset(F.model.operator_codes, opv, 0);
  b.addFieldOffset(F.model.subgraphs, sgv, 0);
  if (desc) b.addFieldOffset(F.model.description, desc, 0);
  b.addFieldOffset(F.model.buffers, bv, 0);
  if (mv) b.addFieldOffset(F.model.metadata, mv, 0);
  b.finish(b.endObject(), 'TFL3');
  const fb = b.asUint8Array();
  if (!spec.externalData || externalIndex < 0) return fb.slice();
  // Append the external data at a 16-aligned position and patch the placeholder offset.
  const at = Math.ceil(fb.length / 16) * 16;
  const out = new Uint8Array(at + spec.externalData.length);
  out.set(fb);
  out.set(spec.externalData, at);
  const dv = new DataView(out.buffer);
  for (let p = 0; p + 8 <= fb.length; p += 4) {
    if (dv.getBigUint64(p, true) === 0x7eadbeefn) {
      dv.setBigUint64(p, BigInt(at), true);
      break;
    }
  }
  return out;
}

const bytes = (n: number, fill = 1): Uint8Array => new Uint8Array(n).fill(fill);
/** Little-endian float32 data. */
export const floats = (xs: readonly number[]): Uint8Array => new Uint8Array(Float32Array.from(xs).buffer);
/** Little-endian int32 data (a shape tensor's values). */
export const int32s = (xs: readonly number[]): Uint8Array => new Uint8Array(Int32Array.from(xs).buffer);

/** Small models whose ranges and sizes the tests compute by hand (see each comment). */
/** An IF's then branch: in -> ADD(in, in) -> t -> ADD(t, in) -> out, FLOAT32 [1, 8]. */
const ifThen = (shape: number[] = [1, 8]): SubgraphSpec => ({
  name: 'then',
  tensors: [
    { name: 'in', shape, type: T.FLOAT32 },
    { name: 't', shape, type: T.FLOAT32 },
    { name: 'out', shape, type: T.FLOAT32 },
  ],
  inputs: [0],
  outputs: [2],
  operators: [
    { op: OP.ADD, inputs: [0, 0], outputs: [1] },
    { op: OP.ADD, inputs: [1, 0], outputs: [2] },
  ],
});

/** An IF's else branch: in -> RELU -> e -> ADD(e, e) -> out, FLOAT32 [1, 8]. */
const ifElse = (shape: number[] = [1, 8]): SubgraphSpec => ({
  name: 'else',
  tensors: [
    { name: 'in', shape, type: T.FLOAT32 },
    { name: 'e', shape, type: T.FLOAT32 },
    { name: 'out', shape, type: T.FLOAT32 },
  ],
  inputs: [0],
  outputs: [2],
  operators: [
    { op: OP.RELU, inputs: [0], outputs: [1] },
    { op: OP.ADD, inputs: [1, 1], outputs: [2] },
  ],
});

export const FIXTURES = {
  /** input(256 B) -CONV-> t2(256) -RELU-> t3(FLOAT32, 1024) -FC-> output t4(10); weights t1 (16 B). */
  chain: (): ModelSpec => ({
    subgraphs: [
      {
        name: 'main',
        tensors: [
          { name: 'input', shape: [1, 8, 8, 4] },
          { name: 'weights', shape: [4, 1, 1, 4], data: bytes(16) },
          { name: 'conv', shape: [1, 8, 8, 4] },
          { name: 'relu', shape: [1, 8, 8, 4], type: T.FLOAT32 },
          { name: 'logits', shape: [1, 10] },
        ],
        inputs: [0],
        outputs: [4],
        operators: [
          { op: OP.CONV_2D, inputs: [0, 1, -1], outputs: [2] },
          { op: OP.RELU, inputs: [2], outputs: [3] },
          { op: OP.FULLY_CONNECTED, inputs: [3, 1], outputs: [4] },
        ],
      },
    ],
  }),
  /** x(16) -A-> a(FLOAT32 [8], 32) -B-> b(16); ADD(x, b) -> out(16): x lives across the branch. */
  residual: (): ModelSpec => ({
    subgraphs: [
      {
        tensors: [
          { name: 'x', shape: [16] },
          { name: 'a', shape: [8], type: T.FLOAT32 },
          { name: 'b', shape: [16] },
          { name: 'out', shape: [16] },
        ],
        inputs: [0],
        outputs: [3],
        operators: [
          { op: OP.RELU, inputs: [0], outputs: [1] },
          { op: 'MyCustomOp', inputs: [1], outputs: [2] },
          { op: OP.ADD, inputs: [0, 2], outputs: [3] },
        ],
      },
    ],
  }),
  /** SVDF with a state variable (INT16 [8] = 16 B, initial data in its buffer): live the whole run. */
  variable: (): ModelSpec => ({
    subgraphs: [
      {
        tensors: [
          { name: 'in', shape: [4] },
          { name: 'state', shape: [8], type: T.INT16, variable: true, data: bytes(16, 0) },
          { name: 'svdf', shape: [4] },
          { name: 'out', shape: [4] },
        ],
        inputs: [0],
        outputs: [3],
        operators: [
          { op: OP.SVDF, inputs: [0, 1], outputs: [2] },
          { op: OP.RELU, inputs: [2], outputs: [3] },
        ],
      },
    ],
  }),
  /** LSTM with intermediates: t1 (INT16 [2,3], 12 B) during op 0; t2 has shape [0] (0 B, skipped). */
  intermediate: (): ModelSpec => ({
    subgraphs: [
      {
        tensors: [
          { name: 'in', shape: [2, 3] },
          { name: 'gate', shape: [2, 3], type: T.INT16 },
          { name: 'empty', shape: [0], type: T.FLOAT32 },
          { name: 'lstm', shape: [2, 3] },
          { name: 'out', shape: [2, 3] },
        ],
        inputs: [0],
        outputs: [4],
        operators: [
          { op: OP.UNIDIRECTIONAL_SEQUENCE_LSTM, inputs: [0, -1, -1], outputs: [3], intermediates: [1, 2] },
          { op: OP.RELU, inputs: [3], outputs: [4] },
        ],
      },
    ],
  }),
  /**
   * Prepared tensors: DENSIFY(t4 sparse) -> t5 (FLOAT16 [4,4], 32 B) -DEQUANTIZE-> t6 (64 B);
   * DEQUANTIZE(t0 fp16 weights) -> t2 (64 B); FC(t1, t2) -> t3 (16 B); FC(t3, t6) -> t7 output (16 B).
   */
  dequantize: (): ModelSpec => ({
    subgraphs: [
      {
        tensors: [
          { name: 'w16', shape: [4, 4], type: T.FLOAT16, data: bytes(32) },
          { name: 'in', shape: [1, 4], type: T.FLOAT32 },
          { name: 'w32', shape: [4, 4], type: T.FLOAT32 },
          { name: 'fc1', shape: [1, 4], type: T.FLOAT32 },
          { name: 'sparse', shape: [4, 4], type: T.FLOAT16, data: bytes(8) },
          { name: 'dense16', shape: [4, 4], type: T.FLOAT16 },
          { name: 'dense32', shape: [4, 4], type: T.FLOAT32 },
          { name: 'out', shape: [1, 4], type: T.FLOAT32 },
        ],
        inputs: [1],
        outputs: [7],
        operators: [
          { op: OP.DENSIFY, inputs: [4], outputs: [5] },
          { op: OP.DEQUANTIZE, inputs: [5], outputs: [6] },
          { op: OP.DEQUANTIZE, inputs: [0], outputs: [2] },
          { op: OP.FULLY_CONNECTED, inputs: [1, 2], outputs: [3] },
          { op: OP.FULLY_CONNECTED, inputs: [3, 6], outputs: [7] },
        ],
      },
    ],
  }),
  /**
   * A prepared tensor TFLM runs (its DEQUANTIZE takes int8): in (FLOAT32 [1,16], 64 B) -RELU-> a (64)
   * -RELU-> b (64); DEQUANTIZE(w8, int8 [4,16] weights, scale 0.05) -> w32 (FLOAT32 [4,16], 256 B) at
   * step 2; FC(b, w32) -> out (FLOAT32 [1,4], 16 B). Whole-run, w32 is live with in and a (384 B at
   * steps 0 and 1); from its operator on, the most live is 336 B (step 3: b, w32, out).
   */
  dequantizeInt8: (): ModelSpec => ({
    subgraphs: [
      {
        tensors: [
          { name: 'in', shape: [1, 16], type: T.FLOAT32 },
          { name: 'a', shape: [1, 16], type: T.FLOAT32 },
          { name: 'w8', shape: [4, 16], type: T.INT8, data: new Uint8Array(64).map((_, i) => (i * 37) % 251), quantization: { scale: [0.05], zeroPoint: [0] } },
          { name: 'w32', shape: [4, 16], type: T.FLOAT32 },
          { name: 'b', shape: [1, 16], type: T.FLOAT32 },
          { name: 'out', shape: [1, 4], type: T.FLOAT32 },
        ],
        inputs: [0],
        outputs: [5],
        operators: [
          { op: OP.RELU, inputs: [0], outputs: [1] },
          { op: OP.RELU, inputs: [1], outputs: [4] },
          { op: OP.DEQUANTIZE, inputs: [2], outputs: [3] },
          { op: OP.FULLY_CONNECTED, inputs: [4, 3], outputs: [5] },
        ],
      },
    ],
  }),
  /**
   * RELU(in) -> t1; RESHAPE(t1, shape t2) -> t3 (t1 is read again later: no sharing);
   * SQUEEZE(t3) -> t4 (t3 dies there: t4 shares t3's buffer); ADD(t4, t1) -> t5 output. All 32 B.
   */
  reshape: (): ModelSpec => ({
    subgraphs: [
      {
        tensors: [
          { name: 'in', shape: [1, 4, 4, 2] },
          { name: 'relu', shape: [1, 4, 4, 2] },
          { name: 'shape', shape: [2], type: T.INT32, data: new Uint8Array([1, 0, 0, 0, 32, 0, 0, 0]) },
          { name: 'flat', shape: [1, 32] },
          { name: 'squeezed', shape: [32] },
          { name: 'sum', shape: [1, 32] },
        ],
        inputs: [0],
        outputs: [5],
        operators: [
          { op: OP.RELU, inputs: [0], outputs: [1] },
          { op: OP.RESHAPE, inputs: [1, 2], outputs: [3] },
          { op: OP.SQUEEZE, inputs: [3], outputs: [4] },
          { op: OP.ADD, inputs: [4, 1], outputs: [5] },
        ],
      },
    ],
  }),
  /** Two subgraphs: the chain as subgraph 0, and a 2-op body (FLOAT32 [4] = 16 B each) as subgraph 1. */
  twoSubgraphs: (): ModelSpec => ({
    subgraphs: [
      FIXTURES.chain().subgraphs[0]!,
      {
        name: 'body',
        tensors: [
          { name: 'b_in', shape: [4], type: T.FLOAT32 },
          { name: 'b_mid', shape: [4], type: T.FLOAT32 },
          { name: 'b_out', shape: [4], type: T.FLOAT32 },
        ],
        inputs: [0],
        outputs: [2],
        operators: [
          { op: OP.RELU, inputs: [0], outputs: [1] },
          { op: OP.STABLEHLO_ADD, inputs: [1, 0], outputs: [2] },
        ],
      },
    ],
  }),
  /**
   * A placeholder shape: RESHAPE of FLOAT32 [1,2,3,4] by the constant shape [-1, 6] into an output
   * stored as [1, 1] (signature [-1, -1]), then RELU: full TFLite computes [4, 6] for both; TFLM
   * rejects the file as stored (element counts differ at the RESHAPE).
   */
  placeholder: (): ModelSpec => ({
    subgraphs: [
      {
        tensors: [
          { name: 'in', shape: [1, 2, 3, 4], shapeSignature: [-1, 2, 3, 4], type: T.FLOAT32 },
          { name: 'shape', shape: [2], type: T.INT32, data: int32s([-1, 6]) },
          { name: 'r', shape: [1, 1], shapeSignature: [-1, -1], type: T.FLOAT32 },
          { name: 'out', shape: [1, 1], shapeSignature: [-1, -1], type: T.FLOAT32 },
        ],
        inputs: [0],
        outputs: [3],
        operators: [
          { op: OP.RESHAPE, inputs: [0, 1], outputs: [2] },
          { op: OP.RELU, inputs: [2], outputs: [3] },
        ],
      },
    ],
  }),
  /**
   * For the runtime check (TFLM runs it): FLOAT32 SVDF (rank 1, 2 units, memory 4) whose state is a
   * variable [1, 8] that every Invoke updates, then RELU. TFLM's reference SVDF asks for scratch
   * (batch x filters x 4 = 8 B).
   */
  svdfState: (): ModelSpec => ({
    subgraphs: [
      {
        tensors: [
          { name: 'in', shape: [1, 3], type: T.FLOAT32 },
          { name: 'feature', shape: [2, 3], type: T.FLOAT32, data: floats([0.5, -0.25, 1, 0.75, 0.5, -1]) },
          { name: 'time', shape: [2, 4], type: T.FLOAT32, data: floats([1, 0.5, 0.25, 0.125, -1, 0.5, -0.25, 2]) },
          { name: 'state', shape: [1, 8], type: T.FLOAT32, variable: true, data: floats([0, 0, 0, 0, 0, 0, 0, 0]) },
          { name: 'svdf', shape: [1, 2], type: T.FLOAT32 },
          { name: 'out', shape: [1, 2], type: T.FLOAT32 },
          { name: 'bias', shape: [2], type: T.FLOAT32, data: floats([0.125, -0.5]) },
        ],
        inputs: [0],
        outputs: [5],
        operators: [
          { op: OP.SVDF, inputs: [0, 1, 2, 6, 3], outputs: [4], options: { type: 6, ints: { 0: 1 } } },
          { op: OP.RELU, inputs: [4], outputs: [5] },
        ],
      },
    ],
  }),
  /**
   * For the runtime check: a WHILE loop (subgraph 0) with its condition (subgraph 1: i < 3) and body
   * (subgraph 2: i + 1, x + x, RELU), FLOAT32 x [1, 8]: TFLM plans all three subgraphs in one arena.
   */
  whileLoop: (): ModelSpec => ({
    subgraphs: [
      {
        name: 'main',
        tensors: [
          { name: 'i', shape: [1], type: T.INT32 },
          { name: 'x', shape: [1, 8], type: T.FLOAT32 },
          { name: 'i_out', shape: [1], type: T.INT32 },
          { name: 'x_out', shape: [1, 8], type: T.FLOAT32 },
          { name: 'y', shape: [1, 8], type: T.FLOAT32 },
        ],
        inputs: [0, 1],
        outputs: [4],
        operators: [
          { op: OP.WHILE, inputs: [0, 1], outputs: [2, 3], options: { type: 93, ints: { 0: 1, 1: 2 } } },
          { op: OP.RELU, inputs: [3], outputs: [4] },
        ],
      },
      {
        name: 'cond',
        tensors: [
          { name: 'i', shape: [1], type: T.INT32 },
          { name: 'x', shape: [1, 8], type: T.FLOAT32 },
          { name: 'limit', shape: [1], type: T.INT32, data: int32s([3]) },
          { name: 'go', shape: [1], type: T.BOOL },
        ],
        inputs: [0, 1],
        outputs: [3],
        operators: [{ op: OP.LESS, inputs: [0, 2], outputs: [3] }],
      },
      {
        name: 'body',
        tensors: [
          { name: 'i', shape: [1], type: T.INT32 },
          { name: 'x', shape: [1, 8], type: T.FLOAT32 },
          { name: 'one', shape: [1], type: T.INT32, data: int32s([1]) },
          { name: 'i2', shape: [1], type: T.INT32 },
          { name: 'x2', shape: [1, 8], type: T.FLOAT32 },
          { name: 'x3', shape: [1, 8], type: T.FLOAT32 },
        ],
        inputs: [0, 1],
        outputs: [3, 5],
        operators: [
          { op: OP.ADD, inputs: [0, 2], outputs: [3] },
          { op: OP.ADD, inputs: [1, 1], outputs: [4] },
          { op: OP.RELU, inputs: [4], outputs: [5] },
        ],
      },
    ],
  }),
  /**
   * An IF run once (IfOptions: then 1, else 2) on a FLOAT32 [1, 8], whose caller peaks after it
   * (a broadcast ADD to [4, 8], then RELU): the branches fit above what is live at the IF (80 B),
   * below the caller's peak (256 B).
   */
  ifBranch: (): ModelSpec => ({
    subgraphs: [
      {
        name: 'main',
        tensors: [
          { name: 'c', shape: [1], type: T.BOOL },
          { name: 'x', shape: [1, 8], type: T.FLOAT32 },
          { name: 'a', shape: [1, 8], type: T.FLOAT32 },
          { name: 'y', shape: [1, 8], type: T.FLOAT32 },
          { name: 'k', shape: [4, 8], type: T.FLOAT32, data: floats(Array.from({ length: 32 }, (_, i) => (i % 7) - 3)) },
          { name: 'z', shape: [4, 8], type: T.FLOAT32 },
          { name: 'out', shape: [4, 8], type: T.FLOAT32 },
        ],
        inputs: [0, 1],
        outputs: [6],
        operators: [
          { op: OP.RELU, inputs: [1], outputs: [2] },
          { op: OP.IF, inputs: [0, 2], outputs: [3], options: { type: 92, ints: { 0: 1, 1: 2 } } },
          { op: OP.ADD, inputs: [3, 4], outputs: [5] },
          { op: OP.RELU, inputs: [5], outputs: [6] },
        ],
      },
      ifThen(),
      ifElse(),
    ],
  }),
  /**
   * An IF run once whose branches are the largest part of the model: FLOAT32 [4, 8] (128 B) through
   * RELU -> IF -> RELU; the then branch peaks at 384 B, the else branch at 256 B, above what main has
   * live at the IF (c, a, y). Sharing one base saves the else branch's peak over stacking them.
   */
  ifWide: (): ModelSpec => ({
    subgraphs: [
      {
        name: 'main',
        tensors: [
          { name: 'c', shape: [1], type: T.BOOL },
          { name: 'x', shape: [4, 8], type: T.FLOAT32 },
          { name: 'a', shape: [4, 8], type: T.FLOAT32 },
          { name: 'y', shape: [4, 8], type: T.FLOAT32 },
          { name: 'out', shape: [4, 8], type: T.FLOAT32 },
        ],
        inputs: [0, 1],
        outputs: [4],
        operators: [
          { op: OP.RELU, inputs: [1], outputs: [2] },
          { op: OP.IF, inputs: [0, 2], outputs: [3], options: { type: 92, ints: { 0: 1, 1: 2 } } },
          { op: OP.RELU, inputs: [3], outputs: [4] },
        ],
      },
      ifThen([4, 8]),
      ifElse([4, 8]),
    ],
  }),
  /**
   * The same branches run by two IFs (from steps 1 and 3), with a caller tensor (a) live across the
   * first IF only: TFLM keeps each branch's tensors live from its first run to its last.
   */
  ifTwice: (): ModelSpec => ({
    subgraphs: [
      {
        name: 'main',
        tensors: [
          { name: 'c', shape: [1], type: T.BOOL },
          { name: 'x', shape: [1, 8], type: T.FLOAT32 },
          { name: 'a', shape: [1, 8], type: T.FLOAT32 },
          { name: 'y1', shape: [1, 8], type: T.FLOAT32 },
          { name: 'b', shape: [1, 8], type: T.FLOAT32 },
          { name: 'y2', shape: [1, 8], type: T.FLOAT32 },
          { name: 'out', shape: [1, 8], type: T.FLOAT32 },
        ],
        inputs: [0, 1],
        outputs: [6],
        operators: [
          { op: OP.RELU, inputs: [1], outputs: [2] },
          { op: OP.IF, inputs: [0, 1], outputs: [3], options: { type: 92, ints: { 0: 1, 1: 2 } } },
          { op: OP.ADD, inputs: [2, 3], outputs: [4] },
          { op: OP.IF, inputs: [0, 4], outputs: [5], options: { type: 92, ints: { 0: 1, 1: 2 } } },
          { op: OP.RELU, inputs: [5], outputs: [6] },
        ],
      },
      ifThen(),
      ifElse(),
    ],
  }),
  /**
   * For the runtime check, quantized int8: CONV_2D 1x1 (8 -> 24 channels, per-channel weights) ->
   * DEPTHWISE_CONV_2D 3x3 (24) -> output: the kernels' per-channel data in TFLM's tail.
   */
  convQuant: (): ModelSpec => {
    const q = (n: number): { scale: number[]; zeroPoint: number[] } => ({ scale: Array<number>(n).fill(0.05), zeroPoint: Array<number>(n).fill(0) });
    const opts = (type: number, slots: number[]): { type: number; fields: OptionField[] } => ({ type, fields: slots.map((slot) => ({ slot, kind: 'i32', value: 1 })) });
    return {
      subgraphs: [
        {
          tensors: [
            { name: 'in', shape: [1, 4, 4, 8], type: T.INT8, quantization: q(1) },
            { name: 'w1', shape: [24, 1, 1, 8], type: T.INT8, data: bytes(192), quantization: q(24) },
            { name: 'b1', shape: [24], type: T.INT32, data: bytes(96, 0), quantization: q(24) },
            { name: 'conv', shape: [1, 4, 4, 24], type: T.INT8, quantization: q(1) },
            { name: 'w2', shape: [1, 3, 3, 24], type: T.INT8, data: bytes(216), quantization: q(1) },
            { name: 'b2', shape: [24], type: T.INT32, data: bytes(96, 0), quantization: q(1) },
            { name: 'out', shape: [1, 4, 4, 24], type: T.INT8, quantization: q(1) },
          ],
          inputs: [0],
          outputs: [6],
          operators: [
            // Conv2DOptions (1): stride_w, stride_h, dilation_w, dilation_h = 1 (slots 1, 2, 4, 5).
            { op: OP.CONV_2D, inputs: [0, 1, 2], outputs: [3], builtinOptions: opts(1, [1, 2, 4, 5]) },
            // DepthwiseConv2DOptions (2): stride_w, stride_h, depth_multiplier, dilation_w, dilation_h = 1.
            { op: OP.DEPTHWISE_CONV_2D, inputs: [3, 4, 5], outputs: [6], builtinOptions: opts(2, [1, 2, 3, 5, 6]) },
          ],
        },
      ],
    };
  },
  /** For the runtime check: FLOAT32 [1, 8] -> RELU -> ADD (with the input) -> RELU: reuse without scratch. */
  /**
   * In-place operators (FLOAT32, 256 B each, d 512 B): a = RELU(in); b = TANH(a) (a dies: elementwise);
   * c = LOGISTIC(in); d = CONCATENATION(b, c, axis 1) (both die: concat); e = RELU6(d) (d dies); out = MUL(e, e).
   */
  inplaceMix: (): ModelSpec => ({
    subgraphs: [
      {
        tensors: [
          { name: 'in', shape: [1, 64], type: T.FLOAT32 },
          { name: 'a', shape: [1, 64], type: T.FLOAT32 },
          { name: 'b', shape: [1, 64], type: T.FLOAT32 },
          { name: 'c', shape: [1, 64], type: T.FLOAT32 },
          { name: 'd', shape: [1, 128], type: T.FLOAT32 },
          { name: 'e', shape: [1, 128], type: T.FLOAT32 },
          { name: 'out', shape: [1, 128], type: T.FLOAT32 },
        ],
        inputs: [0],
        outputs: [6],
        operators: [
          { op: OP.RELU, inputs: [0], outputs: [1] },
          { op: OP.TANH, inputs: [1], outputs: [2] },
          { op: OP.LOGISTIC, inputs: [0], outputs: [3] },
          { op: OP.CONCATENATION, inputs: [2, 3], outputs: [4], options: { type: 10, ints: { 0: 1 } } },
          { op: OP.RELU6, inputs: [4], outputs: [5] },
          { op: OP.MUL, inputs: [5, 5], outputs: [6] },
        ],
      },
    ],
  }),
  /**
   * Two branches from one input, interleaved as stored: each a FULLY_CONNECTED widening FLOAT32 [1,8] to
   * [1,64] (256 B), a RELU and a FULLY_CONNECTED back to [1,8]; then ADD. Stored order: both wide tensors
   * and a RELU output live at once (768 B); a branch at a time (--reorder) 544 B; with the RELUs (and the
   * ADD) in place (--inplace elementwise) 544 B stored (the input and both wide tensors), 320 B in the
   * branch-at-a-time order.
   */
  inplaceBranches: (): ModelSpec => ({
    subgraphs: [
      {
        tensors: [
          { name: 'in', shape: [1, 8], type: T.FLOAT32 },
          { name: 'wa1', shape: [64, 8], type: T.FLOAT32, data: bytes(2048, 0x3c) },
          { name: 'wb1', shape: [64, 8], type: T.FLOAT32, data: bytes(2048, 0x3b) },
          { name: 'a1', shape: [1, 64], type: T.FLOAT32 },
          { name: 'b1', shape: [1, 64], type: T.FLOAT32 },
          { name: 'a2', shape: [1, 64], type: T.FLOAT32 },
          { name: 'b2', shape: [1, 64], type: T.FLOAT32 },
          { name: 'wa2', shape: [8, 64], type: T.FLOAT32, data: bytes(2048, 0x3d) },
          { name: 'wb2', shape: [8, 64], type: T.FLOAT32, data: bytes(2048, 0xbc) },
          { name: 'a3', shape: [1, 8], type: T.FLOAT32 },
          { name: 'b3', shape: [1, 8], type: T.FLOAT32 },
          { name: 'out', shape: [1, 8], type: T.FLOAT32 },
        ],
        inputs: [0],
        outputs: [11],
        operators: [
          { op: OP.FULLY_CONNECTED, inputs: [0, 1, -1], outputs: [3] },
          { op: OP.FULLY_CONNECTED, inputs: [0, 2, -1], outputs: [4] },
          { op: OP.RELU, inputs: [3], outputs: [5] },
          { op: OP.RELU, inputs: [4], outputs: [6] },
          { op: OP.FULLY_CONNECTED, inputs: [5, 7, -1], outputs: [9] },
          { op: OP.FULLY_CONNECTED, inputs: [6, 8, -1], outputs: [10] },
          { op: OP.ADD, inputs: [9, 10], outputs: [11] },
        ],
      },
    ],
  }),
  plainFloat: (): ModelSpec => ({
    subgraphs: [
      {
        tensors: [
          { name: 'in', shape: [1, 8], type: T.FLOAT32 },
          { name: 'a', shape: [1, 8], type: T.FLOAT32 },
          { name: 'b', shape: [1, 8], type: T.FLOAT32 },
          { name: 'out', shape: [1, 8], type: T.FLOAT32 },
        ],
        inputs: [0],
        outputs: [3],
        operators: [
          { op: OP.RELU, inputs: [0], outputs: [1] },
          { op: OP.ADD, inputs: [1, 0], outputs: [2] },
          { op: OP.RELU, inputs: [2], outputs: [3] },
        ],
      },
    ],
  }),
  /** An unknown dimension stored as -1 past the batch (FLOAT32 [1, -1]): no static size. */
  unknownDim: (): ModelSpec => ({
    subgraphs: [
      {
        tensors: [
          { name: 'in', shape: [1, -1], shapeSignature: [1, -1], type: T.FLOAT32 },
          { name: 'out', shape: [1, -1], shapeSignature: [1, -1], type: T.FLOAT32 },
        ],
        inputs: [0],
        outputs: [1],
        operators: [{ op: OP.RELU, inputs: [0], outputs: [1] }],
      },
    ],
  }),
  /** A dynamic batch: FLOAT32 [1,4] stored, [-1,4] signature (16 B per batch row). */
  dynamic: (): ModelSpec => ({
    subgraphs: [
      {
        tensors: [
          { name: 'in', shape: [1, 4], shapeSignature: [-1, 4], type: T.FLOAT32 },
          { name: 'w', shape: [2, 4], type: T.FLOAT32, data: bytes(32) },
          { name: 'out', shape: [1, 2], shapeSignature: [-1, 2], type: T.FLOAT32 },
        ],
        inputs: [0],
        outputs: [2],
        operators: [{ op: OP.FULLY_CONNECTED, inputs: [0, 1], outputs: [2] }],
      },
    ],
  }),
  /**
   * x -ADD wa-> y0 -ADD wb-> y1 -ADD wa-> y2 -ADD wc-> y3 (int8, 128 B activations): wa (128 B) is read twice,
   * wb (512 B) and wc (64 B) once. 8 buffers: 5 activations, 3 weights.
   */
  weighted: (): ModelSpec => ({
    subgraphs: [
      {
        name: 'main',
        tensors: [
          { name: 'x', shape: [1, 128] },
          { name: 'wa', shape: [128], data: bytes(128, 1) },
          { name: 'wb', shape: [512], data: bytes(512, 2) },
          { name: 'wc', shape: [64], data: bytes(64, 3) },
          { name: 'y0', shape: [1, 128] },
          { name: 'y1', shape: [1, 128] },
          { name: 'y2', shape: [1, 128] },
          { name: 'y3', shape: [1, 128] },
        ],
        inputs: [0],
        outputs: [7],
        operators: [
          { op: OP.ADD, inputs: [0, 1], outputs: [4] },
          { op: OP.ADD, inputs: [4, 2], outputs: [5] },
          { op: OP.ADD, inputs: [5, 1], outputs: [6] },
          { op: OP.ADD, inputs: [6, 3], outputs: [7] },
        ],
      },
    ],
  }),
};
