import { buildTflite, T, type OpSpec, type OptionField, type TensorSpec } from './tflite-builder.js';

/**
 * Models of one, two and three operators of one type (each reading the input [1, 4, 4, 8] and
 * writing its own graph output), float32 and int8: what the per-operator figures of TFLM's tail
 * (src/runtime/tflm/tail.ts) were calibrated on, for the runtime test to check them against.
 */
interface OpCase {
  type: string;
  /** Whether an int8 version runs in TFLM with these simple quantization parameters. */
  int8: boolean;
  /** float32 only: the input type (default float32 / int8). */
  input?: number;
  /** Constant tensors the operator reads, after the input. */
  constants: (int8: boolean) => TensorSpec[];
  op: (input: number, output: number, firstConstant: number) => OpSpec;
  outShape?: number[];
  outType?: number;
}

const q = (n = 1): { scale: number[]; zeroPoint: number[] } => ({ scale: Array<number>(n).fill(0.05), zeroPoint: Array<number>(n).fill(0) });
const i32 = (xs: number[]): Uint8Array => new Uint8Array(new Int32Array(xs).buffer);
const f32 = (n: number): Uint8Array => new Uint8Array(new Float32Array(n).fill(0.01).buffer);
const ints = (type: number, slots: [number, number][]): { type: number; fields: OptionField[] } => ({ type, fields: slots.map(([slot, value]) => ({ slot, kind: 'i32', value })) });
const weights = (int8: boolean, shape: number[], channels = 1): TensorSpec => {
  const n = shape.reduce((a, b) => a * b, 1);
  return int8 ? { shape, type: T.INT8, data: new Uint8Array(n).fill(1), quantization: q(channels) } : { shape, type: T.FLOAT32, data: f32(n) };
};
const bias = (int8: boolean, n: number, channels = 1): TensorSpec => (int8 ? { shape: [n], type: T.INT32, data: i32(Array<number>(n).fill(0)), quantization: q(channels) } : { shape: [n], type: T.FLOAT32, data: f32(n) });
const shapeOf = (xs: number[]) => (): TensorSpec[] => [{ shape: [xs.length], type: T.INT32, data: i32(xs) }];
const none = (): TensorSpec[] => [];
const unary = (code: number) => (a: number, o: number): OpSpec => ({ op: code, inputs: [a], outputs: [o] });
const binary = (code: number) => (a: number, o: number): OpSpec => ({ op: code, inputs: [a, a], outputs: [o] });
const withConst = (code: number, n = 1) => (a: number, o: number, e: number): OpSpec => ({ op: code, inputs: [a, ...Array.from({ length: n }, (_, k) => e + k)], outputs: [o] });

/** Builtin codes and option tables from TFLite's schema.fbs. */
const CASES: OpCase[] = [
  { type: 'ADD', int8: true, constants: none, op: binary(0) },
  { type: 'SUB', int8: true, constants: none, op: binary(41) },
  { type: 'MUL', int8: true, constants: none, op: binary(18) },
  { type: 'SOFTMAX', int8: false, constants: none, op: (a, o) => ({ op: 25, inputs: [a], outputs: [o], builtinOptions: { type: 9, fields: [{ slot: 0, kind: 'f32', value: 1 }] } }) },
  { type: 'LOGISTIC', int8: false, constants: none, op: unary(14) },
  { type: 'TANH', int8: true, constants: none, op: unary(28) },
  { type: 'RELU', int8: true, constants: none, op: unary(19) },
  { type: 'PRELU', int8: true, constants: (int8) => [weights(int8, [8])], op: withConst(54) },
  { type: 'LEAKY_RELU', int8: true, constants: none, op: unary(98) },
  { type: 'HARD_SWISH', int8: true, constants: none, op: unary(117) },
  { type: 'L2_NORMALIZATION', int8: true, constants: none, op: unary(11) },
  { type: 'RESHAPE', int8: true, constants: shapeOf([1, 4, 4, 8]), op: withConst(22) },
  { type: 'SQUEEZE', int8: true, constants: none, op: unary(43), outShape: [4, 4, 8] },
  { type: 'TRANSPOSE', int8: true, constants: shapeOf([0, 2, 1, 3]), op: withConst(39) },
  { type: 'SHAPE', int8: true, constants: none, op: unary(77), outShape: [4], outType: T.INT32 },
  { type: 'CAST', int8: false, constants: none, op: unary(53), outType: T.INT32 },
  { type: 'GATHER', int8: true, constants: shapeOf([0]), op: withConst(36) },
  { type: 'PACK', int8: true, constants: none, op: (a, o) => ({ op: 83, inputs: [a, a], outputs: [o], builtinOptions: ints(59, [[0, 2], [1, 0]]) }), outShape: [2, 1, 4, 4, 8] },
  { type: 'PAD', int8: true, constants: shapeOf([0, 0, 0, 0, 0, 0, 0, 0]), op: withConst(34) },
  { type: 'CONCATENATION', int8: true, constants: none, op: (a, o) => ({ op: 2, inputs: [a, a], outputs: [o], builtinOptions: ints(10, [[0, 3]]) }), outShape: [1, 4, 4, 16] },
  { type: 'MEAN', int8: true, constants: shapeOf([1, 2]), op: (a, o, e) => ({ op: 40, inputs: [a, e], outputs: [o], builtinOptions: { type: 27, fields: [{ slot: 0, kind: 'i8', value: 1 }] } }), outShape: [1, 1, 1, 8] },
  { type: 'STRIDED_SLICE', int8: true, constants: () => [...shapeOf([0, 0, 0, 0])(), ...shapeOf([1, 4, 4, 8])(), ...shapeOf([1, 1, 1, 1])()], op: withConst(45, 3) },
  { type: 'RESIZE_BILINEAR', int8: true, constants: shapeOf([8, 8]), op: withConst(23), outShape: [1, 8, 8, 8] },
  { type: 'RESIZE_NEAREST_NEIGHBOR', int8: true, constants: shapeOf([8, 8]), op: withConst(97), outShape: [1, 8, 8, 8] },
  { type: 'AVERAGE_POOL_2D', int8: true, constants: none, op: (a, o) => ({ op: 1, inputs: [a], outputs: [o], builtinOptions: ints(5, [[1, 1], [2, 1], [3, 1], [4, 1]]) }) },
  { type: 'MAX_POOL_2D', int8: true, constants: none, op: (a, o) => ({ op: 17, inputs: [a], outputs: [o], builtinOptions: ints(5, [[1, 1], [2, 1], [3, 1], [4, 1]]) }) },
  { type: 'FULLY_CONNECTED', int8: false, constants: (int8) => [weights(int8, [16, 128]), bias(int8, 16)], op: withConst(9, 2), outShape: [1, 16] },
  {
    type: 'CONV_2D',
    int8: true,
    constants: (int8) => [weights(int8, [24, 1, 1, 8], 24), bias(int8, 24, 24)],
    op: (a, o, e) => ({ op: 3, inputs: [a, e, e + 1], outputs: [o], builtinOptions: ints(1, [[1, 1], [2, 1], [4, 1], [5, 1]]) }),
    outShape: [1, 4, 4, 24],
  },
  {
    type: 'DEPTHWISE_CONV_2D',
    int8: true,
    constants: (int8) => [weights(int8, [1, 3, 3, 8]), bias(int8, 8)],
    op: (a, o, e) => ({ op: 4, inputs: [a, e, e + 1], outputs: [o], builtinOptions: ints(2, [[1, 1], [2, 1], [3, 1], [5, 1], [6, 1]]) }),
  },
  { type: 'QUANTIZE', int8: false, constants: none, op: unary(114), outType: T.INT8 },
  { type: 'DEQUANTIZE', int8: false, input: T.INT8, constants: none, op: unary(6), outType: T.FLOAT32 },
];

/** One calibration model: its name (type.f|q.n), the operator type and the file's bytes. */
export interface TailModel {
  name: string;
  type: string;
  bytes: Uint8Array;
}

/** Every case, float and (where it runs) int8, with 1, 2 and 3 operators. */
export function tailModels(): TailModel[] {
  const out: TailModel[] = [];
  for (const c of CASES) {
    for (const int8 of c.int8 ? [false, true] : [false]) {
      for (const n of [1, 2, 3]) {
        const inT = c.input ?? (int8 ? T.INT8 : T.FLOAT32);
        const outT = c.outType ?? inT;
        const quant = (t: number): Partial<TensorSpec> => (t === T.INT8 ? { quantization: q(1) } : {});
        const tensors: TensorSpec[] = [{ name: 'x', shape: [1, 4, 4, 8], type: inT, ...quant(inT) }];
        const first = tensors.length;
        tensors.push(...c.constants(int8));
        const operators: OpSpec[] = [];
        const outputs: number[] = [];
        for (let k = 0; k < n; k++) {
          const o = tensors.push({ shape: c.outShape ?? [1, 4, 4, 8], type: outT, ...quant(outT) }) - 1;
          outputs.push(o);
          operators.push(c.op(0, o, first));
        }
        out.push({ name: `${c.type}.${int8 ? 'q' : 'f'}.${n}`, type: c.type, bytes: buildTflite({ subgraphs: [{ tensors, inputs: [0], outputs, operators }] }) });
      }
    }
  }
  return out;
}
