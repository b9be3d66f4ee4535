/**
 * Every ONNX shape rule over the versions of its operator (shapes/versions.ts, from the ONNX operator
 * changelog): for each operator with a rule and each of its schema versions, a one-node model is built
 * in an opset where that version is in effect, and every output's element type and shape must equal
 * what ONNX Runtime computes. Versions ORT cannot load (opsets before 7, versions newer than ORT) are
 * skipped by trying, with ORT's reason printed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { inferShapes, decodeOnnx } from '../../src/import/onnx/index.js';
import { DataType } from '../../src/import/onnx/types.js';
import { SHAPE_RULES } from '../../src/import/onnx/shapes/rules.js';
import { OP_VERSIONS, opVersion } from '../../src/import/onnx/shapes/versions.js';
import { BOOL, FLOAT, INT64, float, graphAttr, int, ints, model, node, str, tensor, tensorAttr, vi, type GraphSpec } from '../helpers/onnx-builder.js';
import { compareWithOrt, ortCannotLoad } from '../helpers/ort-oracle.js';

const UINT8 = 2;
type Spec = Omit<GraphSpec, 'nodes'> & { nodes: GraphSpec['nodes'] };

/** x: FLOAT [2, 3, 4, 5], the input of most cases. */
const X = vi('x', [2, 3, 4, 5]);
const i64 = (name: string, values: number[], dims = [values.length]): ReturnType<typeof tensor> => tensor(name, dims, values, INT64);
const f32 = (name: string, values: number[], dims = [values.length]): ReturnType<typeof tensor> => tensor(name, dims, values, FLOAT);
const one = (op: string, inputs: string[], outputs: string[], attrs: Parameters<typeof node>[3] = [], extra: Partial<Spec> = {}): Spec => ({
  inputs: [X],
  ...extra,
  nodes: [node(op, inputs, outputs, attrs)],
});

/** Unary operators on x, with the attributes some need. */
const UNARY_ATTRS: Record<string, Parameters<typeof node>[3]> = {
  LRN: [int('size', 3)],
  Softmax: [int('axis', 1)],
  LogSoftmax: [int('axis', 1)],
  Hardmax: [int('axis', 1)],
};

/** The one-node model of `op` at schema version `v` (the rule's inputs as that version takes them). */
function caseOf(op: string, v: number): Spec | undefined {
  if (op in UNARY_ATTRS || ['Identity', 'Neg', 'Abs', 'Floor', 'Ceil', 'Round', 'Sqrt', 'Relu', 'Sign', 'Reciprocal', 'Exp', 'Log', 'Sigmoid', 'Tanh', 'Erf', 'Sin', 'Cos', 'Softplus', 'Softsign', 'LeakyRelu', 'Elu', 'Selu', 'Celu', 'HardSigmoid', 'HardSwish', 'Mish', 'Gelu', 'ThresholdedRelu', 'Shrink', 'IsNaN', 'IsInf', 'MeanVarianceNormalization', 'LpNormalization', 'Clip'].includes(op)) {
    return one(op, ['x'], ['y'], UNARY_ATTRS[op] ?? []);
  }
  switch (op) {
    case 'Not':
      return one(op, ['b'], ['y'], [], { inputs: [vi('b', [3, 4], BOOL)] });
    case 'InstanceNormalization':
      return one(op, ['x', 's', 'b'], ['y'], [], { initializers: [f32('s', [1, 2, 3]), f32('b', [0, 0, 1])] });
    case 'CumSum':
      return one(op, ['x', 'ax'], ['y'], [], { initializers: [i64('ax', [2], [])] });
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div':
    case 'Pow':
    case 'Less':
    case 'Greater':
    case 'LessOrEqual':
    case 'GreaterOrEqual':
      return one(op, ['x', 'z'], ['y'], [], { inputs: [X, vi('z', [4, 5])] });
    case 'Max':
    case 'Min':
    case 'Sum':
    case 'Mean':
      // Multidirectional broadcasting from version 8; equal shapes before.
      return one(op, ['x', 'z', 'w'], ['y'], [], { inputs: [X, vi('z', v >= 8 ? [4, 5] : [2, 3, 4, 5]), vi('w', v >= 8 ? [3, 1, 1] : [2, 3, 4, 5])] });
    case 'Mod':
      return one(op, ['x', 'z'], ['y'], [int('fmod', 1)], { inputs: [X, vi('z', [5])] });
    case 'BitShift':
      return one(op, ['p', 'q'], ['y'], [str('direction', 'LEFT')], { inputs: [vi('p', [3, 4], UINT8), vi('q', [4], UINT8)] });
    case 'PRelu':
      return one(op, ['x', 'sl'], ['y'], [], { initializers: [f32('sl', [0.1, 0.2, 0.3], [3, 1, 1])] });
    case 'Equal':
      return one(op, ['p', 'q'], ['y'], [], { inputs: [vi('p', [3, 4], INT64), vi('q', [4], INT64)] });
    case 'And':
    case 'Or':
    case 'Xor':
      return one(op, ['p', 'q'], ['y'], [], { inputs: [vi('p', [3, 4], BOOL), vi('q', [4], BOOL)] });
    case 'Where':
      return one(op, ['c', 'x', 'z'], ['y'], [], { inputs: [vi('c', [4, 5], BOOL), X, vi('z', [5])] });
    case 'Cast':
      return one(op, ['x'], ['y'], [v < 6 ? str('to', 'INT64') : int('to', INT64)]);
    case 'CastLike':
      return one(op, ['x', 't'], ['y'], [], { initializers: [i64('t', [0])] });
    case 'Dropout':
      return one(op, ['x'], ['y', 'mask']);
    case 'BatchNormalization': {
      const stats = ['s', 'b', 'm', 'va'].map((n) => f32(n, [1, 1, 1]));
      return one(op, ['x', 's', 'b', 'm', 'va'], ['y'], v < 6 ? [ints('consumed_inputs', [0, 0, 0, 1, 1])] : [], { initializers: stats });
    }
    case 'LayerNormalization':
      return one(op, ['x', 's', 'b'], ['y', 'mean', 'inv'], [int('axis', 2)], { initializers: [f32('s', new Array(20).fill(1), [4, 5]), f32('b', new Array(20).fill(0), [4, 5])] });
    case 'Conv':
      return one(op, ['im', 'w'], ['y'], [ints('pads', [1, 1, 1, 1]), ints('strides', [2, 2])], {
        inputs: [vi('im', [1, 3, 9, 8])],
        initializers: [tensor('w', [4, 3, 3, 3], new Array(108).fill(0.5))],
      });
    case 'ConvTranspose':
      return one(op, ['im', 'w'], ['y'], [ints('strides', [2, 2]), ints('pads', [1, 0, 0, 1])], {
        inputs: [vi('im', [1, 3, 4, 5])],
        initializers: [tensor('w', [3, 2, 3, 3], new Array(54).fill(0.5))],
      });
    case 'MaxPool':
      return one(op, ['im'], v >= 8 ? ['y', 'idx'] : ['y'], [ints('kernel_shape', [3, 3]), ints('strides', [2, 2]), ...(v >= 10 ? [int('ceil_mode', 1)] : [])], {
        inputs: [vi('im', [1, 3, 10, 9])],
      });
    case 'AveragePool':
      return one(op, ['im'], ['y'], [ints('kernel_shape', [3, 3]), ints('strides', [2, 2]), ints('pads', [1, 1, 0, 0]), ...(v >= 10 ? [int('ceil_mode', 1)] : [])], {
        inputs: [vi('im', [1, 3, 10, 9])],
      });
    case 'LpPool':
      return one(op, ['im'], ['y'], [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])], { inputs: [vi('im', [1, 3, 10, 9])] });
    case 'GlobalAveragePool':
    case 'GlobalMaxPool':
    case 'GlobalLpPool':
      return one(op, ['x'], ['y']);
    case 'Reshape':
      return v < 5 ? one(op, ['x'], ['y'], [ints('shape', [0, -1])]) : one(op, ['x', 's'], ['y'], [], { initializers: [i64('s', [0, -1, 5])] });
    case 'Flatten':
      return one(op, ['x'], ['y'], [int('axis', 2)]);
    case 'Squeeze':
    case 'Unsqueeze': {
      const axes = op === 'Squeeze' ? [1, -1] : [0, 3];
      const inputs = [vi('u', [2, 1, 4, 1])];
      return v >= 13 ? one(op, ['u', 'a'], ['y'], [], { inputs, initializers: [i64('a', axes)] }) : one(op, ['u'], ['y'], [ints('axes', axes)], { inputs });
    }
    case 'Transpose':
      return one(op, ['x'], ['y'], [ints('perm', [0, 2, 3, 1])]);
    case 'Concat':
      return one(op, ['x', 'z'], ['y'], [int('axis', 1)], { inputs: [X, vi('z', [2, 7, 4, 5])] });
    case 'Split': {
      const inputs = [vi('u', [2, 7, 4])];
      if (v >= 18) return one(op, ['u'], ['a', 'b', 'c'], [int('axis', 1), int('num_outputs', 3)], { inputs });
      if (v >= 13) return one(op, ['u', 's'], ['a', 'b'], [int('axis', 1)], { inputs, initializers: [i64('s', [3, 4])] });
      return one(op, ['u'], ['a', 'b'], [int('axis', 1), ints('split', [3, 4])], { inputs });
    }
    case 'Slice':
      if (v < 10) return one(op, ['x'], ['y'], [ints('starts', [1, -3]), ints('ends', [100, -1]), ints('axes', [1, 3])]);
      return one(op, ['x', 'st', 'en', 'ax', 'sp'], ['y'], [], {
        initializers: [i64('st', [1, -1]), i64('en', [100, -100]), i64('ax', [1, 3]), i64('sp', [1, -2])],
      });
    case 'Gather':
      return one(op, ['x', 'ix'], ['y'], [int('axis', 2)], { initializers: [i64('ix', [0, 3, -1, 1, 2, 0], [2, 3])] });
    case 'Pad': {
      const pads = [0, 1, 2, 0, 0, 3, 1, 0];
      if (v < 11) return one(op, ['x'], ['y'], [ints(v < 2 ? 'paddings' : 'pads', pads)]);
      if (v >= 18) return one(op, ['x', 'p', '', 'ax'], ['y'], [], { initializers: [i64('p', [1, 2, 3, 4]), i64('ax', [1, 3])] });
      return one(op, ['x', 'p'], ['y'], [], { initializers: [i64('p', pads)] });
    }
    case 'Expand':
      return one(op, ['u', 's'], ['y'], [], { inputs: [vi('u', [3, 1])], initializers: [i64('s', [2, 1, 4])] });
    case 'Tile':
      // Tile-1: `tiles` and `axis` are scalars of the input's type.
      if (v < 6) return one(op, ['x', 't', 'a'], ['y'], [], { initializers: [f32('t', [3], []), f32('a', [1], [])] });
      return one(op, ['x', 'r'], ['y'], [], { initializers: [i64('r', [1, 2, 1, 3])] });
    case 'DepthToSpace':
      return one(op, ['u'], ['y'], [int('blocksize', 2)], { inputs: [vi('u', [1, 8, 2, 3])] });
    case 'SpaceToDepth':
      return one(op, ['u'], ['y'], [int('blocksize', 2)], { inputs: [vi('u', [1, 2, 4, 6])] });
    case 'Resize':
      if (v < 11) return one(op, ['x', 'sc'], ['y'], [], { initializers: [f32('sc', [1, 1, 2, 1.5])] });
      // Resize-11 needs roi and scales (empty when sizes are given); from 13 they may be omitted.
      if (v < 13) return one(op, ['x', 'roi', 'sc', 'sz'], ['y'], [], { initializers: [f32('roi', []), f32('sc', []), i64('sz', [2, 3, 7, 9])] });
      return one(op, ['x', '', '', 'sz'], ['y'], [], { initializers: [i64('sz', [2, 3, 7, 9])] });
    case 'Upsample':
      if (v < 7) return one(op, ['x'], ['y'], [float('height_scale', 2), float('width_scale', 3)]);
      if (v < 9) return one(op, ['x'], ['y'], [{ name: 'scales', type: 6, floats: [1, 1, 2, 1.5] }]);
      return one(op, ['x', 'sc'], ['y'], [], { initializers: [f32('sc', [1, 1, 2, 1.5])] });
    case 'Gemm':
      return one(op, ['a', 'b', 'c'], ['y'], [int('transB', 1)], { inputs: [vi('a', [3, 4])], initializers: [f32('b', new Array(20).fill(1), [5, 4]), f32('c', [1, 2, 3, 4, 5])] });
    case 'MatMul':
      return one(op, ['a', 'b'], ['y'], [], { inputs: [vi('a', [2, 3, 4]), vi('b', [4, 5])] });
    case 'ReduceMean':
    case 'ReduceMax':
    case 'ReduceMin':
    case 'ReduceSum':
    case 'ReduceProd':
    case 'ReduceL1':
    case 'ReduceL2':
    case 'ReduceLogSum':
    case 'ReduceLogSumExp':
    case 'ReduceSumSquare': {
      const fromInput = v >= (op === 'ReduceSum' ? 13 : 18);
      return fromInput
        ? one(op, ['x', 'a'], ['y'], [int('keepdims', 0)], { initializers: [i64('a', [1, -1])] })
        : one(op, ['x'], ['y'], [ints('axes', [1, -1]), int('keepdims', 0)]);
    }
    case 'ArgMax':
    case 'ArgMin':
      return one(op, ['x'], ['y'], [int('axis', 2), int('keepdims', 0)]);
    case 'TopK':
      return v < 10 ? one(op, ['x'], ['y', 'i'], [int('k', 2), int('axis', 2)]) : one(op, ['x', 'k'], ['y', 'i'], [int('axis', 2)], { initializers: [i64('k', [2])] });
    case 'LSTM':
    case 'GRU':
    case 'RNN': {
      const gates = { LSTM: 4, GRU: 3, RNN: 1 }[op];
      const h = 4;
      // ORT's CPU kernels refuse layout 1 (batch first), so the cases keep layout 0.
      const layout = 0;
      const outs = op === 'LSTM' ? ['y', 'yh', 'yc'] : ['y', 'yh'];
      return one(op, ['s', 'w', 'r'], outs, [int('hidden_size', h), ...(layout ? [int('layout', 1)] : [])], {
        inputs: [vi('s', layout ? [2, 5, 3] : [5, 2, 3])],
        initializers: [f32('w', new Array(gates * h * 3).fill(0.1), [1, gates * h, 3]), f32('r', new Array(gates * h * h).fill(0.1), [1, gates * h, h])],
      });
    }
    case 'Constant':
      return { nodes: [node(op, [], ['y'], [tensorAttr('value', tensor('v', [2, 3], [1, 2, 3, 4, 5, 6]))])] };
    case 'ConstantOfShape':
      return one(op, ['s'], ['y'], [tensorAttr('value', tensor('v', [1], [7], INT64))], { inputs: [], initializers: [i64('s', [2, 3, 4])] });
    case 'Shape':
      return one(op, ['x'], ['y'], v >= 15 ? [int('start', 1), int('end', -1)] : []);
    case 'Size':
      return one(op, ['x'], ['y']);
    case 'Range':
      return one(op, ['a', 'b', 'c'], ['y'], [], { inputs: [], initializers: [i64('a', [1], []), i64('b', [10], []), i64('c', [3], [])] });
    case 'RandomNormal':
    case 'RandomUniform':
      return { nodes: [node(op, [], ['y'], [ints('shape', [2, 3]), int('dtype', DataType.DOUBLE)])] };
    case 'RandomNormalLike':
    case 'RandomUniformLike':
      return one(op, ['x'], ['y'], [int('dtype', DataType.DOUBLE)]);
    case 'EyeLike':
      return one(op, ['u'], ['y'], [int('dtype', INT64)], { inputs: [vi('u', [3, 4])] });
    case 'If': {
      const branch = (name: string, opType: string) => ({
        name,
        node: [node(opType, ['x'], [`${name}_y`])],
        input: [],
        output: [vi(`${name}_y`, [2, 3, 4, 5])],
        initializer: [],
        valueInfo: [],
      });
      return one(op, ['c'], ['y'], [graphAttr('then_branch', branch('then', 'Neg')), graphAttr('else_branch', branch('else', 'Abs'))], {
        inputs: [X, vi('c', [], BOOL)],
      });
    }
    default:
      return undefined;
  }
}

/** Operators whose rule refuses by design (their bodies are not planned): no ORT comparison. */
const NOT_PLANNED = new Set(['Loop', 'Scan']);

/** The opset a case of version `v` runs in: v itself, or 7 (ORT's first) when v is still in effect there. */
function opsetFor(op: string, v: number): number {
  return v < 7 && opVersion(op, 7) === v ? 7 : v;
}

describe('ONNX shape rules over their operators\' versions (ONNX Runtime as the oracle)', () => {
  /** The versions ORT could not load, by its reason (the operator's name taken out of the message). */
  const skipped = new Map<string, string[]>();
  let compared = 0;
  let cases = 0;
  let differences = 0;

  afterAll(() => {
    const n = [...skipped.values()].reduce((a, v) => a + v.length, 0);
    const why = [...skipped].map(([reason, which]) => `  ${which.length} x "${reason}": ${which.join(', ')}`);
    console.log(`ONNX versions: ${cases} operator versions run in ORT, ${compared} outputs compared, ${differences} differences; ORT could not load ${n}:\n${why.join('\n')}`);
  });

  it('has a version list for every rule, ascending, and a case for every operator', () => {
    for (const op of Object.keys(SHAPE_RULES)) {
      const versions = OP_VERSIONS[op];
      expect(versions, op).toBeDefined();
      expect([...versions!].sort((a, b) => a - b), op).toEqual(versions);
      if (!NOT_PLANNED.has(op)) expect(caseOf(op, versions![versions!.length - 1]!), op).toBeDefined();
    }
    expect(opVersion('Dropout', 9)).toBe(7);
    expect(opVersion('Dropout', 10)).toBe(10);
    expect(opVersion('Dropout', 11)).toBe(10);
    expect(opVersion('LayerNormalization', 16)).toBeUndefined();
  });

  const table = Object.keys(SHAPE_RULES)
    .filter((op) => !NOT_PLANNED.has(op))
    .flatMap((op) => OP_VERSIONS[op]!.map((v) => [op, v, opsetFor(op, v)] as const));

  it.for(table)('%s-%i (opset %i): every output has ORT\'s shape and element type', async ([op, v, opset], ctx) => {
    const spec = caseOf(op, v)!;
    const bytes = model(spec, opset);
    const reason = await ortCannotLoad(bytes);
    if (reason !== undefined) {
      const key = reason.replace(/\b[A-Z]\w*\(\d+\)/g, 'OP(v)').replace(/\("", \w+,.*$/, '').slice(0, 100);
      skipped.set(key, [...(skipped.get(key) ?? []), `${op}-${v} (opset ${opset})`]);
      ctx.skip(`ORT cannot load it: ${reason}`);
      return;
    }
    const r = await compareWithOrt(bytes, `${op}-${v}.onnx`, {});
    differences += r.mismatches.length;
    expect(r.mismatches).toEqual([]);
    expect(r.compared).toBe(spec.nodes[0]!.output!.filter((o) => o).length + (op === 'If' ? 1 : 0));
    cases++;
    compared += r.compared;
  });

  // Type rules beyond the first input's type: the outputs whose type comes from elsewhere.
  const DOUBLE_X = vi('x', [2, 3, 4, 5], DataType.DOUBLE);
  const TYPE_CASES: [string, number, Spec][] = [
    ['Dropout mask of a DOUBLE input (Dropout-7: type T)', 9, one('Dropout', ['x'], ['y', 'mask'], [], { inputs: [DOUBLE_X] })],
    ['Dropout mask of a DOUBLE input (Dropout-13: BOOL)', 13, one('Dropout', ['x'], ['y', 'mask'], [], { inputs: [DOUBLE_X] })],
    [
      'LayerNormalization of DOUBLE with stash_type FLOAT',
      17,
      one('LayerNormalization', ['x', 's'], ['y', 'mean', 'inv'], [int('axis', 1), int('stash_type', FLOAT)], {
        inputs: [DOUBLE_X],
        initializers: [{ name: 's', dims: [3, 4, 5], dataType: DataType.DOUBLE, doubleData: new Array<number>(60).fill(1) }],
      }),
    ],
    ['Cast to BOOL', 13, one('Cast', ['x'], ['y'], [int('to', BOOL)])],
    ['Cast to UINT8', 19, one('Cast', ['x'], ['y'], [int('to', UINT8)])],
    ['ConstantOfShape with no value (FLOAT zeros)', 9, one('ConstantOfShape', ['s'], ['y'], [], { inputs: [], initializers: [i64('s', [2, 3])] })],
    ['Range of FLOAT', 11, one('Range', ['a', 'b', 'c'], ['y'], [], { inputs: [], initializers: [f32('a', [0.5], []), f32('b', [3], []), f32('c', [0.75], [])] })],
    ['ArgMax of INT64 (output INT64)', 13, one('ArgMax', ['p'], ['y'], [int('axis', 1)], { inputs: [vi('p', [3, 4], INT64)] })],
    ['TopK of INT64 (values INT64, indices INT64)', 11, one('TopK', ['p', 'k'], ['y', 'i'], [int('axis', 1)], { inputs: [vi('p', [3, 4], INT64)], initializers: [i64('k', [3])] })],
    ['Where of INT64', 16, one('Where', ['c', 'p', 'q'], ['y'], [], { inputs: [vi('c', [4], BOOL), vi('p', [3, 4], INT64), vi('q', [1], INT64)] })],
    ['Shape of BOOL', 13, one('Shape', ['c'], ['y'], [], { inputs: [vi('c', [4, 2], BOOL)] })],
    ['EyeLike without dtype (the input\'s type)', 9, one('EyeLike', ['p'], ['y'], [], { inputs: [vi('p', [3, 4], INT64)] })],
    ['IsNaN of DOUBLE (BOOL)', 13, one('IsNaN', ['x'], ['y'], [], { inputs: [DOUBLE_X] })],
  ];

  // Shape rules' other branches: auto_pad, dilations, output_padding, aspect-ratio policies, defaults.
  const IM = vi('im', [1, 3, 10, 9]);
  const W = tensor('w', [4, 3, 3, 2], new Array(72).fill(0.5));
  const SHAPE_CASES: [string, number, Spec][] = [
    // (ORT refuses dilations with SAME_UPPER / SAME_LOWER.)
    ['Conv with SAME_UPPER and strides', 11, one('Conv', ['im', 'w'], ['y'], [str('auto_pad', 'SAME_UPPER'), ints('strides', [2, 3])], { inputs: [IM], initializers: [W] })],
    ['Conv with pads, strides and dilations', 11, one('Conv', ['im', 'w'], ['y'], [ints('pads', [1, 0, 2, 1]), ints('strides', [2, 3]), ints('dilations', [2, 3])], { inputs: [IM], initializers: [W] })],
    ['Conv with VALID and groups', 22, one('Conv', ['im', 'w'], ['y'], [str('auto_pad', 'VALID'), int('group', 3)], { inputs: [vi('im', [1, 6, 10, 9])], initializers: [tensor('w', [3, 2, 3, 2], new Array(36).fill(1))] })],
    ['Conv 1-D', 11, one('Conv', ['s', 'w'], ['y'], [ints('pads', [2, 1]), ints('strides', [2])], { inputs: [vi('s', [2, 3, 11])], initializers: [tensor('w', [5, 3, 4], new Array(60).fill(1))] })],
    ['ConvTranspose with output_padding and dilations', 11, one('ConvTranspose', ['im', 'w'], ['y'], [ints('strides', [3, 2]), ints('output_padding', [1, 1]), ints('dilations', [1, 2])], { inputs: [IM], initializers: [tensor('w', [3, 2, 3, 3], new Array(54).fill(1))] })],
    ['ConvTranspose with output_shape', 11, one('ConvTranspose', ['im', 'w'], ['y'], [ints('strides', [2, 2]), ints('output_shape', [21, 19])], { inputs: [IM], initializers: [tensor('w', [3, 2, 3, 3], new Array(54).fill(1))] })],
    ['ConvTranspose with SAME_UPPER', 11, one('ConvTranspose', ['im', 'w'], ['y'], [ints('strides', [2, 2]), str('auto_pad', 'SAME_UPPER')], { inputs: [IM], initializers: [tensor('w', [3, 2, 3, 3], new Array(54).fill(1))] })],
    ['MaxPool with dilations and ceil_mode', 12, one('MaxPool', ['im'], ['y', 'i'], [ints('kernel_shape', [3, 2]), ints('strides', [2, 2]), ints('dilations', [2, 2]), int('ceil_mode', 1)], { inputs: [IM] })],
    ['MaxPool with SAME_LOWER', 12, one('MaxPool', ['im'], ['y'], [ints('kernel_shape', [3, 3]), ints('strides', [2, 2]), str('auto_pad', 'SAME_LOWER')], { inputs: [IM] })],
    ['AveragePool-19 with dilations, pads and ceil_mode', 19, one('AveragePool', ['im'], ['y'], [ints('kernel_shape', [3, 3]), ints('strides', [3, 2]), ints('dilations', [2, 1]), ints('pads', [1, 1, 1, 1]), int('ceil_mode', 1)], { inputs: [IM] })],
    ['AveragePool with ceil_mode whose last window starts in the end pad', 11, one('AveragePool', ['im'], ['y'], [ints('kernel_shape', [2, 2]), ints('strides', [2, 2]), ints('pads', [0, 0, 1, 1]), int('ceil_mode', 1)], { inputs: [vi('im', [1, 1, 4, 4])] })],
    ['Resize-18 with sizes, axes and not_larger', 18, one('Resize', ['im', '', '', 'sz'], ['y'], [ints('axes', [2, 3]), str('keep_aspect_ratio_policy', 'not_larger')], { inputs: [IM], initializers: [i64('sz', [25, 30])] })],
    ['Resize-18 with sizes and not_smaller', 18, one('Resize', ['im', '', '', 'sz'], ['y'], [ints('axes', [2, 3]), str('keep_aspect_ratio_policy', 'not_smaller')], { inputs: [IM], initializers: [i64('sz', [25, 30])] })],
    ['Resize-13 with scales', 13, one('Resize', ['im', '', 'sc'], ['y'], [], { inputs: [IM], initializers: [f32('sc', [1, 1, 1.7, 0.5])] })],
    ['Reshape-14 with allowzero', 14, one('Reshape', ['z', 's'], ['y'], [int('allowzero', 1)], { inputs: [vi('z', [2, 0, 3])], initializers: [i64('s', [0, 3, 4])] })],
    ['ReduceMean-18 without axes (all) and keepdims', 18, one('ReduceMean', ['x'], ['y'], [])],
    ['ReduceSum-13 with noop_with_empty_axes', 13, one('ReduceSum', ['x'], ['y'], [int('noop_with_empty_axes', 1)])],
    ['Squeeze-13 without axes', 13, one('Squeeze', ['u'], ['y'], [], { inputs: [vi('u', [1, 3, 1, 2])] })],
    ['Flatten at axis 0', 13, one('Flatten', ['x'], ['y'], [int('axis', 0)])],
    ['Flatten at axis -1', 13, one('Flatten', ['x'], ['y'], [int('axis', -1)])],
    ['Transpose without perm', 13, one('Transpose', ['x'], ['y'])],
    ['Gather at a negative axis with a scalar index', 13, one('Gather', ['x', 'ix'], ['y'], [int('axis', -1)], { initializers: [i64('ix', [4], [])] })],
    ['Concat at a negative axis', 13, one('Concat', ['x', 'z'], ['y'], [int('axis', -2)], { inputs: [X, vi('z', [2, 3, 1, 5])] })],
    ['Split-18 into 4 uneven parts', 18, one('Split', ['u'], ['a', 'b', 'c', 'd'], [int('axis', -1), int('num_outputs', 4)], { inputs: [vi('u', [2, 10])] })],
    ['Slice-13 with negative steps and clamped ends', 13, one('Slice', ['x', 'st', 'en', 'ax', 'sp'], ['y'], [], { initializers: [i64('st', [100, 0]), i64('en', [-100, 9]), i64('ax', [-1, 1]), i64('sp', [-3, 2])] })],
    ['MatMul of 1-D by N-D', 13, one('MatMul', ['a', 'b'], ['y'], [], { inputs: [vi('a', [4]), vi('b', [2, 4, 5])] })],
    ['MatMul of N-D by 1-D', 13, one('MatMul', ['a', 'b'], ['y'], [], { inputs: [vi('a', [2, 3, 4]), vi('b', [4])] })],
    ['Gemm with transA', 13, one('Gemm', ['a', 'b'], ['y'], [int('transA', 1)], { inputs: [vi('a', [4, 3]), vi('b', [4, 6])] })],
    ['Expand to a smaller rank', 13, one('Expand', ['x', 's'], ['y'], [], { initializers: [i64('s', [3, 1, 1])] })],
    ['LSTM bidirectional', 14, one('LSTM', ['s', 'w', 'r'], ['y', 'yh', 'yc'], [int('hidden_size', 2), str('direction', 'bidirectional')], { inputs: [vi('s', [5, 2, 3])], initializers: [f32('w', new Array(48).fill(0.1), [2, 8, 3]), f32('r', new Array(32).fill(0.1), [2, 8, 2])] })],
    ['DepthToSpace CRD', 13, one('DepthToSpace', ['u'], ['y'], [int('blocksize', 3), str('mode', 'CRD')], { inputs: [vi('u', [1, 18, 2, 3])] })],
  ];

  it.each(SHAPE_CASES)('%s (opset %i): every output has ORT\'s shape and element type', async (_what, opset, spec) => {
    const bytes = model(spec, opset);
    expect(await ortCannotLoad(bytes)).toBeUndefined();
    const r = await compareWithOrt(bytes, 'shapes.onnx', {});
    expect(r.mismatches).toEqual([]);
    expect(r.compared).toBe(spec.nodes[0]!.output!.length);
  });

  it.each(TYPE_CASES)('%s (opset %i): every output has ORT\'s shape and element type', async (_what, opset, spec) => {
    const bytes = model(spec, opset);
    expect(await ortCannotLoad(bytes)).toBeUndefined();
    const r = await compareWithOrt(bytes, 'types.onnx', {});
    expect(r.mismatches).toEqual([]);
    expect(r.compared).toBe(spec.nodes[0]!.output!.length);
  });

  it('ran most versions in ORT', () => {
    // ORT starts at opset 7 and ends before the newest opsets; everything between must have run.
    expect(cases).toBeGreaterThanOrEqual(380);
  });

  it('types the Dropout mask by version: the input\'s type in opsets 7-9, BOOL from 10', () => {
    for (const [opset, dtype] of [[7, FLOAT], [9, FLOAT], [10, BOOL], [12, BOOL], [13, BOOL], [22, BOOL]] as const) {
      const root = inferShapes(decodeOnnx(model(caseOf('Dropout', opVersion('Dropout', opset)!)!, opset), 'd.onnx'));
      expect(root.infos.get('mask'), `opset ${opset}`).toMatchObject({ dtype, shape: [2, 3, 4, 5] });
    }
  });

  it('reads Reshape\'s allowzero only from Reshape-14, where it was added: before, a 0 copies the input\'s dimension', () => {
    const spec = one('Reshape', ['z', 's'], ['y'], [int('allowzero', 1)], { inputs: [vi('z', [2, 5, 3])], initializers: [i64('s', [0, 3, 5])] });
    // Reshape-13 has no allowzero (an unknown attribute there): the 0 copies the 2.
    expect(inferShapes(decodeOnnx(model(spec, 13), 'r13.onnx')).infos.get('y')).toMatchObject({ shape: [2, 3, 5] });
    // Reshape-14 with allowzero = 1: the 0 is a 0, which 30 elements cannot take.
    expect(() => inferShapes(decodeOnnx(model(spec, 14), 'r14.onnx'))).toThrow(/cannot reshape \[2, ?5, ?3\]/);
  });

  it('refuses an operator in an opset before its first version, naming the node', () => {
    const bytes = model(one('Gelu', ['x'], ['y']), 13);
    expect(() => inferShapes(decodeOnnx(bytes, 'g.onnx'))).toThrow(/node \(Gelu, #0\): cannot infer the output shape: op_type Gelu is not defined in opset 13 \(its first version is opset 20\)/);
  });
});
