/**
 * ONNX Runtime (npm `onnxruntime-node`, its CPU library) as an independent oracle of the importer's
 * shapes and element types, as TFLite Micro is for the TFLite side: every node output of a model is
 * made a graph output, the model runs on seeded inputs with graph optimisations off, and each tensor
 * ORT returns is set beside the TensorInfo arenapack inferred for it.
 *
 * `If` nodes: ORT returns only the outputs of the main graph, so the tensors inside a branch are
 * reached by running once, reading each If's condition, and replacing the If by the branch ORT took
 * (its nodes, its initializers, an Identity per output), until no If is left. The tensors of the
 * taken branches are then outputs like any other, and arenapack's shapes for them are those of the
 * branch's subgraph.
 */
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { decodeOnnx, inferShapes, type GraphShapes, type TensorInfo } from '../../src/import/onnx/index.js';
import type { InferOptions } from '../../src/import/onnx/infer.js';
import { dataTypeName, bytesOf } from '../../src/import/onnx/dtype.js';
import { rng } from './problems.js';

ort.env.logLevel = 'fatal';

const { onnx } = onnxProto;
type ModelProto = onnxProto.onnx.ModelProto;
type GraphProto = onnxProto.onnx.IGraphProto;
type NodeProto = onnxProto.onnx.INodeProto;
type TensorProto = onnxProto.onnx.ITensorProto;

/** ORT's tensor type names by TensorProto.DataType code. */
const ORT_TYPES: Readonly<Record<number, ort.Tensor.Type>> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
};

/** The TensorProto.DataType code of an ORT tensor type (undefined for one this helper does not map). */
export function codeOfOrtType(type: string): number | undefined {
  for (const [code, t] of Object.entries(ORT_TYPES)) if (t === type) return Number(code);
  return undefined;
}

/** What ORT returned for one tensor: its element type (TensorProto code) and dims. */
export interface OrtTensorFacts {
  dtype: number;
  dims: number[];
  /** The elements, for BOOL / integer scalars (If conditions), else undefined. */
  scalar?: number;
}

/** Inputs of the main graph (not initializers): name, element type and the shape to feed. */
export interface FeedSpec {
  name: string;
  dtype: number;
  shape: number[];
}

/**
 * Seeded input tensors: floats uniform in [-1, 1), integers in [0, 8), booleans alternating, from
 * mulberry32 with `seed`; `values` overrides the elements of named inputs (an integer scalar such as a
 * sample rate, which selects an If branch).
 */
export function seededFeeds(specs: readonly FeedSpec[], seed: number, values: Record<string, number[]> = {}): Record<string, ort.Tensor> {
  const next = rng(seed);
  const feeds: Record<string, ort.Tensor> = {};
  for (const s of specs) {
    const n = s.shape.reduce((a, d) => a * d, 1);
    const given = values[s.name];
    const pick = (k: number, f: () => number): number => (given ? given[k % given.length]! : f());
    const type = ORT_TYPES[s.dtype];
    if (type === undefined || type === 'string' || type === 'float16') throw new Error(`input "${s.name}": no seeded values for ${dataTypeName(s.dtype)}`);
    let data: ort.Tensor.DataType;
    if (type === 'float32' || type === 'float64') {
      const a = type === 'float32' ? new Float32Array(n) : new Float64Array(n);
      for (let k = 0; k < n; k++) a[k] = pick(k, () => next() * 2 - 1);
      data = a;
    } else if (type === 'int64' || type === 'uint64') {
      const a = type === 'int64' ? new BigInt64Array(n) : new BigUint64Array(n);
      for (let k = 0; k < n; k++) a[k] = BigInt(pick(k, () => Math.floor(next() * 8)));
      data = a;
    } else if (type === 'bool') {
      data = Uint8Array.from({ length: n }, (_, k) => pick(k, () => k % 2));
    } else {
      const ints = Array.from({ length: n }, (_, k) => pick(k, () => Math.floor(next() * 8)));
      const arrays: Partial<Record<ort.Tensor.Type, ort.Tensor.DataType>> = {
        uint8: Uint8Array.from(ints),
        int8: Int8Array.from(ints),
        uint16: Uint16Array.from(ints),
        int16: Int16Array.from(ints),
        int32: Int32Array.from(ints),
        uint32: Uint32Array.from(ints),
      };
      data = arrays[type] ?? Int32Array.from(ints);
    }
    feeds[s.name] = new ort.Tensor(type, data, s.shape);
  }
  return feeds;
}

/** Gives every initializer without data zeros of its size (test models often carry none), so ORT can load it. */
function fillInitializers(g: GraphProto): void {
  for (const t of g.initializer ?? []) {
    const has =
      (t.rawData && t.rawData.length > 0) ||
      [t.floatData, t.int32Data, t.int64Data, t.doubleData, t.uint64Data, t.stringData].some((a) => a && a.length > 0) ||
      (t.externalData && t.externalData.length > 0);
    if (has) continue;
    const n = (t.dims ?? []).reduce<number>((a, d) => a * Number(d), 1);
    t.rawData = new Uint8Array(bytesOf(t.dataType ?? 1, n) ?? n);
  }
}

/** Makes every node output of the main graph a graph output (name only: ORT infers the type). */
function exposeAll(g: GraphProto): string[] {
  const outputs = (g.output ??= []);
  const have = new Set(outputs.map((o) => o.name));
  const names: string[] = [];
  for (const n of g.node ?? []) {
    for (const o of n.output ?? []) {
      if (!o) continue;
      names.push(o);
      if (!have.has(o)) {
        outputs.push({ name: o });
        have.add(o);
      }
    }
  }
  return names;
}

/** The value of a scalar initializer (an If condition stored as a constant), when it has one. */
function initializerScalar(t: TensorProto): number | undefined {
  if (t.int32Data && t.int32Data.length > 0) return Number(t.int32Data[0]);
  if (t.int64Data && t.int64Data.length > 0) return Number(t.int64Data[0]);
  if (t.floatData && t.floatData.length > 0) return t.floatData[0];
  if (t.rawData && t.rawData.length > 0) return t.rawData.some((b) => b !== 0) ? 1 : 0;
  return undefined;
}

/** Replaces main-graph If node `index` by the nodes of `branch` (already chosen), keeping every tensor name. */
function inlineBranch(g: GraphProto, index: number, branch: GraphProto): void {
  const ifNode = g.node![index]!;
  const body: NodeProto[] = [...(branch.node ?? [])];
  (branch.output ?? []).forEach((o, k) => {
    const target = ifNode.output?.[k];
    if (target) body.push({ opType: 'Identity', input: [o.name!], output: [target], name: `${ifNode.name ?? 'If'}/taken/${k}` });
  });
  g.node!.splice(index, 1, ...body);
  g.initializer = [...(g.initializer ?? []), ...(branch.initializer ?? [])];
}

async function runOnce(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Map<string, OrtTensorFacts>> {
  const session = await ort.InferenceSession.create(bytes, {
    graphOptimizationLevel: 'disabled',
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    logSeverityLevel: 4,
  });
  try {
    const out = await session.run(feeds);
    const facts = new Map<string, OrtTensorFacts>();
    for (const [name, t] of Object.entries(out)) {
      const dtype = codeOfOrtType(t.type);
      if (dtype === undefined) throw new Error(`output "${name}": ORT type ${t.type} is not mapped`);
      const f: OrtTensorFacts = { dtype, dims: t.dims.map(Number) };
      if (t.size === 1 && t.type !== 'string') f.scalar = Number((t.data as ArrayLike<number | bigint>)[0]);
      facts.set(name, f);
      t.dispose();
    }
    return facts;
  } finally {
    await session.release();
  }
}

/** What ORT computed for a model: every node output (taken If branches included) and the branches taken. */
export interface OrtRun {
  tensors: Map<string, OrtTensorFacts>;
  /** `If node name: then_branch` per If replaced by the branch it took, in the order they were met. */
  taken: string[];
  /** How many ORT sessions it took (one plus one per round of If nodes). */
  runs: number;
}

/**
 * Runs the model in ORT with every node output exposed, following If nodes into the branch taken.
 * Throws what ORT throws (a model it cannot load or run).
 */
export async function runEveryTensor(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<OrtRun> {
  const m: ModelProto = onnx.ModelProto.decode(bytes);
  const g = m.graph!;
  fillInitializers(g);
  const taken: string[] = [];
  for (let runs = 1; ; runs++) {
    exposeAll(g);
    const tensors = await runOnce(onnx.ModelProto.encode(m).finish(), feeds);
    const ifs = (g.node ?? []).flatMap((n, k) => (n.opType === 'If' && (n.domain ?? '') === '' ? [k] : []));
    if (ifs.length === 0) return { tensors, taken, runs };
    if (runs > 64) throw new Error('If nodes nested more than 64 deep');
    const inits = new Map((g.initializer ?? []).map((t) => [t.name!, t]));
    // Back to front, so the indices of the Ifs still to replace do not move.
    for (const k of ifs.reverse()) {
      const n = g.node![k]!;
      const cond = n.input![0]!;
      const fed = feeds[cond];
      const value =
        tensors.get(cond)?.scalar ??
        (fed ? Number((fed.data as ArrayLike<number | bigint>)[0]) : undefined) ??
        (inits.has(cond) ? initializerScalar(inits.get(cond)!) : undefined);
      if (value === undefined) throw new Error(`If node "${n.name}": its condition "${cond}" is not known after the run`);
      const attribute = value ? 'then_branch' : 'else_branch';
      const branch = n.attribute?.find((a) => a.name === attribute)?.g;
      if (!branch) throw new Error(`If node "${n.name}" has no ${attribute}`);
      fillInitializers(branch);
      taken.push(`${n.name || `If #${k}`}: ${attribute}`);
      inlineBranch(g, k, branch);
    }
  }
}

/** Every tensor arenapack inferred, in every graph (names are unique across a model's subgraphs). */
export function inferredTensors(root: GraphShapes): Map<string, TensorInfo> {
  const all = new Map<string, TensorInfo>();
  const walk = (g: GraphShapes): void => {
    for (const [name, info] of g.infos) if (!all.has(name)) all.set(name, info);
    g.children.forEach(walk);
  };
  walk(root);
  return all;
}

/** The outcome of comparing one model: tensors compared and every difference, named. */
export interface OracleResult {
  compared: number;
  mismatches: string[];
  taken: string[];
  runs: number;
}

/**
 * Infers the model's shapes with arenapack (`options`: the input shapes given), runs it in ORT on the
 * same input shapes with seeded values, and compares the element type and dims of every tensor ORT
 * returned. A tensor ORT computed that arenapack has no shape for counts as a mismatch.
 */
export async function compareWithOrt(bytes: Uint8Array, file: string, options: InferOptions, seed = 1, values: Record<string, number[]> = {}): Promise<OracleResult> {
  const root = inferShapes(decodeOnnx(bytes, file), options);
  const inits = new Set(root.graph.initializers.map((t) => t.name));
  const specs: FeedSpec[] = root.graph.inputs
    .filter((v) => !inits.has(v.name))
    .map((v) => {
      const info = root.infos.get(v.name)!;
      return { name: v.name, dtype: info.dtype, shape: info.shape };
    });
  const run = await runEveryTensor(bytes, seededFeeds(specs, seed, values));
  const ours = inferredTensors(root);
  const mismatches: string[] = [];
  let compared = 0;
  for (const [name, t] of run.tensors) {
    const mine = ours.get(name);
    compared++;
    if (!mine) {
      mismatches.push(`${file}: "${name}": ORT ${dataTypeName(t.dtype)} [${t.dims.join(', ')}], arenapack has no shape for it`);
      continue;
    }
    const sameShape = mine.shape.length === t.dims.length && mine.shape.every((d, k) => d === t.dims[k]);
    if (mine.dtype !== t.dtype || !sameShape) {
      mismatches.push(
        `${file}: "${name}": ORT ${dataTypeName(t.dtype)} [${t.dims.join(', ')}], arenapack ${dataTypeName(mine.dtype)} [${mine.shape.join(', ')}]`,
      );
    }
  }
  return { compared, mismatches, taken: run.taken, runs: run.runs };
}

/** Why ORT cannot load the model (its message, first line), or undefined when it can. */
export async function ortCannotLoad(bytes: Uint8Array): Promise<string | undefined> {
  const m: ModelProto = onnx.ModelProto.decode(bytes);
  if (m.graph) {
    fillInitializers(m.graph);
    exposeAll(m.graph);
  }
  try {
    const session = await ort.InferenceSession.create(onnx.ModelProto.encode(m).finish(), { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1, logSeverityLevel: 4 });
    await session.release();
    return undefined;
  } catch (e) {
    return String(e instanceof Error ? e.message : e).split('\n')[0];
  }
}
