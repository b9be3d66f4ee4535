import { InputError } from '../../problem/errors.js';
import { BUFFER, CONTROL_FLOW_OPTIONS, METADATA, MODEL, OPERATOR, OPERATOR_CODE, QUANTIZATION, SHAPE_OPTIONS, SUBGRAPH, TENSOR, TFLITE_IDENTIFIER } from './schema.js';
import { FlatView, type TableRef } from './table.js';
import { checkOperatorOutputs } from './dataflow.js';
import { operatorOptions } from './builtin-options.js';
import type {
  TfliteBuffer,
  TfliteMetadata,
  TfliteModel,
  TfliteOperator,
  TfliteOperatorCode,
  TfliteSubgraph,
  TfliteTensor,
  ShapeOptions,
} from './types.js';
import { plural, verb } from '../../format/plural.js';

/** Checks the size and the "TFL3" identifier; returns the root Model table. */
export function modelTable(view: FlatView): TableRef {
  if (view.size < 8) view.fail('header', `${plural(view.size, 'byte')} ${verb(view.size, 'is', 'are')} too short for a TFLite model (truncated?)`);
  if (!view.bb.__has_identifier(TFLITE_IDENTIFIER)) {
    const id = new TextDecoder('latin1').decode(view.bytes.subarray(4, 8));
    view.fail('header', `not a TFLite model: file identifier ${JSON.stringify(id)} at bytes 4..7, expected "TFL3"`);
  }
  return view.table(view.bb.readUint32(0), 'model');
}

/** Reads the planner's view of a .tflite file; any fault is an InputError naming the file and place. */
export function readTflite(bytes: Uint8Array, file: string): TfliteModel {
  const view = new FlatView(bytes, file);
  const m = modelTable(view);
  const buffers = view.tables(m, MODEL.buffers, 'buffers').map((pos, i) => readBuffer(view, pos, i));
  const operatorCodes = view.tables(m, MODEL.operator_codes, 'operator codes').map((pos, i) => {
    const t = view.table(pos, `operator code ${i}`);
    const code: TfliteOperatorCode = {
      builtin: Math.max(view.i32(t, OPERATOR_CODE.builtin_code, 0), view.i8(t, OPERATOR_CODE.deprecated_builtin_code, 0)),
      version: view.i32(t, OPERATOR_CODE.version, 1),
    };
    const custom = view.string(t, OPERATOR_CODE.custom_code, 'custom code');
    if (custom !== undefined) code.custom = custom;
    return code;
  });
  const metadata = view.tables(m, MODEL.metadata, 'metadata').map((pos, i): TfliteMetadata => {
    const t = view.table(pos, `metadata ${i}`);
    const md = { name: view.string(t, METADATA.name, 'name') ?? '', buffer: view.u32(t, METADATA.buffer, 0) };
    if (md.buffer >= buffers.length) view.fail(t.where, `buffer ${md.buffer} is out of range (${plural(buffers.length, 'buffer')})`);
    return md;
  });
  const counts = { buffers: buffers.length, codes: operatorCodes.length };
  const positions = view.tables(m, MODEL.subgraphs, 'subgraphs');
  const subgraphs = positions.map((pos, s) => readSubgraph(view, pos, s, { ...counts, subgraphs: positions.length }));
  if (subgraphs.length === 0) view.fail('model', 'has no subgraphs');
  subgraphs.forEach((sg, s) => checkOperatorOutputs(sg, s, buffers, file));
  return { file, version: view.u32(m, MODEL.version, 0), operatorCodes, subgraphs, buffers, metadata };
}

function readBuffer(view: FlatView, pos: number, i: number): TfliteBuffer {
  const t = view.table(pos, `buffer ${i}`);
  const v = view.byteVector(t, BUFFER.data, 'data');
  const offset = view.u64(t, BUFFER.offset, 'offset');
  const size = view.u64(t, BUFFER.size, 'size');
  if (offset > 1) view.need(offset, size, t.where, 'data stored after the flatbuffer');
  return {
    data: v ? view.bytes.subarray(v.start, v.start + v.length) : new Uint8Array(0),
    dataPos: v ? v.start : 0,
    offset,
    size,
  };
}

function readSubgraph(view: FlatView, pos: number, s: number, counts: { buffers: number; codes: number; subgraphs: number }): TfliteSubgraph {
  const where = `subgraph ${s}`;
  const t = view.table(pos, where);
  const tensors = view.tables(t, SUBGRAPH.tensors, 'tensors').map((p, i) => readTensor(view, p, `${where}, tensor ${i}`, counts.buffers));
  const n = tensors.length;
  // `at`: the place the message names (the subgraph, or one of its operators), given once.
  const checkIndices = (list: number[], at: string, what: string, optional: boolean): number[] => {
    for (const x of list) {
      if (!(x >= 0 && x < n) && !(optional && x === -1)) view.fail(at, `${what} refers to tensor ${x}, out of range (${plural(n, 'tensor')})`);
    }
    return list;
  };
  const inputs = checkIndices(view.ints(t, SUBGRAPH.inputs, 'inputs'), where, 'graph input', false);
  const outputs = checkIndices(view.ints(t, SUBGRAPH.outputs, 'outputs'), where, 'graph output', false);
  const operators = view.tables(t, SUBGRAPH.operators, 'operators').map((p, i): TfliteOperator => {
    const w = `${where}, operator ${i}`;
    const o = view.table(p, w);
    const op: TfliteOperator = {
      opcodeIndex: view.u32(o, OPERATOR.opcode_index, 0),
      inputs: view.ints(o, OPERATOR.inputs, 'inputs'),
      outputs: view.ints(o, OPERATOR.outputs, 'outputs'),
      intermediates: view.ints(o, OPERATOR.intermediates, 'intermediates'),
      kernelOptions: operatorOptions(view, o, w),
    };
    const options = shapeOptions(view, o);
    if (options !== undefined) op.options = options;
    const calls = calledSubgraphs(view, o, counts.subgraphs);
    if (calls !== undefined) op.calls = calls;
    if (op.opcodeIndex >= counts.codes) view.fail(w, `opcode index ${op.opcodeIndex} is out of range (${counts.codes} operator codes)`);
    checkIndices(op.inputs, w, 'input', true);
    checkIndices(op.outputs, w, 'output', false);
    checkIndices(op.intermediates, w, 'intermediate', false);
    return op;
  });
  return { name: view.string(t, SUBGRAPH.name, 'name') ?? '', tensors, inputs, outputs, operators };
}

function readTensor(view: FlatView, pos: number, where: string, nBuffers: number): TfliteTensor {
  const t = view.table(pos, where);
  const name = view.string(t, TENSOR.name, 'name') ?? '';
  const w = name ? `${where} "${name}"` : where;
  const tensor: TfliteTensor = {
    name,
    shape: view.ints(t, TENSOR.shape, 'shape'),
    type: view.i8(t, TENSOR.type, 0),
    buffer: view.u32(t, TENSOR.buffer, 0),
    isVariable: view.u8(t, TENSOR.is_variable, 0) !== 0,
    externalBuffer: view.u32(t, TENSOR.external_buffer, 0),
  };
  if (view.has(t, TENSOR.shape_signature)) tensor.shapeSignature = view.ints(t, TENSOR.shape_signature, 'shape signature');
  const qpos = view.ref(t, TENSOR.quantization, 'quantization');
  if (qpos !== 0) {
    const q = view.table(qpos, `${w}: quantization`);
    const scale = view.ref(q, QUANTIZATION.scale, 'quantization scale');
    const zp = view.ref(q, QUANTIZATION.zero_point, 'quantization zero point');
    const scales = scale === 0 ? 0 : view.vectorAt(scale, 4, q.where, 'quantization scale').length;
    const zeroPoints = zp === 0 ? 0 : view.vectorAt(zp, 8, q.where, 'quantization zero point').length;
    if (scales > 0 && zeroPoints > 0) tensor.zeroPoints = zeroPoints;
  }
  if (tensor.buffer !== 0 && tensor.buffer >= nBuffers) {
    throw new InputError(`${view.file}: ${w}: buffer ${tensor.buffer} is out of range (${plural(nBuffers, 'buffer')})`, {
      file: view.file,
      buffer: w,
      field: 'buffer',
    });
  }
  return tensor;
}

/**
 * The subgraphs a control-flow options table of `o` names (see TfliteOperator.calls), each checked
 * to be a subgraph of the model (TFLM would read out of bounds); undefined for other options.
 */
function calledSubgraphs(view: FlatView, o: TableRef, nSubgraphs: number): number[] | undefined {
  const type = view.u8(o, OPERATOR.builtin_options_type, 0);
  const kind = CONTROL_FLOW_OPTIONS.find((k) => k.type === type);
  const pos = view.ref(o, OPERATOR.builtin_options, 'builtin options');
  if (kind === undefined || pos === 0) return undefined;
  const t = view.table(pos, `${o.where}: ${kind.name}`);
  return kind.slots.map((slot) => {
    const s = view.i32(t, slot, 0);
    if (!(s >= 0 && s < nSubgraphs)) view.fail(o.where, `${kind.name} names subgraph ${s}, out of range (${plural(nSubgraphs, 'subgraph')})`);
    return s;
  });
}

/** The options of `o` that the shape rules read (see ShapeOptions), or undefined for other operators. */
function shapeOptions(view: FlatView, o: TableRef): ShapeOptions | undefined {
  const type = view.u8(o, OPERATOR.builtin_options_type, 0);
  const pos = view.ref(o, OPERATOR.builtin_options, 'builtin options');
  if (pos === 0) return undefined;
  const S = SHAPE_OPTIONS;
  const t = (): TableRef => view.table(pos, `${o.where}: builtin options`);
  switch (type) {
    case S.FullyConnectedOptions.type:
      return { keepNumDims: view.u8(t(), S.FullyConnectedOptions.keep_num_dims, 0) !== 0 };
    case S.ConcatenationOptions.type:
      return { axis: view.i32(t(), S.ConcatenationOptions.axis, 0) };
    case S.PackOptions.type:
      return { axis: view.i32(t(), S.PackOptions.axis, 0) };
    case S.ReshapeOptions.type: {
      const r = t();
      return view.has(r, S.ReshapeOptions.new_shape) ? { newShape: view.ints(r, S.ReshapeOptions.new_shape, 'new shape') } : {};
    }
    case S.SqueezeOptions.type:
      return { squeezeDims: view.ints(t(), S.SqueezeOptions.squeeze_dims, 'squeeze dims') };
    case S.StridedSliceOptions.type: {
      const r = t();
      const F = S.StridedSliceOptions;
      return {
        beginMask: view.i32(r, F.begin_mask, 0),
        endMask: view.i32(r, F.end_mask, 0),
        ellipsisMask: view.i32(r, F.ellipsis_mask, 0),
        newAxisMask: view.i32(r, F.new_axis_mask, 0),
        shrinkAxisMask: view.i32(r, F.shrink_axis_mask, 0),
        offset: view.u8(r, F.offset, 0) !== 0,
      };
    }
    default:
      return undefined;
  }
}
