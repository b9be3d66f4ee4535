/** Shape rules of elementwise operators: unary, broadcasting binary / variadic, Where, Cast. */
import { DataType } from '../types.js';
import { FOLD_LIMIT } from '../decode.js';
import { dataTypeCode, isIntegral } from '../dtype.js';
import { attrInt, axis, broadcast, broadcastIndex, elements, fail, presentInputs, withValue, type OpContext, type ShapeRule, type TensorInfo } from './context.js';

type Unary = (x: number) => number;

const roundHalfEven: Unary = (x) => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/** Unary operators whose output has the input's shape and type, with a fold where it is cheap and exact. */
const UNARY: Record<string, Unary | undefined> = {
  Identity: (x) => x,
  Neg: (x) => -x,
  Abs: Math.abs,
  Floor: Math.floor,
  Ceil: Math.ceil,
  Round: roundHalfEven,
  Sqrt: Math.sqrt,
  Relu: (x) => Math.max(0, x),
  Sign: Math.sign,
  Reciprocal: (x) => 1 / x,
  Exp: Math.exp,
  Log: Math.log,
  Not: (x) => (x ? 0 : 1),
  Sigmoid: undefined,
  Tanh: undefined,
  Erf: undefined,
  Sin: undefined,
  Cos: undefined,
  Softplus: undefined,
  Softsign: undefined,
  LeakyRelu: undefined,
  Elu: undefined,
  Selu: undefined,
  Celu: undefined,
  HardSigmoid: undefined,
  HardSwish: undefined,
  Mish: undefined,
  Gelu: undefined,
  ThresholdedRelu: undefined,
  Shrink: undefined,
  IsNaN: undefined,
  IsInf: undefined,
  Softmax: undefined,
  LogSoftmax: undefined,
  Hardmax: undefined,
  LRN: undefined,
  InstanceNormalization: undefined,
  MeanVarianceNormalization: undefined,
  LpNormalization: undefined,
  Clip: undefined,
  CumSum: undefined,
};

function unary(op: string, fn: Unary | undefined): ShapeRule {
  const bool = op === 'IsNaN' || op === 'IsInf';
  return (ctx) => {
    const x = ctx.need(0);
    const out: TensorInfo = { dtype: bool ? DataType.BOOL : x.dtype, shape: x.shape.slice() };
    const v = fn && x.value ? x.value.map(fn) : undefined;
    return [withValue(out, isIntegral(x.dtype) && v ? v.map(Math.trunc) : v)];
  };
}

/** Binary operators: [result of a op b, output is boolean]. */
const BINARY: Record<string, [(a: number, b: number, integral: boolean) => number, boolean]> = {
  Add: [(a, b) => a + b, false],
  Sub: [(a, b) => a - b, false],
  Mul: [(a, b) => a * b, false],
  Div: [(a, b, int) => (int ? Math.trunc(a / b) : a / b), false],
  Pow: [(a, b) => a ** b, false],
  Mod: [(a, b) => a - b * Math.floor(a / b), false],
  Max: [(a, b) => Math.max(a, b), false],
  Min: [(a, b) => Math.min(a, b), false],
  Sum: [(a, b) => a + b, false],
  Mean: [(a, b) => a + b, false],
  PRelu: [(a, b) => (a < 0 ? a * b : a), false],
  BitShift: [(a) => a, false],
  Equal: [(a, b) => (a === b ? 1 : 0), true],
  Less: [(a, b) => (a < b ? 1 : 0), true],
  Greater: [(a, b) => (a > b ? 1 : 0), true],
  LessOrEqual: [(a, b) => (a <= b ? 1 : 0), true],
  GreaterOrEqual: [(a, b) => (a >= b ? 1 : 0), true],
  And: [(a, b) => (a && b ? 1 : 0), true],
  Or: [(a, b) => (a || b ? 1 : 0), true],
  Xor: [(a, b) => (!a !== !b ? 1 : 0), true],
};


function binary(op: string): ShapeRule {
  const [fn, bool] = BINARY[op]!;
  const foldable = op !== 'BitShift' && op !== 'Mean';
  return (ctx) => {
    const xs = presentInputs(ctx);
    const first = ctx.need(0);
    // Versions before 7 (Add, Sub, Mul, Div, Pow, the comparisons, And/Or/Xor): `broadcast=1` aligns B
    // at `axis` of A, and the output has A's shape.
    const legacy = ctx.version < 7 && attrInt(ctx, 'broadcast', 0) === 1;
    const shape = legacy ? first.shape.slice() : broadcast(xs.map((x) => x.shape));
    const out: TensorInfo = { dtype: bool ? DataType.BOOL : first.dtype, shape };
    const n = elements(shape);
    if (!foldable || legacy || n > FOLD_LIMIT || !xs.every((x) => x.value !== undefined)) return [out];
    const int = isIntegral(first.dtype);
    const value = Array.from({ length: n }, (_, i) =>
      xs.map((x) => x.value![broadcastIndex(i, shape, x.shape)]!).reduce((a, b) => fn(a, b, int)),
    );
    return [withValue(out, value)];
  };
}

const where: ShapeRule = (ctx) => {
  const [c, x, y] = [ctx.need(0), ctx.need(1), ctx.need(2)];
  const shape = broadcast([c.shape, x.shape, y.shape]);
  const out: TensorInfo = { dtype: x.dtype, shape };
  if (!c.value || !x.value || !y.value || elements(shape) > FOLD_LIMIT) return [out];
  const value = Array.from({ length: elements(shape) }, (_, i) =>
    c.value![broadcastIndex(i, shape, c.shape)] ? x.value![broadcastIndex(i, shape, x.shape)]! : y.value![broadcastIndex(i, shape, y.shape)]!,
  );
  return [withValue(out, value)];
};

/** Cast: the type `to` names: a TensorProto.DataType code, or in Cast-1 its name as a string ("FLOAT"). */
const cast: ShapeRule = (ctx) => {
  const x = ctx.need(0);
  const named = ctx.version < 6 ? ctx.node.attributes.get('to')?.s : undefined;
  const to = named !== undefined ? (dataTypeCode(named) ?? fail(`attribute "to" names no element type: "${named}"`)) : (attrInt(ctx, 'to') ?? fail('attribute "to" is missing'));
  const conv = (v: number): number => (to === DataType.BOOL ? (v ? 1 : 0) : isIntegral(to) ? Math.trunc(v) : v);
  return [withValue({ dtype: to, shape: x.shape.slice() }, x.value?.map(conv))];
};

const castLike: ShapeRule = (ctx) => {
  const x = ctx.need(0);
  return [{ dtype: ctx.need(1).dtype, shape: x.shape.slice() }];
};

/**
 * Dropout: the output and the optional mask have the input's shape. The mask is BOOL from version 10
 * (type constraint T1 = tensor(bool); T2 from 12); in versions 1, 6 and 7 (opsets 1-9) it is of type
 * T, the input's type (ONNX Changelog, Dropout-7 and Dropout-10).
 */
const dropout: ShapeRule = (ctx) => {
  const x = ctx.need(0);
  const mask: TensorInfo = { dtype: ctx.version >= 10 ? DataType.BOOL : x.dtype, shape: x.shape.slice() };
  return [withValue({ dtype: x.dtype, shape: x.shape.slice() }, x.value), mask];
};

/**
 * BatchNormalization: Y like X. The training outputs have the shape of the `mean` input ([C], or
 * [C, D1, ...] with BatchNormalization-7's spatial=0): before version 14, mean, var, saved_mean and
 * saved_var of type T (X's type); from 14, running_mean and running_var of the type of input_mean and
 * input_var (type constraint U in 14, T2 in 15).
 */
const batchNorm: ShapeRule = (ctx) => {
  const x = ctx.need(0);
  const stat = (k: number): TensorInfo => {
    const m = ctx.input(k);
    return { dtype: ctx.version >= 14 && m ? m.dtype : x.dtype, shape: m ? m.shape.slice() : [x.shape[1] ?? 1] };
  };
  return [{ dtype: x.dtype, shape: x.shape.slice() }, stat(3), stat(4), stat(3), stat(4)];
};

/**
 * LayerNormalization: Y like X; Mean and InvStdDev keep the dims before `axis`, 1 after, and are of
 * the type `stash_type` names (default 1, FLOAT; type constraint U).
 */
const layerNorm: ShapeRule = (ctx) => {
  const x = ctx.need(0);
  const r = x.shape.length;
  const a = axis(attrInt(ctx, 'axis', -1), r);
  const stat: TensorInfo = { dtype: attrInt(ctx, 'stash_type', DataType.FLOAT), shape: x.shape.map((d, k) => (k < a ? d : 1)) };
  return [{ dtype: x.dtype, shape: x.shape.slice() }, stat, stat];
};

export const ELEMENTWISE_RULES: Record<string, ShapeRule> = {
  ...Object.fromEntries(Object.entries(UNARY).map(([op, fn]) => [op, unary(op, fn)])),
  ...Object.fromEntries(Object.keys(BINARY).map((op) => [op, binary(op)])),
  Where: where,
  Cast: cast,
  CastLike: castLike,
  Dropout: dropout,
  BatchNormalization: batchNorm,
  LayerNormalization: layerNorm,
};
