import { toObject } from 'flatbuffers/mjs/flexbuffers.js';
import { InputError } from '../../problem/errors.js';
import { OPERATOR } from './schema.js';
import type { FlatView, TableRef } from './table.js';

/**
 * The options tables of TFLite operators that kernels read to size their scratch buffers
 * (schema.fbs: `Operator.builtin_options`, a union, and `custom_options`, a flexbuffer for most custom
 * operators such as TFLM's Signal library). Only the tables and fields arenapack needs are decoded;
 * field slots are their positions in schema.fbs (a union takes two: type, value).
 */

/** Members of `union BuiltinOptions` (their 1-based position in schema.fbs). */
export const BUILTIN_OPTIONS = {
  Conv2DOptions: 1,
  DepthwiseConv2DOptions: 2,
  Pool2DOptions: 5,
  SVDFOptions: 6,
  FullyConnectedOptions: 8,
  ConcatenationOptions: 10,
  ReducerOptions: 27,
  TransposeConvOptions: 49,
  UnidirectionalSequenceLSTMOptions: 71,
  IfOptions: 92,
  WhileOptions: 93,
  CallOnceOptions: 103,
} as const;

export type { BuiltinOptions, OperatorOptions, Padding, WindowOptions } from '../../graph/operator-options.js';
import type { BuiltinOptions, OperatorOptions, Padding } from '../../graph/operator-options.js';
import { plural, verb } from '../../format/plural.js';

const PADDING: readonly Padding[] = ['SAME', 'VALID'];

function padding(view: FlatView, t: TableRef, slot: number): Padding {
  const p = view.i8(t, slot, 0);
  const out = PADDING[p];
  if (out === undefined) view.fail(t.where, `padding ${p} is not SAME (0) or VALID (1)`);
  return out;
}

/** Decodes the builtin options table of union type `type` at `t` (fields in schema.fbs order). */
function decodeBuiltin(view: FlatView, type: number, t: TableRef): BuiltinOptions | undefined {
  switch (type) {
    case BUILTIN_OPTIONS.Conv2DOptions:
      return {
        kind: 'Conv2DOptions',
        padding: padding(view, t, 0),
        strideW: view.i32(t, 1, 0),
        strideH: view.i32(t, 2, 0),
        activation: view.i8(t, 3, 0),
        dilationW: view.i32(t, 4, 1),
        dilationH: view.i32(t, 5, 1),
      };
    case BUILTIN_OPTIONS.DepthwiseConv2DOptions:
      return {
        kind: 'DepthwiseConv2DOptions',
        padding: padding(view, t, 0),
        strideW: view.i32(t, 1, 0),
        strideH: view.i32(t, 2, 0),
        depthMultiplier: view.i32(t, 3, 0),
        activation: view.i8(t, 4, 0),
        dilationW: view.i32(t, 5, 1),
        dilationH: view.i32(t, 6, 1),
      };
    case BUILTIN_OPTIONS.Pool2DOptions:
      return {
        kind: 'Pool2DOptions',
        padding: padding(view, t, 0),
        strideW: view.i32(t, 1, 0),
        strideH: view.i32(t, 2, 0),
        filterW: view.i32(t, 3, 0),
        filterH: view.i32(t, 4, 0),
        activation: view.i8(t, 5, 0),
        dilationW: 1,
        dilationH: 1,
      };
    case BUILTIN_OPTIONS.TransposeConvOptions:
      return {
        kind: 'TransposeConvOptions',
        padding: padding(view, t, 0),
        strideW: view.i32(t, 1, 0),
        strideH: view.i32(t, 2, 0),
        activation: view.i8(t, 3, 0),
        dilationW: 1,
        dilationH: 1,
      };
    case BUILTIN_OPTIONS.SVDFOptions:
      return { kind: 'SVDFOptions', rank: view.i32(t, 0, 0), activation: view.i8(t, 1, 0) };
    case BUILTIN_OPTIONS.FullyConnectedOptions:
      return { kind: 'FullyConnectedOptions', activation: view.i8(t, 0, 0), keepNumDims: view.u8(t, 2, 0) !== 0 };
    case BUILTIN_OPTIONS.ConcatenationOptions:
      return { kind: 'ConcatenationOptions', axis: view.i32(t, 0, 0), activation: view.i8(t, 1, 0) };
    case BUILTIN_OPTIONS.ReducerOptions:
      return { kind: 'ReducerOptions', keepDims: view.u8(t, 0, 0) !== 0 };
    case BUILTIN_OPTIONS.UnidirectionalSequenceLSTMOptions:
      return { kind: 'UnidirectionalSequenceLSTMOptions', activation: view.i8(t, 0, 0), timeMajor: view.u8(t, 3, 0) !== 0 };
    case BUILTIN_OPTIONS.IfOptions:
      return { kind: 'IfOptions', subgraphs: [view.i32(t, 0, 0), view.i32(t, 1, 0)] };
    case BUILTIN_OPTIONS.WhileOptions:
      return { kind: 'WhileOptions', subgraphs: [view.i32(t, 0, 0), view.i32(t, 1, 0)] };
    case BUILTIN_OPTIONS.CallOnceOptions:
      return { kind: 'CallOnceOptions', subgraphs: [view.i32(t, 0, 0)] };
    default:
      return undefined;
  }
}

/**
 * A flexbuffer's root as plain data (custom options of TFLM's Signal operators are a map); `where`
 * names the operator in the InputError a corrupt buffer gives.
 */
export function decodeFlexbuffer(bytes: Uint8Array, file: string, where: string): unknown {
  const fail = (why: string): never => {
    throw new InputError(`${file}: ${where}: custom options ${why}`, { file, buffer: where });
  };
  if (bytes.length < 3) fail(`of ${plural(bytes.length, 'byte')} ${verb(bytes.length, 'is', 'are')} too short for a flexbuffer`);
  try {
    return toObject(Uint8Array.from(bytes).buffer); // a copy: a Node Buffer's slice() shares its pool
  } catch (e) {
    return fail(`are not a readable flexbuffer (${e instanceof Error ? e.message : String(e)})`);
  }
}

/**
 * The options of operator table `o` (`where` names it: "subgraph 0, operator 3"), read with the
 * reader's bounds checks (a fault is an InputError naming file, subgraph and operator). Builtin tables
 * not in BUILTIN_OPTIONS are left undecoded (`builtin` absent); custom options are kept as bytes
 * (decodeFlexbuffer reads them where a rule needs them). The reader (reader.ts) calls it once per operator.
 */
export function operatorOptions(view: FlatView, o: TableRef, where: string): OperatorOptions {
  const builtinType = view.u8(o, OPERATOR.builtin_options_type, 0);
  const out: OperatorOptions = { builtinType };
  const at = view.ref(o, OPERATOR.builtin_options, 'builtin options');
  if (builtinType !== 0 && at !== 0) {
    const builtin = decodeBuiltin(view, builtinType, view.table(at, `${where}, builtin options`));
    if (builtin !== undefined) out.builtin = builtin;
  }
  const custom = view.byteVector(o, OPERATOR.custom_options, 'custom options');
  if (custom !== undefined && custom.length > 0) out.custom = view.bytes.subarray(custom.start, custom.start + custom.length);
  return out;
}
