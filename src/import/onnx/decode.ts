/**
 * Decodes ONNX ModelProto bytes (protobufjs code generated from onnx.proto, npm `onnx-proto`) into
 * the plain data of types.ts. Only what the planner reads is kept.
 */
import onnxProto from 'onnx-proto';
import { InputError } from '../../problem/errors.js';
import { DataType, type DeclaredDim, type OnnxAttribute, type OnnxGraph, type OnnxModel, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from './types.js';

const { onnx } = onnxProto;

/** Tensors with at most this many elements keep their values (for shapes, axes, pads, scales...). */
export const FOLD_LIMIT = 4096;

/** A protobufjs 64-bit value: a number, or a Long-like {low, high} pair. */
type Int64Like = unknown;

/**
 * A 64-bit protobuf integer as a JS number. Exact within ±(2^53 - 1); values beyond come out
 * beyond that range (callers that need exact sizes reject them, `clampInt` clamps them).
 */
export function int64(v: Int64Like): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v !== null && typeof v === 'object' && 'low' in v && 'high' in v) {
    const { low, high, unsigned } = v as { low: number; high: number; unsigned?: boolean };
    const hi = unsigned ? high >>> 0 : high;
    return hi * 4294967296 + (low >>> 0);
  }
  return NaN;
}

/** Clamps to the safe integer range (INT64_MAX as a Slice end, say, becomes 2^53 - 1). */
export const clampInt = (v: number): number =>
  Math.max(-Number.MAX_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, v));

function half(bits: number): number {
  const s = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const m = bits & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

function rawValues(raw: Uint8Array, dataType: number, count: number): number[] | undefined {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const read: Partial<Record<number, [number, (o: number) => number]>> = {
    [DataType.FLOAT]: [4, (o) => view.getFloat32(o, true)],
    [DataType.DOUBLE]: [8, (o) => view.getFloat64(o, true)],
    [DataType.INT64]: [8, (o) => clampInt(Number(view.getBigInt64(o, true)))],
    [DataType.UINT64]: [8, (o) => clampInt(Number(view.getBigUint64(o, true)))],
    [DataType.INT32]: [4, (o) => view.getInt32(o, true)],
    [DataType.UINT32]: [4, (o) => view.getUint32(o, true)],
    [DataType.INT16]: [2, (o) => view.getInt16(o, true)],
    [DataType.UINT16]: [2, (o) => view.getUint16(o, true)],
    [DataType.INT8]: [1, (o) => view.getInt8(o)],
    [DataType.UINT8]: [1, (o) => view.getUint8(o)],
    [DataType.BOOL]: [1, (o) => (view.getUint8(o) ? 1 : 0)],
    [DataType.FLOAT16]: [2, (o) => half(view.getUint16(o, true))],
  };
  const r = read[dataType];
  if (r === undefined || raw.byteLength < r[0] * count) return undefined;
  return Array.from({ length: count }, (_, k) => r[1](k * r[0]));
}

function tensorValues(t: onnxProto.onnx.ITensorProto, dataType: number, count: number): number[] | undefined {
  if (count > FOLD_LIMIT || t.dataLocation === 1) return undefined;
  if (t.rawData && t.rawData.length > 0) return rawValues(t.rawData, dataType, count);
  let v: number[] | undefined;
  if (t.floatData && t.floatData.length > 0) v = t.floatData.slice();
  else if (t.int64Data && t.int64Data.length > 0) v = t.int64Data.map((x) => clampInt(int64(x)));
  else if (t.uint64Data && t.uint64Data.length > 0) v = t.uint64Data.map((x) => clampInt(int64(x)));
  else if (t.doubleData && t.doubleData.length > 0) v = t.doubleData.slice();
  else if (t.int32Data && t.int32Data.length > 0) {
    v = dataType === DataType.FLOAT16 ? t.int32Data.map(half) : t.int32Data.slice();
  } else if (count === 0) v = [];
  return v !== undefined && v.length === count ? v : undefined;
}

function dims(list: readonly Int64Like[] | null | undefined, where: string): number[] {
  return (list ?? []).map((d, k) => {
    const n = int64(d);
    if (!Number.isSafeInteger(n) || n < 0) throw new InputError(`${where}: dimension ${k} is ${String(n)}, not a size`);
    return n;
  });
}

function tensor(t: onnxProto.onnx.ITensorProto, where: string): OnnxTensor {
  const name = t.name ?? '';
  const d = dims(t.dims, `${where} tensor "${name}"`);
  const count = d.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(count)) throw new InputError(`${where} tensor "${name}": ${d.join('x')} elements is too many`);
  const dataType = t.dataType ?? 0;
  const out: OnnxTensor = { name, dataType, dims: d };
  const values = tensorValues(t, dataType, count);
  if (values !== undefined) out.values = values;
  return out;
}

function valueInfo(v: onnxProto.onnx.IValueInfoProto): OnnxValueInfo {
  const out: OnnxValueInfo = { name: v.name ?? '' };
  const tt = v.type?.tensorType;
  if (tt) {
    if (tt.elemType) out.elemType = tt.elemType;
    if (tt.shape) {
      out.shape = (tt.shape.dim ?? []).map((d): DeclaredDim => {
        if (d.dimParam) return d.dimParam;
        // protobufjs keeps defaults on the prototype: an own dim_value is one that the file sets.
        // Some exporters write -1 for a dynamic dimension: that is an unknown one.
        if (!Object.prototype.hasOwnProperty.call(d, 'dimValue')) return undefined;
        const n = int64(d.dimValue);
        return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
      });
    }
  }
  return out;
}

/** Attribute type codes (AttributeProto.AttributeType). */
export const AttrType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10 } as const;

function attribute(a: onnxProto.onnx.IAttributeProto, where: string, depth: number): OnnxAttribute {
  const name = a.name ?? '';
  const at = `${where} attribute "${name}"`;
  let type = a.type ?? 0;
  if (type === 0) {
    // Files from before IR version 0.0.2 leave the type unset: take it from the field that is set.
    if (a.g) type = AttrType.GRAPH;
    else if (a.t) type = AttrType.TENSOR;
    else if (a.graphs && a.graphs.length > 0) type = AttrType.GRAPHS;
    else if (a.ints && a.ints.length > 0) type = AttrType.INTS;
    else if (a.floats && a.floats.length > 0) type = AttrType.FLOATS;
    else if (a.strings && a.strings.length > 0) type = AttrType.STRINGS;
    else if (a.s && a.s.length > 0) type = AttrType.STRING;
    else if (a.f) type = AttrType.FLOAT;
    else type = AttrType.INT;
  }
  const out: OnnxAttribute = { name, type };
  switch (type) {
    case AttrType.INT:
      out.i = clampInt(int64(a.i ?? 0));
      break;
    case AttrType.FLOAT:
      out.f = a.f ?? 0;
      break;
    case AttrType.STRING:
      out.s = new TextDecoder().decode(a.s ?? new Uint8Array());
      break;
    case AttrType.INTS:
      out.ints = (a.ints ?? []).map((x) => clampInt(int64(x)));
      break;
    case AttrType.FLOATS:
      out.floats = (a.floats ?? []).slice();
      break;
    case AttrType.TENSOR:
      if (a.t) out.t = tensor(a.t, at);
      break;
    case AttrType.GRAPH:
      if (a.g) out.g = graph(a.g, `${at}: `, depth + 1);
      break;
    case AttrType.GRAPHS:
      out.graphs = (a.graphs ?? []).map((g) => graph(g, `${at}: `, depth + 1));
      break;
    default:
      break;
  }
  return out;
}

function node(n: onnxProto.onnx.INodeProto, index: number, where: string, depth: number): OnnxNode {
  const name = n.name ?? '';
  const opType = n.opType ?? '';
  const label = `${where}node ${name ? `"${name}" ` : ''}(${opType || 'no op_type'}, #${index})`;
  const attributes = new Map<string, OnnxAttribute>();
  for (const a of n.attribute ?? []) attributes.set(a.name ?? '', attribute(a, label, depth));
  return { name, opType, domain: n.domain ?? '', inputs: (n.input ?? []).slice(), outputs: (n.output ?? []).slice(), attributes };
}

function graph(g: onnxProto.onnx.IGraphProto, where: string, depth: number): OnnxGraph {
  if (depth > 32) throw new InputError(`${where}subgraphs nested more than 32 deep`);
  return {
    name: g.name ?? '',
    nodes: (g.node ?? []).map((n, k) => node(n, k, where, depth)),
    initializers: (g.initializer ?? []).map((t) => tensor(t, `${where}initializer`)),
    inputs: (g.input ?? []).map(valueInfo),
    outputs: (g.output ?? []).map(valueInfo),
    valueInfo: (g.valueInfo ?? []).map(valueInfo),
  };
}

/** Decodes the bytes of a `.onnx` file; throws an InputError naming the file when they are not one. */
export function decodeOnnx(bytes: Uint8Array, file: string): OnnxModel {
  let m: onnxProto.onnx.ModelProto;
  try {
    m = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new InputError(`${file}: not a valid ONNX model (protobuf decoding failed: ${(e as Error).message})`, { file });
  }
  if (!m.graph) throw new InputError(`${file}: not a valid ONNX model (no graph in the ModelProto)`, { file });
  const opsets = new Map<string, number>();
  for (const o of m.opsetImport ?? []) opsets.set(o.domain === 'ai.onnx' ? '' : (o.domain ?? ''), clampInt(int64(o.version ?? 0)));
  try {
    return { irVersion: clampInt(int64(m.irVersion ?? 0)), opsets, graph: graph(m.graph, '', 0) };
  } catch (e) {
    if (e instanceof InputError) {
      e.message = `${file}: ${e.message}`;
      e.file = file;
    }
    throw e;
  }
}
