/** Shape rules of matrix products, reductions and recurrent layers. */
import { DataType } from '../types.js';
import { attrInt, attrInts, axis, broadcast, constValue, fail, show, type OpContext, type ShapeRule, type TensorInfo } from './context.js';

const gemm: ShapeRule = (ctx) => {
  const a = ctx.need(0);
  const b = ctx.need(1);
  if (a.shape.length !== 2 || b.shape.length !== 2) fail(`Gemm needs 2-D inputs, got ${show(a.shape)} and ${show(b.shape)}`);
  const [m, ka] = attrInt(ctx, 'transA', 0) ? [a.shape[1]!, a.shape[0]!] : [a.shape[0]!, a.shape[1]!];
  const [kb, n] = attrInt(ctx, 'transB', 0) ? [b.shape[1]!, b.shape[0]!] : [b.shape[0]!, b.shape[1]!];
  if (ka !== kb) fail(`inner dimensions differ: ${show(a.shape)} x ${show(b.shape)} (transA/transB applied)`);
  return [{ dtype: a.dtype, shape: [m, n] }];
};

const matmul: ShapeRule = (ctx) => {
  const a = ctx.need(0);
  const b = ctx.need(1);
  if (a.shape.length === 0 || b.shape.length === 0) fail('MatMul of a scalar');
  const sa = a.shape.length === 1 ? [1, a.shape[0]!] : a.shape;
  const sb = b.shape.length === 1 ? [b.shape[0]!, 1] : b.shape;
  if (sa[sa.length - 1] !== sb[sb.length - 2]) fail(`inner dimensions differ: ${show(a.shape)} x ${show(b.shape)}`);
  const batch = broadcast([sa.slice(0, -2), sb.slice(0, -2)]);
  const shape = [...batch];
  if (a.shape.length > 1) shape.push(sa[sa.length - 2]!);
  if (b.shape.length > 1) shape.push(sb[sb.length - 1]!);
  return [{ dtype: a.dtype, shape }];
};

/**
 * Reductions: axes from the attribute, or from the second input (ReduceSum from version 13, the rest
 * from 18, which also bring `noop_with_empty_axes`).
 */
function reduce(op: string): ShapeRule {
  const inputFrom = op === 'ReduceSum' ? 13 : 18;
  return (ctx) => {
    const x = ctx.need(0);
    const r = x.shape.length;
    const given = ctx.version >= inputFrom ? (ctx.input(1) ? constValue(ctx, 1, 'axes') : undefined) : attrInts(ctx, 'axes');
    const keep = attrInt(ctx, 'keepdims', 1) === 1;
    let axes: number[];
    if (given && given.length > 0) axes = given.map((a) => axis(a, r));
    else if (ctx.version >= inputFrom && attrInt(ctx, 'noop_with_empty_axes', 0) === 1) return [{ dtype: x.dtype, shape: x.shape.slice() }];
    else axes = x.shape.map((_, k) => k);
    const shape = keep ? x.shape.map((d, k) => (axes.includes(k) ? 1 : d)) : x.shape.filter((_, k) => !axes.includes(k));
    return [{ dtype: x.dtype, shape }];
  };
}

const argReduce: ShapeRule = (ctx) => {
  const x = ctx.need(0);
  const a = axis(attrInt(ctx, 'axis', 0), x.shape.length);
  const shape = attrInt(ctx, 'keepdims', 1) === 1 ? x.shape.map((d, k) => (k === a ? 1 : d)) : x.shape.filter((_, k) => k !== a);
  return [{ dtype: DataType.INT64, shape }];
};

const topK: ShapeRule = (ctx) => {
  const x = ctx.need(0);
  const a = axis(attrInt(ctx, 'axis', -1), x.shape.length);
  const k = ctx.version < 10 ? (attrInt(ctx, 'k') ?? fail('attribute "k" is missing')) : constValue(ctx, 1, 'K')[0]!;
  if (!Number.isSafeInteger(k) || k < 0 || k > x.shape[a]!) fail(`K = ${k} is not within axis ${a} of ${show(x.shape)}`);
  const shape = x.shape.map((d, j) => (j === a ? k : d));
  return [{ dtype: x.dtype, shape }, { dtype: DataType.INT64, shape }];
};

/** LSTM (4 gates), GRU (3), RNN (1): Y, Y_h (and LSTM's Y_c), with `layout` (from version 14) 0 (sequence first) or 1. */
function recurrent(gates: number): ShapeRule {
  return (ctx: OpContext) => {
    const x = ctx.need(0);
    const w = ctx.need(1);
    if (x.shape.length !== 3 || w.shape.length !== 3) fail(`X ${show(x.shape)} and W ${show(w.shape)} should be 3-D`);
    const hidden = attrInt(ctx, 'hidden_size') ?? w.shape[1]! / gates;
    if (!Number.isSafeInteger(hidden) || hidden <= 0) fail(`hidden size ${hidden} (W ${show(w.shape)} for ${gates} gates) is not a whole number`);
    const dirs = w.shape[0]!;
    const layout = ctx.version >= 14 ? attrInt(ctx, 'layout', 0) : 0;
    const [seq, batch] = layout === 0 ? [x.shape[0]!, x.shape[1]!] : [x.shape[1]!, x.shape[0]!];
    const y: TensorInfo = { dtype: x.dtype, shape: layout === 0 ? [seq, dirs, batch, hidden] : [batch, seq, dirs, hidden] };
    const state: TensorInfo = { dtype: x.dtype, shape: layout === 0 ? [dirs, batch, hidden] : [batch, dirs, hidden] };
    return [y, state, state];
  };
}

const REDUCE_OPS = [
  'ReduceMean',
  'ReduceMax',
  'ReduceMin',
  'ReduceSum',
  'ReduceProd',
  'ReduceL1',
  'ReduceL2',
  'ReduceLogSum',
  'ReduceLogSumExp',
  'ReduceSumSquare',
];

export const LINALG_RULES: Record<string, ShapeRule> = {
  Gemm: gemm,
  MatMul: matmul,
  ...Object.fromEntries(REDUCE_OPS.map((op) => [op, reduce(op)])),
  ArgMax: argReduce,
  ArgMin: argReduce,
  TopK: topK,
  LSTM: recurrent(4),
  GRU: recurrent(3),
  RNN: recurrent(1),
};
