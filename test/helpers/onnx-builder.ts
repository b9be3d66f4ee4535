/**
 * Builds small ONNX models for the tests, encoded with the same protobufjs code (npm `onnx-proto`)
 * the importer decodes with. Shapes use numbers for sizes and strings for symbolic dimensions.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type Attr = onnxProto.onnx.IAttributeProto;
type Graph = onnxProto.onnx.IGraphProto;
type Node = onnxProto.onnx.INodeProto;
type Tensor = onnxProto.onnx.ITensorProto;
type ValueInfo = onnxProto.onnx.IValueInfoProto;

export const FLOAT = 1;
export const UINT8 = 2;
export const INT64 = 7;
export const STRING = 8;
export const BOOL = 9;
export const FLOAT16 = 10;

const A = onnx.AttributeProto.AttributeType;

export const int = (name: string, i: number): Attr => ({ name, type: A.INT, i });
export const ints = (name: string, v: number[]): Attr => ({ name, type: A.INTS, ints: v });
export const float = (name: string, f: number): Attr => ({ name, type: A.FLOAT, f });
export const floats = (name: string, v: number[]): Attr => ({ name, type: A.FLOATS, floats: v });
export const str = (name: string, s: string): Attr => ({ name, type: A.STRING, s: new TextEncoder().encode(s) });
export const tensorAttr = (name: string, t: Tensor): Attr => ({ name, type: A.TENSOR, t });
export const graphAttr = (name: string, g: Graph): Attr => ({ name, type: A.GRAPH, g });

/** A declared tensor: element type and shape (strings are symbolic dims, undefined an unknown dim; no shape at all with `null`). */
export function vi(name: string, shape: (number | string | undefined)[] | null, elemType = FLOAT): ValueInfo {
  const tensorType: onnxProto.onnx.TypeProto.ITensor = { elemType };
  if (shape) tensorType.shape = { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {})) };
  return { name, type: { tensorType } };
}

/** A constant: floats in float_data, INT64 as little-endian raw_data (so values beyond 2^53 can be written). */
export function tensor(name: string, dims: number[], values?: (number | bigint)[], dataType = FLOAT): Tensor {
  const t: Tensor = { name, dims, dataType };
  if (values === undefined) return t;
  if (dataType === INT64) {
    const raw = new BigInt64Array(values.map((v) => BigInt(v)));
    t.rawData = new Uint8Array(raw.buffer);
  } else if (dataType === FLOAT) t.floatData = values.map(Number);
  else t.int32Data = values.map(Number);
  return t;
}

/** A tensor of `dims` with no data (weights whose values do not matter to planning). */
export const weights = (name: string, dims: number[], dataType = FLOAT): Tensor => tensor(name, dims, undefined, dataType);

export function node(opType: string, inputs: string[], outputs: string[], attribute: Attr[] = [], name = '', domain = ''): Node {
  return { opType, input: inputs, output: outputs, attribute, name, domain };
}

export interface GraphSpec {
  name?: string;
  nodes: Node[];
  inputs?: ValueInfo[];
  outputs?: ValueInfo[];
  initializers?: Tensor[];
  valueInfo?: ValueInfo[];
}

export function graph(spec: GraphSpec): Graph {
  return {
    name: spec.name ?? 'g',
    node: spec.nodes,
    input: spec.inputs ?? [],
    output: spec.outputs ?? [],
    initializer: spec.initializers ?? [],
    valueInfo: spec.valueInfo ?? [],
  };
}

/** Encodes a ModelProto (default opset 13 of the default domain) to the bytes of a `.onnx` file. */
export function model(spec: GraphSpec, opset = 13, extraOpsets: Record<string, number> = {}): Uint8Array {
  const opsetImport = [{ domain: '', version: opset }, ...Object.entries(extraOpsets).map(([domain, version]) => ({ domain, version }))];
  return onnx.ModelProto.encode({ irVersion: 8, producerName: 'arenapack-tests', opsetImport, graph: graph(spec) }).finish();
}
