/** Shape rules of operators that cut, join, pick or repeat elements: Concat, Split, Slice, Gather, Pad, Expand, Tile. */
import { FOLD_LIMIT } from '../decode.js';
import { attrInt, attrInts, axis, broadcast, constValue, elements, fail, fold, presentInputs, show, size, strides, withValue, type ShapeRule, type TensorInfo } from './context.js';
import { plural } from '../../../format/plural.js';

const concat: ShapeRule = (ctx) => {
  const xs = presentInputs(ctx);
  if (xs.length === 0) fail('no inputs');
  const first = xs[0]!;
  const r = first.shape.length;
  const a = axis(attrInt(ctx, 'axis') ?? (ctx.version < 4 ? 1 : fail('attribute "axis" is missing')), r);
  const shape = first.shape.slice();
  shape[a] = 0;
  for (const x of xs) {
    if (x.shape.length !== r || x.shape.some((d, k) => k !== a && d !== first.shape[k])) {
      fail(`inputs ${xs.map((t) => show(t.shape)).join(', ')} differ outside axis ${a}`);
    }
    shape[a] += x.shape[a]!;
  }
  let value: number[] | undefined;
  if (elements(shape) <= FOLD_LIMIT && xs.every((x) => x.value !== undefined)) {
    const outer = elements(first.shape.slice(0, a));
    value = [];
    for (let o = 0; o < outer; o++) {
      for (const x of xs) {
        const chunk = elements(x.shape.slice(a));
        value.push(...x.value!.slice(o * chunk, (o + 1) * chunk));
      }
    }
  }
  return [withValue({ dtype: first.dtype, shape }, value)];
};

const split: ShapeRule = (ctx) => {
  const x = ctx.need(0);
  const a = axis(attrInt(ctx, 'axis', 0), x.shape.length);
  const n = ctx.node.outputs.length;
  const dim = x.shape[a]!;
  // The sizes: an input from version 13 (and in Split-1, either), the attribute in versions 1-11.
  const fromInput = ctx.version >= 13 || (ctx.version === 1 && ctx.input(1) !== undefined);
  let parts: number[] | undefined = fromInput ? (ctx.input(1) ? constValue(ctx, 1, 'split') : undefined) : attrInts(ctx, 'split');
  if (parts === undefined || parts.length === 0) {
    const count = ctx.version >= 18 ? attrInt(ctx, 'num_outputs', n) : n;
    if (count !== n) fail(`num_outputs ${count} does not match the node's ${plural(n, 'output')}`);
    // Equal parts; from version 18 the last may be smaller.
    if (ctx.version < 18 && dim % count !== 0) fail(`axis ${a} of ${show(x.shape)} does not split into ${count} equal parts`);
    const chunk = Math.ceil(dim / count);
    parts = Array.from({ length: count }, (_, k) => Math.max(0, Math.min(chunk, dim - k * chunk)));
  }
  if (parts.length !== n) fail(`split ${show(parts)} does not give one size per output (${n})`);
  if (parts.reduce((s, p) => s + p, 0) !== dim) fail(`split ${show(parts)} does not add up to axis ${a} of ${show(x.shape)}`);
  return parts.map((p) => ({ dtype: x.dtype, shape: x.shape.map((d, k) => (k === a ? p : d)) }));
};

/** Slice: per sliced axis, the start, the end and the step, clamped as ONNX says. */
const slice: ShapeRule = (ctx) => {
  const x = ctx.need(0);
  const r = x.shape.length;
  let starts: number[], ends: number[], axes: number[] | undefined, steps: number[] | undefined;
  if (ctx.version < 10) {
    starts = attrInts(ctx, 'starts') ?? fail('attribute "starts" is missing');
    ends = attrInts(ctx, 'ends') ?? fail('attribute "ends" is missing');
    axes = attrInts(ctx, 'axes');
  } else {
    starts = constValue(ctx, 1, 'starts');
    ends = constValue(ctx, 2, 'ends');
    axes = ctx.input(3) ? constValue(ctx, 3, 'axes') : undefined;
    steps = ctx.input(4) ? constValue(ctx, 4, 'steps') : undefined;
  }
  const ax = (axes ?? starts.map((_, k) => k)).map((v) => axis(v, r));
  if (ends.length !== starts.length || ax.length !== starts.length || (steps && steps.length !== starts.length)) {
    fail(`starts ${show(starts)}, ends ${show(ends)}, axes and steps differ in length`);
  }
  const first = x.shape.map(() => 0);
  const step = x.shape.map(() => 1);
  const shape = x.shape.slice();
  ax.forEach((a, k) => {
    const d = x.shape[a]!;
    const st = steps?.[k] ?? 1;
    if (st === 0) fail('a step is 0');
    let s = starts[k]!;
    let e = ends[k]!;
    if (s < 0) s += d;
    if (e < 0) e += d;
    if (st > 0) {
      s = Math.max(0, Math.min(d, s));
      e = Math.max(0, Math.min(d, e));
      shape[a] = Math.max(0, Math.ceil((e - s) / st));
    } else {
      s = Math.max(0, Math.min(d - 1, s));
      e = Math.max(-1, Math.min(d - 1, e));
      shape[a] = Math.max(0, Math.ceil((s - e) / -st));
    }
    first[a] = s;
    step[a] = st;
  });
  const str = strides(x.shape);
  const value = fold(shape, x.value, (c) => c.reduce((acc, v, k) => acc + (first[k]! + v * step[k]!) * str[k]!, 0));
  return [withValue({ dtype: x.dtype, shape }, value)];
};

const gather: ShapeRule = (ctx) => {
  const x = ctx.need(0);
  const idx = ctx.need(1);
  const r = x.shape.length;
  const a = axis(attrInt(ctx, 'axis', 0), r);
  const shape = [...x.shape.slice(0, a), ...idx.shape, ...x.shape.slice(a + 1)];
  let value: number[] | undefined;
  if (x.value && idx.value) {
    const str = strides(x.shape);
    const dim = x.shape[a]!;
    const q = idx.shape.length;
    const idxStr = strides(idx.shape);
    value = fold(shape, x.value, (c) => {
      let i = c.slice(a, a + q).reduce((acc, v, k) => acc + v * idxStr[k]!, 0);
      i = idx.value![i]!;
      if (i < 0) i += dim;
      let flat = i * str[a]!;
      for (let k = 0; k < a; k++) flat += c[k]! * str[k]!;
      for (let k = a + 1; k < r; k++) flat += c[k + q - 1]! * str[k]!;
      return flat;
    });
  }
  return [withValue({ dtype: x.dtype, shape }, value)];
};

const pad: ShapeRule = (ctx) => {
  const x = ctx.need(0);
  const r = x.shape.length;
  // The attribute `paddings` in Pad-1, `pads` in versions 2 to 10; an input from 11; `axes` (input 3) from 18.
  const pads =
    ctx.version >= 11
      ? constValue(ctx, 1, 'pads')
      : (attrInts(ctx, ctx.version < 2 ? 'paddings' : 'pads') ?? fail(`attribute "${ctx.version < 2 ? 'paddings' : 'pads'}" is missing`));
  const axes = ctx.version >= 18 && ctx.input(3) ? constValue(ctx, 3, 'axes').map((v) => axis(v, r)) : x.shape.map((_, k) => k);
  if (pads.length !== 2 * axes.length) fail(`pads ${show(pads)} should have ${2 * axes.length} values`);
  const shape = x.shape.slice();
  axes.forEach((a, k) => {
    shape[a] = size(shape[a]! + pads[k]! + pads[k + axes.length]!, `axis ${a} after padding`);
  });
  return [{ dtype: x.dtype, shape }];
};

const expand: ShapeRule = (ctx) => {
  const x = ctx.need(0);
  const shape = broadcast([x.shape, constValue(ctx, 1, 'shape')]);
  return [{ dtype: x.dtype, shape }];
};

/** Tile: `repeats` per axis; Tile-1 takes `tiles` and `axis` inputs instead (one axis repeated). */
const tile: ShapeRule = (ctx) => {
  const x = ctx.need(0);
  if (ctx.version < 6) {
    const tiles = constValue(ctx, 1, 'tiles')[0]!;
    const a = axis(constValue(ctx, 2, 'axis')[0]!, x.shape.length);
    return [{ dtype: x.dtype, shape: x.shape.map((d, k) => (k === a ? size(d * tiles, `axis ${k}`) : d)) }];
  }
  const repeats = constValue(ctx, 1, 'repeats');
  if (repeats.length !== x.shape.length) fail(`repeats ${show(repeats)} do not match ${show(x.shape)}`);
  return [{ dtype: x.dtype, shape: x.shape.map((d, k) => size(d * repeats[k]!, `axis ${k}`)) }];
};

export const SLICING_RULES: Record<string, ShapeRule> = {
  Concat: concat,
  Split: split,
  Slice: slice,
  Gather: gather,
  Pad: pad,
  Expand: expand,
  Tile: tile,
};
