/** What an operator's shape rule sees, and the helpers the rules share. */
import { FOLD_LIMIT } from '../decode.js';
import type { OnnxAttribute, OnnxGraph, OnnxNode } from '../types.js';

/** A tensor as inference knows it: element type, static shape, and its values when known and small. */
export interface TensorInfo {
  /** TensorProto.DataType code. */
  dtype: number;
  shape: number[];
  /** The elements in row-major order, when known at import time (constants, folded shapes). */
  value?: number[];
}

/**
 * A shape rule's complaint; the driver adds the node's name, op_type and index. `runtime` marks a
 * shape that depends on values known only at run time (not a mismatch of the given shapes).
 */
export class ShapeError extends Error {
  override name = 'ShapeError';
  runtime = false;
}

/** The view a shape rule gets of its node. */
export interface OpContext {
  node: OnnxNode;
  /** Opset version of the node's domain that the model imports. */
  opset: number;
  /**
   * The since_version of the operator's schema in that opset (versions.ts): what the rules key
   * version-dependent behaviour on (an attribute that became an input, an output's type).
   */
  version: number;
  /** Input k, or undefined when it is omitted ('' or past the end). */
  input(k: number): TensorInfo | undefined;
  /** Input k; a ShapeError when it is omitted. */
  need(k: number): TensorInfo;
  /** Infers a subgraph (If branch) whose outer scope is the node's scope; returns its outputs. */
  subgraph(attribute: string, graph: OnnxGraph): TensorInfo[];
  /** Records a fact about the node for the report (the driver adds the node's label). */
  note(text: string): void;
}

/** The output infos of a rule, one per node output (undefined for omitted outputs or unknown). */
export type ShapeRule = (ctx: OpContext) => (TensorInfo | undefined)[];

export const fail = (message: string): never => {
  throw new ShapeError(message);
};

export const elements = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export const show = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** The inputs a node gives, in order, leaving out the optional ones it omits (""). */
export function presentInputs(ctx: OpContext): TensorInfo[] {
  const xs: TensorInfo[] = [];
  for (let k = 0; k < ctx.node.inputs.length; k++) {
    const t = ctx.input(k);
    if (t) xs.push(t);
  }
  return xs;
}

/** Keeps a folded value only when it is small enough to be worth carrying. */
export function withValue(info: TensorInfo, value: number[] | undefined): TensorInfo {
  if (value !== undefined && value.length === elements(info.shape) && value.length <= FOLD_LIMIT) return { ...info, value };
  return info;
}

function attr(ctx: OpContext, name: string): OnnxAttribute | undefined {
  return ctx.node.attributes.get(name);
}

export function attrInt(ctx: OpContext, name: string, def: number): number;
export function attrInt(ctx: OpContext, name: string): number | undefined;
export function attrInt(ctx: OpContext, name: string, def?: number): number | undefined {
  return attr(ctx, name)?.i ?? def;
}

export function attrInts(ctx: OpContext, name: string): number[] | undefined {
  return attr(ctx, name)?.ints;
}

export function attrFloats(ctx: OpContext, name: string): number[] | undefined {
  return attr(ctx, name)?.floats;
}

export function attrString(ctx: OpContext, name: string, def: string): string {
  return attr(ctx, name)?.s ?? def;
}

export function attrTensorInfo(ctx: OpContext, name: string): TensorInfo | undefined {
  const t = attr(ctx, name)?.t;
  if (!t) return undefined;
  return withValue({ dtype: t.dataType, shape: t.dims.slice() }, t.values);
}

/** The values of input k, which must be known (a constant or folded); `what` says what it holds. */
export function constValue(ctx: OpContext, k: number, what: string): number[] {
  const t = ctx.need(k);
  if (t.value === undefined) {
    const e = new ShapeError(`input ${k} (${what}) is computed at run time, so the output shape is not static`);
    e.runtime = true;
    throw e;
  }
  return t.value;
}

/** An axis in [-rank, rank) made non-negative; a ShapeError otherwise. */
export function axis(a: number, rank: number, what = 'axis'): number {
  if (!Number.isInteger(a) || a < -rank || a >= rank) fail(`${what} ${a} is out of range for rank ${rank}`);
  return a < 0 ? a + rank : a;
}

/** numpy broadcasting of several shapes. */
export function broadcast(shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let k = 0; k < rank; k++) {
    let d = 1;
    for (const s of shapes) {
      const v = s[s.length - rank + k] ?? 1;
      if (v === 1) continue;
      if (d !== 1 && d !== v) fail(`shapes ${shapes.map(show).join(' and ')} do not broadcast`);
      d = v;
    }
    out.push(d);
  }
  return out;
}

/** The element of `value` (with `shape`) that broadcasting maps to output index `flat` of `out`. */
export function broadcastIndex(flat: number, out: readonly number[], shape: readonly number[]): number {
  let idx = 0;
  let stride = 1;
  let rest = flat;
  for (let k = out.length - 1; k >= 0; k--) {
    const o = out[k]!;
    const coord = rest % o;
    rest = Math.floor(rest / o);
    const j = k - (out.length - shape.length);
    if (j >= 0) {
      const d = shape[j]!;
      if (d !== 1) idx += coord * stride;
      stride *= d;
    }
  }
  return idx;
}

/** Checks that a computed dimension is a size (a non-negative safe integer). */
export function size(d: number, what: string): number {
  if (!Number.isSafeInteger(d) || d < 0) fail(`${what} comes out as ${d}, not a size`);
  return d;
}

/** Row-major strides of a shape. */
export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let k = shape.length - 2; k >= 0; k--) s[k] = s[k + 1]! * shape[k + 1]!;
  return s;
}

/** A folded value: for every output coordinate, the input element `from` names (row-major). */
export function fold(out: readonly number[], value: readonly number[] | undefined, from: (coord: number[]) => number): number[] | undefined {
  const n = elements(out);
  if (value === undefined || n > FOLD_LIMIT) return undefined;
  const coord = new Array<number>(out.length).fill(0);
  const result: number[] = [];
  for (let i = 0; i < n; i++) {
    result.push(value[from(coord)]!);
    for (let k = out.length - 1; k >= 0; k--) {
      if (++coord[k]! < out[k]!) break;
      coord[k] = 0;
    }
  }
  return result;
}
