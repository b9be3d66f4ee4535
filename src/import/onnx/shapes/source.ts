/** Shape rules of operators that make tensors from attributes or from shapes: Constant, Shape, Range... */
import { FOLD_LIMIT } from '../decode.js';
import { DataType } from '../types.js';
import { attrInt, attrInts, attrTensorInfo, constValue, elements, fail, show, size, withValue, type ShapeRule, type TensorInfo } from './context.js';

const constant: ShapeRule = (ctx) => {
  const a = ctx.node.attributes;
  const t = attrTensorInfo(ctx, 'value');
  if (t) return [t];
  const f = a.get('value_float')?.f;
  if (f !== undefined) return [{ dtype: DataType.FLOAT, shape: [], value: [f] }];
  const fs = a.get('value_floats')?.floats;
  if (fs) return [withValue({ dtype: DataType.FLOAT, shape: [fs.length] }, fs)];
  const i = a.get('value_int')?.i;
  if (i !== undefined) return [{ dtype: DataType.INT64, shape: [], value: [i] }];
  const is = a.get('value_ints')?.ints;
  if (is) return [withValue({ dtype: DataType.INT64, shape: [is.length] }, is)];
  return fail('no value attribute this importer reads (value, value_float(s), value_int(s))');
};

const constantOfShape: ShapeRule = (ctx) => {
  const dims = constValue(ctx, 0, 'shape');
  const shape = dims.map((d, k) => size(d, `dimension ${k}`));
  const fill = attrTensorInfo(ctx, 'value') ?? { dtype: DataType.FLOAT, shape: [1], value: [0] };
  const v = fill.value?.[0];
  const n = elements(shape);
  const out: TensorInfo = { dtype: fill.dtype, shape };
  return [v !== undefined && n <= FOLD_LIMIT ? withValue(out, new Array<number>(n).fill(v)) : out];
};

/** Shape (with `start`/`end` from version 15): always known, since every shape here is static. */
const shapeOf: ShapeRule = (ctx) => {
  const x = ctx.need(0);
  const r = x.shape.length;
  const clip = (v: number): number => Math.max(0, Math.min(r, v < 0 ? v + r : v));
  const ranged = ctx.version >= 15;
  const start = clip(ranged ? attrInt(ctx, 'start', 0) : 0);
  const end = clip(ranged ? attrInt(ctx, 'end', r) : r);
  const value = x.shape.slice(start, Math.max(start, end));
  return [{ dtype: DataType.INT64, shape: [value.length], value }];
};

const sizeOf: ShapeRule = (ctx) => [{ dtype: DataType.INT64, shape: [], value: [elements(ctx.need(0).shape)] }];

const range: ShapeRule = (ctx) => {
  const [start, limit, delta] = [0, 1, 2].map((k) => constValue(ctx, k, ['start', 'limit', 'delta'][k]!)[0]!) as [number, number, number];
  if (delta === 0) fail('delta is 0');
  const n = size(Math.max(Math.ceil((limit - start) / delta), 0), 'the number of elements');
  const value = n <= FOLD_LIMIT ? Array.from({ length: n }, (_, k) => start + k * delta) : undefined;
  return [withValue({ dtype: ctx.need(0).dtype, shape: [n] }, value)];
};

/** RandomNormal / RandomUniform: shape and dtype from attributes (weight placeholders in test models). */
const random: ShapeRule = (ctx) => {
  const shape = attrInts(ctx, 'shape') ?? fail('attribute "shape" is missing');
  return [{ dtype: attrInt(ctx, 'dtype', DataType.FLOAT), shape: shape.map((d, k) => size(d, `dimension ${k}`)) }];
};

const randomLike: ShapeRule = (ctx) => {
  const x = ctx.need(0);
  return [{ dtype: attrInt(ctx, 'dtype', x.dtype), shape: x.shape.slice() }];
};

const eyeLike: ShapeRule = (ctx) => {
  const x = ctx.need(0);
  if (x.shape.length !== 2) fail(`input ${show(x.shape)} is not 2-D`);
  return [{ dtype: attrInt(ctx, 'dtype', x.dtype), shape: x.shape.slice() }];
};

export const SOURCE_RULES: Record<string, ShapeRule> = {
  Constant: constant,
  ConstantOfShape: constantOfShape,
  Shape: shapeOf,
  Size: sizeOf,
  Range: range,
  RandomNormal: random,
  RandomUniform: random,
  RandomNormalLike: randomLike,
  RandomUniformLike: randomLike,
  EyeLike: eyeLike,
};
