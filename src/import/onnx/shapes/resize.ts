/** Shape rules of operators that change spatial sizes: Resize, Upsample, DepthToSpace, SpaceToDepth. */
import { attrInt, attrInts, axis, constValue, fail, show, size, type ShapeRule, type TensorInfo } from './context.js';

const depthToSpace: ShapeRule = (ctx) => {
  const x = ctx.need(0);
  const b = attrInt(ctx, 'blocksize') ?? fail('attribute "blocksize" is missing');
  const [n, c, h, w] = x.shape;
  if (x.shape.length !== 4 || c! % (b * b) !== 0) fail(`input ${show(x.shape)} cannot be rearranged with blocksize ${b}`);
  return [{ dtype: x.dtype, shape: [n!, c! / (b * b), h! * b, w! * b] }];
};

const spaceToDepth: ShapeRule = (ctx) => {
  const x = ctx.need(0);
  const b = attrInt(ctx, 'blocksize') ?? fail('attribute "blocksize" is missing');
  const [n, c, h, w] = x.shape;
  if (x.shape.length !== 4 || h! % b !== 0 || w! % b !== 0) fail(`input ${show(x.shape)} cannot be rearranged with blocksize ${b}`);
  return [{ dtype: x.dtype, shape: [n!, c! * b * b, h! / b, w! / b] }];
};

/** Output sizes from scales: floor(d * scale), as the Resize and Upsample specifications say. */
function scaled(x: TensorInfo, scales: number[], axes: number[]): number[] {
  if (scales.length !== axes.length) fail(`scales ${show(scales)} do not match the axes of ${show(x.shape)}`);
  const shape = x.shape.slice();
  axes.forEach((a, k) => {
    shape[a] = size(Math.floor(x.shape[a]! * scales[k]!), `axis ${a} after scaling`);
  });
  return shape;
}

const resize: ShapeRule = (ctx) => {
  const x = ctx.need(0);
  const r = x.shape.length;
  // `axes` and `keep_aspect_ratio_policy` from version 18; version 10 takes scales as input 1 (no roi).
  const axes = ((ctx.version >= 18 ? attrInts(ctx, 'axes') : undefined) ?? x.shape.map((_, k) => k)).map((a) => axis(a, r));
  if (ctx.version < 11) return [{ dtype: x.dtype, shape: scaled(x, constValue(ctx, 1, 'scales'), axes) }];
  const scales = ctx.input(2) ? constValue(ctx, 2, 'scales') : [];
  if (scales.length > 0) return [{ dtype: x.dtype, shape: scaled(x, scales, axes) }];
  const sizes = ctx.input(3) ? constValue(ctx, 3, 'sizes') : fail('neither scales nor sizes is given');
  if (sizes.length !== axes.length) fail(`sizes ${show(sizes)} do not match the axes of ${show(x.shape)}`);
  const policy = (ctx.version >= 18 ? ctx.node.attributes.get('keep_aspect_ratio_policy')?.s : undefined) ?? 'stretch';
  const shape = x.shape.slice();
  if (policy === 'stretch') axes.forEach((a, k) => (shape[a] = size(sizes[k]!, 'sizes')));
  else {
    const ratios = axes.map((a, k) => sizes[k]! / x.shape[a]!);
    const s = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
    axes.forEach((a) => (shape[a] = size(Math.round(s * x.shape[a]!), 'sizes')));
  }
  return [{ dtype: x.dtype, shape }];
};

/** Upsample: scales from `height_scale`/`width_scale` (version 1, 4-D), the `scales` attribute (7), input 1 (9, 10). */
const upsample: ShapeRule = (ctx) => {
  const x = ctx.need(0);
  if (ctx.version < 7) {
    const a = ctx.node.attributes;
    const hs = a.get('height_scale')?.f ?? fail('attribute "height_scale" is missing');
    const ws = a.get('width_scale')?.f ?? fail('attribute "width_scale" is missing');
    if (x.shape.length !== 4) fail(`input ${show(x.shape)} is not 4-D`);
    return [{ dtype: x.dtype, shape: scaled(x, [hs, ws], [2, 3]) }];
  }
  const scales = ctx.version < 9 ? (ctx.node.attributes.get('scales')?.floats ?? fail('attribute "scales" is missing')) : constValue(ctx, 1, 'scales');
  return [{ dtype: x.dtype, shape: scaled(x, scales, x.shape.map((_, k) => k)) }];
};

export const RESIZE_RULES: Record<string, ShapeRule> = {
  DepthToSpace: depthToSpace,
  SpaceToDepth: spaceToDepth,
  Resize: resize,
  Upsample: upsample,
};
