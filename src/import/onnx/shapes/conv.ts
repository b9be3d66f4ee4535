/** Shape rules of convolutions and pooling (layout N, C, spatial...). */
import { DataType } from '../types.js';
import { attrInt, attrInts, attrString, fail, show, size, type OpContext, type ShapeRule, type TensorInfo } from './context.js';
import { plural } from '../../../format/plural.js';

interface Window {
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** begin pads then end pads, one per spatial axis each. */
  pads: number[];
  autoPad: string;
}

/** The version from which each pooling operator has `dilations` and `ceil_mode` (Conv has dilations in all). */
const POOL_OPTIONS_FROM: Readonly<Record<string, number>> = { MaxPool: 10, AveragePool: 19, LpPool: 18 };

function window(ctx: OpContext, x: TensorInfo, kernel: number[] | undefined): Window {
  const spatial = x.shape.length - 2;
  if (spatial < 1) fail(`input shape ${show(x.shape)} has no spatial axes`);
  const k = attrInts(ctx, 'kernel_shape') ?? kernel;
  if (!k || k.length !== spatial) fail(`kernel_shape ${k ? show(k) : 'missing'} does not match input ${show(x.shape)}`);
  const fill = (v: number[] | undefined, n: number, d: number, what: string): number[] => {
    if (v === undefined || v.length === 0) return new Array<number>(n).fill(d);
    if (v.length !== n) fail(`${what} ${show(v)} should have ${plural(n, 'value')}`);
    return v;
  };
  return {
    kernel: k!,
    strides: fill(attrInts(ctx, 'strides'), spatial, 1, 'strides'),
    dilations: fill(ctx.version >= (POOL_OPTIONS_FROM[ctx.node.opType] ?? 1) ? attrInts(ctx, 'dilations') : undefined, spatial, 1, 'dilations'),
    pads: fill(attrInts(ctx, 'pads'), 2 * spatial, 0, 'pads'),
    autoPad: attrString(ctx, 'auto_pad', 'NOTSET'),
  };
}

/** Output spatial sizes of a sliding window (Conv and the pools). */
function slide(x: TensorInfo, w: Window, ceilMode: boolean): number[] {
  const spatial = x.shape.length - 2;
  return Array.from({ length: spatial }, (_, a) => {
    const input = x.shape[a + 2]!;
    const s = w.strides[a]!;
    const extent = (w.kernel[a]! - 1) * w.dilations[a]! + 1;
    if (s < 1) fail(`stride ${s} is not positive`);
    let out: number;
    if (w.autoPad === 'SAME_UPPER' || w.autoPad === 'SAME_LOWER') out = Math.ceil(input / s);
    else if (w.autoPad === 'VALID') out = Math.floor((input - extent) / s) + 1;
    else {
      const begin = w.pads[a]!;
      const span = input + begin + w.pads[a + spatial]! - extent;
      out = (ceilMode ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
      // With ceil_mode the last window must start inside the input or its leading pad.
      if (ceilMode && (out - 1) * s >= input + begin) out -= 1;
    }
    return size(out, `spatial axis ${a + 2} of the output`);
  });
}

const conv: ShapeRule = (ctx) => {
  const x = ctx.need(0);
  const w = ctx.need(1);
  if (w.shape.length !== x.shape.length) fail(`weight shape ${show(w.shape)} does not match input ${show(x.shape)}`);
  const group = attrInt(ctx, 'group', 1);
  if (x.shape[1] !== w.shape[1]! * group) fail(`input ${show(x.shape)} has ${x.shape[1]} channels; weight ${show(w.shape)} with group ${group} needs ${w.shape[1]! * group}`);
  const out = slide(x, window(ctx, x, w.shape.slice(2)), false);
  return [{ dtype: x.dtype, shape: [x.shape[0]!, w.shape[0]!, ...out] }];
};

const convTranspose: ShapeRule = (ctx) => {
  const x = ctx.need(0);
  const w = ctx.need(1);
  if (w.shape.length !== x.shape.length) fail(`weight shape ${show(w.shape)} does not match input ${show(x.shape)}`);
  const spatial = x.shape.length - 2;
  const group = attrInt(ctx, 'group', 1);
  const win = window(ctx, x, w.shape.slice(2));
  const channels = w.shape[1]! * group;
  const given = attrInts(ctx, 'output_shape');
  if (given && given.length > 0) {
    const dims = given.length === spatial + 2 ? given.slice(2) : given;
    if (dims.length !== spatial) fail(`output_shape ${show(given)} does not match input ${show(x.shape)}`);
    return [{ dtype: x.dtype, shape: [x.shape[0]!, channels, ...dims.map((d) => size(d, 'output_shape'))] }];
  }
  const outPad = attrInts(ctx, 'output_padding') ?? [];
  const out = Array.from({ length: spatial }, (_, a) => {
    const input = x.shape[a + 2]!;
    const s = win.strides[a]!;
    if (win.autoPad === 'SAME_UPPER' || win.autoPad === 'SAME_LOWER') return size(input * s, `spatial axis ${a + 2}`);
    const extent = (win.kernel[a]! - 1) * win.dilations[a]! + 1;
    const pads = win.autoPad === 'VALID' ? 0 : win.pads[a]! + win.pads[a + spatial]!;
    return size(s * (input - 1) + (outPad[a] ?? 0) + extent - pads, `spatial axis ${a + 2} of the output`);
  });
  return [{ dtype: x.dtype, shape: [x.shape[0]!, channels, ...out] }];
};

/**
 * MaxPool, AveragePool, LpPool: channels kept; MaxPool's optional Indices output (from version 8) is
 * INT64. `ceil_mode` counts from MaxPool-10, AveragePool-10 and LpPool-18.
 */
const pool: ShapeRule = (ctx) => {
  const x = ctx.need(0);
  const ceilFrom = ctx.node.opType === 'LpPool' ? 18 : 10;
  const out = slide(x, window(ctx, x, undefined), ctx.version >= ceilFrom && attrInt(ctx, 'ceil_mode', 0) === 1);
  const shape = [x.shape[0]!, x.shape[1]!, ...out];
  return [{ dtype: x.dtype, shape }, { dtype: DataType.INT64, shape }];
};

const globalPool: ShapeRule = (ctx) => {
  const x = ctx.need(0);
  if (x.shape.length < 3) fail(`input shape ${show(x.shape)} has no spatial axes`);
  return [{ dtype: x.dtype, shape: x.shape.map((d, k) => (k < 2 ? d : 1)) }];
};

export const CONV_RULES: Record<string, ShapeRule> = {
  Conv: conv,
  ConvTranspose: convTranspose,
  MaxPool: pool,
  AveragePool: pool,
  LpPool: pool,
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  GlobalLpPool: globalPool,
};
