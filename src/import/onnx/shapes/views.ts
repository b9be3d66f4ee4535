/** Shape rules of operators that give the same elements another shape: Reshape, Flatten, Squeeze, Unsqueeze, Transpose. */
import { attrInt, attrInts, axis, constValue, elements, fail, fold, show, strides, withValue, type OpContext, type ShapeRule, type TensorInfo } from './context.js';

const same = (x: TensorInfo, shape: number[]): TensorInfo => withValue({ dtype: x.dtype, shape }, x.value);

const reshape: ShapeRule = (ctx) => {
  const x = ctx.need(0);
  const target = ctx.version < 5 ? (attrInts(ctx, 'shape') ?? fail('attribute "shape" is missing')) : constValue(ctx, 1, 'shape');
  // `allowzero` exists from Reshape-14 on (ONNX Operators.md); before it, a 0 always copies the input's dimension.
  const allowZero = ctx.version >= 14 && attrInt(ctx, 'allowzero', 0) === 1;
  let unknown = -1;
  const shape = target.map((d, k) => {
    if (d === 0 && !allowZero) {
      if (k >= x.shape.length) fail(`shape ${show(target)}: 0 at axis ${k} copies a dimension the input ${show(x.shape)} lacks`);
      return x.shape[k]!;
    }
    if (d === -1) {
      if (unknown >= 0) fail(`shape ${show(target)} has more than one -1`);
      unknown = k;
      return 1;
    }
    if (!Number.isSafeInteger(d) || d < 0) fail(`shape ${show(target)} has the invalid dimension ${d}`);
    return d;
  });
  const total = elements(x.shape);
  const known = elements(shape);
  if (unknown >= 0) {
    if (known === 0 || total % known !== 0) fail(`cannot reshape ${show(x.shape)} (${total} elements) to ${show(target)}`);
    shape[unknown] = total / known;
  } else if (known !== total) fail(`cannot reshape ${show(x.shape)} (${total} elements) to ${show(shape)} (${known} elements)`);
  return [same(x, shape)];
};

const flatten: ShapeRule = (ctx) => {
  const x = ctx.need(0);
  const r = x.shape.length;
  let a = attrInt(ctx, 'axis', 1);
  if (a < -r || a > r) fail(`axis ${a} is out of range for rank ${r}`);
  if (a < 0) a += r;
  return [same(x, [elements(x.shape.slice(0, a)), elements(x.shape.slice(a))])];
};

/** Squeeze / Unsqueeze axes: the attribute before version 13, the second input from 13 on. */
function axesOf(ctx: OpContext): number[] | undefined {
  if (ctx.version >= 13) return ctx.input(1) ? constValue(ctx, 1, 'axes') : undefined;
  return attrInts(ctx, 'axes');
}

const squeeze: ShapeRule = (ctx) => {
  const x = ctx.need(0);
  const r = x.shape.length;
  const given = axesOf(ctx);
  const axes = given ? given.map((a) => axis(a, r)) : x.shape.flatMap((d, k) => (d === 1 ? [k] : []));
  for (const a of axes) if (x.shape[a] !== 1) fail(`cannot squeeze axis ${a} of ${show(x.shape)}: its size is not 1`);
  return [same(x, x.shape.filter((_, k) => !axes.includes(k)))];
};

const unsqueeze: ShapeRule = (ctx) => {
  const x = ctx.need(0);
  const given = axesOf(ctx) ?? fail('axes are missing');
  const rank = x.shape.length + given.length;
  const axes = given.map((a) => axis(a, rank));
  if (new Set(axes).size !== axes.length) fail(`axes ${show(given)} repeat an axis`);
  const rest = x.shape.slice();
  const shape = Array.from({ length: rank }, (_, k) => (axes.includes(k) ? 1 : rest.shift()!));
  return [same(x, shape)];
};

const transpose: ShapeRule = (ctx) => {
  const x = ctx.need(0);
  const r = x.shape.length;
  const perm = attrInts(ctx, 'perm') ?? x.shape.map((_, k) => r - 1 - k);
  if (perm.length !== r || [...perm].sort((a, b) => a - b).some((p, k) => p !== k)) fail(`perm ${show(perm)} is not a permutation of ${r} axes`);
  const shape = perm.map((p) => x.shape[p]!);
  const st = strides(x.shape);
  const value = fold(shape, x.value, (c) => c.reduce((acc, v, k) => acc + v * st[perm[k]!]!, 0));
  return [withValue({ dtype: x.dtype, shape }, value)];
};

export const VIEW_RULES: Record<string, ShapeRule> = {
  Reshape: reshape,
  Flatten: flatten,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Transpose: transpose,
};
