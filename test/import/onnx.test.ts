import { describe, expect, it } from 'vitest';
import type { ModelSubgraph } from '../../src/import/model.js';
import { importOnnx, parseDims, parseInputShape, parseInputShapes, type OnnxImportOptions } from '../../src/import/onnx/index.js';
import { liveBound } from '../../src/problem/bounds.js';
import { InputError } from '../../src/problem/errors.js';
import { verifyPlan } from '../../src/problem/verify.js';
import { solve } from '../../src/solve/solve.js';
import { rng } from '../helpers/problems.js';
import {
  BOOL,
  INT64,
  STRING,
  graph,
  graphAttr,
  int,
  ints,
  model,
  node,
  tensor,
  vi,
  weights,
  type GraphSpec,
} from '../helpers/onnx-builder.js';

/** Plans every subgraph and checks the plan with the independent verifier. */
function planAll(subgraphs: ModelSubgraph[]): void {
  for (const s of subgraphs) {
    if (s.problem.buffers.length === 0) continue;
    const plan = solve(s.problem, { iterations: 200 });
    const verdict = verifyPlan(s.problem, plan.offsets, plan.peak);
    expect(verdict.errors).toEqual([]);
    expect(plan.peak).toBeGreaterThanOrEqual(liveBound(s.problem));
  }
}

function load(spec: GraphSpec, options: OnnxImportOptions = {}, opset = 13): ModelSubgraph[] {
  const m = importOnnx(model(spec, opset), 'm.onnx', options);
  expect(m.format).toBe('onnx');
  planAll(m.subgraphs);
  return m.subgraphs;
}

/** Conv -> Relu -> MaxPool -> Add (broadcast) -> Reshape [0, -1] -> Concat: 6 steps. */
const SMALL_CNN: GraphSpec = {
  inputs: [vi('X', [1, 3, 8, 8])],
  outputs: [vi('Y', [1, 128])],
  initializers: [
    weights('W', [4, 3, 3, 3]),
    weights('B', [4]),
    tensor('C', [4, 1, 1], [1, 2, 3, 4]),
    tensor('S', [2], [0, -1], INT64),
  ],
  nodes: [
    node('Conv', ['X', 'W', 'B'], ['A'], [ints('pads', [1, 1, 1, 1]), ints('kernel_shape', [3, 3])], 'conv'),
    node('Relu', ['A'], ['R'], [], 'relu'),
    node('MaxPool', ['R'], ['P'], [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])], 'pool'),
    node('Add', ['P', 'C'], ['Q'], [], 'bias'),
    node('Reshape', ['Q', 'S'], ['F'], [], 'flat'),
    node('Concat', ['F', 'F'], ['Y'], [int('axis', 1)], 'cat'),
  ],
};

describe('ONNX import: buffers and live ranges', () => {
  it('gives one buffer per activation with hand-computed sizes and ranges', () => {
    const [g] = load(SMALL_CNN, { shareReshapes: false });
    // Tensor indices: inputs (X=0), initializers (W=1, B=2, C=3, S=4), node outputs (A=5 ... Y=10).
    expect(g!.problem.buffers).toEqual([
      { id: '0', size: 3 * 8 * 8 * 4, start: 0, end: 1, align: 16 },
      { id: '5', size: 4 * 8 * 8 * 4, start: 0, end: 2, align: 16 },
      { id: '6', size: 4 * 8 * 8 * 4, start: 1, end: 3, align: 16 },
      { id: '7', size: 4 * 4 * 4 * 4, start: 2, end: 4, align: 16 },
      { id: '8', size: 4 * 4 * 4 * 4, start: 3, end: 5, align: 16 },
      { id: '9', size: 64 * 4, start: 4, end: 6, align: 16 },
      { id: '10', size: 128 * 4, start: 5, end: 6, align: 16 },
    ]);
    expect(g!.names).toEqual(['X', 'A', 'R', 'P', 'Q', 'F', 'Y']);
    expect(g!.tensorsOf).toEqual([[0], [5], [6], [7], [8], [9], [10]]);
    expect(g!.tensorCount).toBe(11);
    expect(g!.operatorCount).toBe(6);
    expect(liveBound(g!.problem)).toBe(2048);
    expect(g!.notes.join('\n')).toMatch(/4 constant tensors .* 480 B: not planned/);
    expect(g!.tensors!.map((t) => [t.index, t.name, t.kind, t.type, t.shape.join('x'), t.bytes, t.buffer, t.start, t.end])).toEqual([
      [0, 'X', 'input', 'FLOAT', '1x3x8x8', 768, 0, 0, 1],
      [1, 'W', 'constant', 'FLOAT', '4x3x3x3', 432, undefined, undefined, undefined],
      [2, 'B', 'constant', 'FLOAT', '4', 16, undefined, undefined, undefined],
      [3, 'C', 'constant', 'FLOAT', '4x1x1', 16, undefined, undefined, undefined],
      [4, 'S', 'constant', 'INT64', '2', 16, undefined, undefined, undefined],
      [5, 'A', 'activation', 'FLOAT', '1x4x8x8', 1024, 1, 0, 2],
      [6, 'R', 'activation', 'FLOAT', '1x4x8x8', 1024, 2, 1, 3],
      [7, 'P', 'activation', 'FLOAT', '1x4x4x4', 256, 3, 2, 4],
      [8, 'Q', 'activation', 'FLOAT', '1x4x4x4', 256, 4, 3, 5],
      [9, 'F', 'activation', 'FLOAT', '1x64', 256, 5, 4, 6],
      [10, 'Y', 'output', 'FLOAT', '1x128', 512, 6, 5, 6],
    ]);
  });

  it("lists the nodes as the model graph's operators: op type, name, tensor indices", () => {
    const [g] = load(SMALL_CNN);
    expect(g!.operators!.map((o) => [o.index, o.type, o.name, o.inputs, o.outputs])).toEqual([
      [0, 'Conv', 'conv', [0, 1, 2], [5]],
      [1, 'Relu', 'relu', [5], [6]],
      [2, 'MaxPool', 'pool', [6], [7]],
      [3, 'Add', 'bias', [7, 3], [8]],
      [4, 'Reshape', 'flat', [8, 4], [9]],
      [5, 'Concat', 'cat', [9, 9], [10]],
    ]);
  });

  it('plans weights as whole-run buffers with includeWeights, and takes the alignment option', () => {
    const [g] = load(SMALL_CNN, { includeWeights: true, align: 1, shareReshapes: false });
    const w = g!.problem.buffers.filter((b) => ['1', '2', '3', '4'].includes(b.id));
    expect(w).toEqual([
      { id: '1', size: 4 * 27 * 4, start: 0, end: 6 },
      { id: '2', size: 16, start: 0, end: 6 },
      { id: '3', size: 16, start: 0, end: 6 },
      { id: '4', size: 16, start: 0, end: 6 },
    ]);
    expect(g!.problem.buffers).toHaveLength(11);
    expect(() => importOnnx(model(SMALL_CNN), 'm.onnx', { align: 3 })).toThrow(/m.onnx: alignment must be a power of two/);
  });

  it('lets a view (Reshape, Squeeze, Identity...) share the buffer of an input that dies there, by default', () => {
    const [g] = load(SMALL_CNN);
    // Q (tensor 8) dies at the Reshape that makes F (9): one buffer from Q's producer to F's last reader.
    expect(g!.problem.buffers.map((b) => [b.id, b.size, b.start, b.end])).toEqual([
      ['0', 768, 0, 1],
      ['5', 1024, 0, 2],
      ['6', 1024, 1, 3],
      ['7', 256, 2, 4],
      ['8', 256, 3, 6],
      ['10', 512, 5, 6],
    ]);
    expect(g!.tensorsOf).toEqual([[0], [5], [6], [7], [8, 9], [10]]);
    expect(g!.tensors!.find((t) => t.name === 'F')).toMatchObject({ buffer: 4, start: 4, end: 6 });
    expect(g!.notes.join('\n')).toMatch(/1 view \(Reshape, Squeeze, Unsqueeze, Flatten, Identity\) share the buffer/);
    // A chain of views shares one buffer; a view whose input is read later gets its own.
    const [h] = load({
      inputs: [vi('x', [1, 6])],
      outputs: [vi('z', [6]), vi('w', [1, 6])],
      initializers: [tensor('s', [2], [2, 3], INT64)],
      nodes: [
        node('Relu', ['x'], ['a']),
        node('Reshape', ['a', 's'], ['b']),
        node('Flatten', ['b'], ['c'], [int('axis', 0)]),
        node('Squeeze', ['c'], ['d']),
        node('Identity', ['d'], ['z']),
        node('Identity', ['x'], ['x2']),
        node('Add', ['x2', 'x'], ['w']),
      ],
    });
    expect(h!.tensorsOf).toEqual([[0], [2, 3, 4, 5, 6], [7], [8]]);
    expect(h!.problem.buffers.map((b) => [b.start, b.end])).toEqual([
      [0, 7],
      [0, 7],
      [5, 7],
      [6, 7],
    ]);
  });

  it('keeps a graph input that is also an output live for the whole run, and one with no reader for a step', () => {
    const [g] = load({
      inputs: [vi('X', [2, 2]), vi('U', [5], BOOL)],
      outputs: [vi('X', [2, 2]), vi('Z', [2, 2])],
      nodes: [node('Neg', ['X'], ['N']), node('Abs', ['N'], ['Z'])],
    });
    expect(g!.problem.buffers).toEqual([
      { id: '0', size: 16, start: 0, end: 2, align: 16 },
      { id: '1', size: 5, start: 0, end: 1, align: 16 },
      { id: '2', size: 16, start: 0, end: 2, align: 16 },
      { id: '3', size: 16, start: 1, end: 2, align: 16 },
    ]);
  });

  it('sorts a node list that is not topological, stably, and says so', () => {
    const spec: GraphSpec = {
      inputs: [vi('X', [4])],
      outputs: [vi('Z', [4])],
      nodes: [node('Relu', ['Y'], ['Z'], [], 'second'), node('Neg', ['X'], ['Y'], [], 'first')],
    };
    const [g] = load(spec);
    expect(g!.names).toEqual(['X', 'Y', 'Z']);
    expect(g!.problem.buffers.map((b) => [b.start, b.end])).toEqual([
      [0, 1],
      [0, 2],
      [1, 2],
    ]);
    expect(g!.notes.join('\n')).toMatch(/not topological/);
    const cycle: GraphSpec = { ...spec, nodes: [node('Relu', ['Y'], ['Z'], [], 'a'), node('Add', ['X', 'Z'], ['Y'], [], 'b')] };
    expect(() => importOnnx(model(cycle), 'c.onnx')).toThrow(/c.onnx: node "a" \(Relu, #0\): the graph has a cycle/);
    const dangling: GraphSpec = { ...spec, nodes: [node('Relu', ['nothing'], ['Z'], [], 'r')] };
    expect(() => importOnnx(model(dangling), 'd.onnx')).toThrow(/node "r" \(Relu, #0\): input "nothing" is produced by no node/);
  });
});

describe('ONNX import: shape inference', () => {
  /** The shape inferred for tensor `name` (from the buffer size of a FLOAT tensor). */
  const shapeSize = (g: ModelSubgraph, name: string): number => g.problem.buffers[g.names.indexOf(name)]!.size / 4;

  it('broadcasts like numpy and names the node when shapes do not broadcast', () => {
    const [g] = load({
      inputs: [vi('a', [2, 1, 5]), vi('b', [3, 1]), vi('c', [])],
      outputs: [vi('y', [2, 3, 5]), vi('z', [2, 3, 5])],
      nodes: [node('Mul', ['a', 'b'], ['y']), node('Sum', ['y', 'c', 'b'], ['z'])],
    });
    expect(shapeSize(g!, 'y')).toBe(30);
    expect(shapeSize(g!, 'c')).toBe(1);
    const bad: GraphSpec = { inputs: [vi('a', [2, 3]), vi('b', [4])], outputs: [vi('y', null)], nodes: [node('Add', ['a', 'b'], ['y'], [], 'add1')] };
    expect(() => importOnnx(model(bad), 'b.onnx')).toThrow(/b.onnx: node "add1" \(Add, #0\): cannot infer the output shape: shapes \[2, 3\] and \[4\] do not broadcast/);
  });

  it('reshapes with 0 and -1, and rejects impossible shapes', () => {
    const reshape = (target: number[], extra: Parameters<typeof node>[3] = []): GraphSpec => ({
      inputs: [vi('x', [2, 3, 4])],
      outputs: [vi('y', null)],
      initializers: [tensor('s', [target.length], target, INT64)],
      nodes: [node('Reshape', ['x', 's'], ['y'], extra, 'rs')],
    });
    const sizes = (target: number[]): number[] =>
      importOnnx(model(reshape(target)), 'r.onnx', { shareReshapes: false }).subgraphs[0]!.problem.buffers.map((b) => b.size);
    expect(sizes([0, -1])).toEqual([96, 96]);
    expect(sizes([-1, 0, 2])).toEqual([96, 96]);
    // Checked through value_info: the declared shape must agree with the inferred one.
    const declared = (target: number[], shape: number[]): GraphSpec => ({ ...reshape(target), outputs: [vi('y', shape)] });
    expect(() => load(declared([0, -1], [2, 12]))).not.toThrow();
    expect(() => load(declared([4, 0, -1], [4, 3, 2]))).not.toThrow();
    expect(() => importOnnx(model(declared([0, -1], [2, 3, 4])), 'r.onnx')).toThrow(
      /node "rs" \(Reshape, #0\): output "y" is declared \[2, 3, 4\] in value_info but inferred as \[2, 12\]/,
    );
    expect(() => importOnnx(model(reshape([-1, -1])), 'r.onnx')).toThrow(/node "rs" \(Reshape, #0\): cannot infer the output shape: shape \[-1, -1\] has more than one -1/);
    expect(() => importOnnx(model(reshape([5, -1])), 'r.onnx')).toThrow(/cannot reshape \[2, 3, 4\] \(24 elements\) to \[5, -1\]/);
    expect(() => importOnnx(model(reshape([0, 0, 0, 0])), 'r.onnx')).toThrow(/copies a dimension the input \[2, 3, 4\] lacks/);
    // allowzero=1 (opset 14): 0 is a zero-sized axis (no memory); without it, 0 copies the input's axis.
    const zero = (allow: number): GraphSpec => ({ ...reshape([3, 0], [int('allowzero', allow)]), inputs: [vi('x', [0, 3])] });
    const z = importOnnx(model(zero(1), 14), 'z.onnx', { shareReshapes: false }).subgraphs[0]!;
    expect(z.problem.buffers).toEqual([]);
    expect(z.notes.join('\n')).toMatch(/2 tensors with no elements \(no memory\)/);
    expect(() => importOnnx(model(zero(0), 14), 'z.onnx')).toThrow(/cannot reshape \[0, 3\] \(0 elements\) to \[3, 3\] \(9 elements\)/);
  });

  it('concatenates, and rejects inputs that differ outside the axis', () => {
    const [g] = load({
      inputs: [vi('a', [1, 2, 5]), vi('b', [1, 3, 5])],
      outputs: [vi('y', [1, 5, 5])],
      nodes: [node('Concat', ['a', 'b', 'a'], ['y0'], [int('axis', -2)]), node('Slice', ['y0', 's0', 's1', 's2'], ['y'])],
      initializers: [tensor('s0', [1], [0], INT64), tensor('s1', [1], [5], INT64), tensor('s2', [1], [1], INT64)],
    });
    expect(shapeSize(g!, 'y0')).toBe(35);
    const bad: GraphSpec = {
      inputs: [vi('a', [1, 2, 5]), vi('b', [1, 3, 4])],
      outputs: [vi('y', null)],
      nodes: [node('Concat', ['a', 'b'], ['y'], [int('axis', 1)], 'cat')],
    };
    expect(() => importOnnx(model(bad), 'c.onnx')).toThrow(/node "cat" \(Concat, #0\): .*differ outside axis 1/);
  });

  it('computes Conv, ConvTranspose and pooling shapes as hand-computed', () => {
    const conv = (x: number[], w: number[], attrs: Parameters<typeof node>[3], op = 'Conv'): number[] => {
      const spec: GraphSpec = {
        inputs: [vi('x', x)],
        outputs: [vi('y', null)],
        initializers: [weights('w', w)],
        nodes: [node(op, op === 'Conv' || op === 'ConvTranspose' ? ['x', 'w'] : ['x'], ['y'], attrs)],
      };
      const g = importOnnx(model(spec), 'c.onnx').subgraphs[0]!;
      return [g.problem.buffers[1]!.size / 4];
    };
    // 224 -> (224 + 3 + 3 - 7) / 2 + 1 = 112 (floor): [1, 64, 112, 112]
    expect(conv([1, 3, 224, 224], [64, 3, 7, 7], [ints('strides', [2, 2]), ints('pads', [3, 3, 3, 3])])).toEqual([64 * 112 * 112]);
    // dilation 2, no pad: 32 - (3 - 1) * 2 = 28; depthwise (group 16)
    expect(conv([1, 16, 32, 32], [16, 1, 3, 3], [ints('dilations', [2, 2]), int('group', 16)])).toEqual([16 * 28 * 28]);
    // SAME_UPPER with stride 2: ceil(15 / 2) = 8
    expect(conv([1, 2, 15, 15], [4, 2, 3, 3], [ints('strides', [2, 2]), { name: 'auto_pad', type: 3, s: new TextEncoder().encode('SAME_UPPER') }])).toEqual([4 * 8 * 8]);
    // 1-D convolution: (100 - 5) / 5 + 1 = 20
    expect(conv([1, 1, 100], [8, 1, 5], [ints('strides', [5])])).toEqual([8 * 20]);
    // ConvTranspose: 2 * (7 - 1) + 3 - 1 - 1 + 1 (output_padding) = 14, channels = w[1] * group = 6
    expect(conv([1, 4, 7, 7], [4, 3, 3, 3], [ints('strides', [2, 2]), ints('pads', [1, 1, 1, 1]), ints('output_padding', [1, 1]), int('group', 2)], 'ConvTranspose')).toEqual([6 * 14 * 14]);
    // MaxPool 3x3 stride 2 over 112: floor((112 - 3) / 2) + 1 = 55; with ceil_mode: 56
    expect(conv([1, 8, 112, 112], [1], [ints('kernel_shape', [3, 3]), ints('strides', [2, 2])], 'MaxPool')).toEqual([8 * 55 * 55]);
    expect(conv([1, 8, 112, 112], [1], [ints('kernel_shape', [3, 3]), ints('strides', [2, 2]), int('ceil_mode', 1)], 'MaxPool')).toEqual([8 * 56 * 56]);
    expect(conv([1, 8, 7, 7], [1], [], 'GlobalAveragePool')).toEqual([8]);
    expect(() => conv([1, 3, 8, 8], [4, 2, 3, 3], [])).toThrow(/\(Conv, #0\): cannot infer the output shape: input \[1, 3, 8, 8\] has 3 channels/);
  });

  it('reads Squeeze/Unsqueeze axes from the attribute (opset < 13) and from the input (opset >= 13)', () => {
    const attrForm: GraphSpec = {
      inputs: [vi('x', [1, 3, 1, 4])],
      outputs: [vi('y', [3, 4]), vi('z', [3, 1, 4, 1])],
      nodes: [node('Squeeze', ['x'], ['y'], [ints('axes', [0, -2])]), node('Unsqueeze', ['y'], ['z'], [ints('axes', [1, -1])])],
    };
    expect(() => load(attrForm, {}, 11)).not.toThrow();
    const inputForm: GraphSpec = {
      inputs: [vi('x', [1, 3, 1, 4])],
      outputs: [vi('y', [3, 4]), vi('z', [3, 1, 4, 1]), vi('w', [3, 4])],
      initializers: [tensor('a', [2], [0, -2], INT64), tensor('b', [2], [1, -1], INT64)],
      nodes: [node('Squeeze', ['x', 'a'], ['y']), node('Unsqueeze', ['y', 'b'], ['z']), node('Squeeze', ['z'], ['w'])],
    };
    expect(() => load(inputForm, {}, 13)).not.toThrow();
    const undeclared: GraphSpec = { ...attrForm, outputs: [vi('y', null), vi('z', null)] };
    expect(() => importOnnx(model(undeclared, 13), 's.onnx')).toThrow(/\(Unsqueeze, #1\): cannot infer the output shape: axes are missing/);
  });

  it('folds Shape -> Gather -> Unsqueeze -> Concat into a constant Reshape target, planning none of it', () => {
    const [g] = load({
      inputs: [vi('x', [2, 3, 4, 5])],
      outputs: [vi('y', [2, 60])],
      initializers: [tensor('i0', [], [0], INT64), tensor('ax', [1], [0], INT64), tensor('m1', [1], [-1], INT64)],
      nodes: [
        node('Shape', ['x'], ['s']),
        node('Gather', ['s', 'i0'], ['n']),
        node('Unsqueeze', ['n', 'ax'], ['n1']),
        node('Concat', ['n1', 'm1'], ['target'], [int('axis', 0)]),
        node('Reshape', ['x', 'target'], ['y']),
      ],
    }, { shareReshapes: false });
    expect(g!.names).toEqual(['x', 'y']);
    expect(g!.tensors!.filter((t) => t.kind === 'prepared').map((t) => t.name)).toEqual(['s', 'n', 'n1', 'target']);
    expect(g!.problem.buffers.map((b) => [b.size, b.start, b.end])).toEqual([
      [480, 0, 5],
      [480, 4, 5],
    ]);
    expect(g!.notes.join('\n')).toMatch(/4 nodes with only constant inputs: outputs folded into constants/);
  });

  it('does not keep a tensor alive for a Shape that is folded before the run', () => {
    const [g] = load({
      inputs: [vi('x', [2, 3])],
      outputs: [vi('y', [2, 3])],
      nodes: [
        node('Relu', ['x'], ['a']),
        node('Neg', ['x'], ['b']),
        node('Shape', ['a'], ['s']),
        node('ConstantOfShape', ['s'], ['c']),
        node('Add', ['b', 'c'], ['y']),
      ],
    });
    expect(g!.names).toEqual(['x', 'a', 'b', 'y']);
    expect(g!.problem.buffers.map((b) => [b.start, b.end])).toEqual([
      [0, 2],
      [0, 1],
      [1, 5],
      [4, 5],
    ]);
    expect(g!.tensors!.find((t) => t.name === 'c')!.kind).toBe('prepared');
  });

  it('clamps INT64_MAX Slice ends, and slices with negative steps', () => {
    const big = 9223372036854775807n;
    const [g] = load({
      inputs: [vi('x', [10, 6])],
      outputs: [vi('y', [8, 6]), vi('z', [10, 3])],
      initializers: [
        tensor('st', [1], [2], INT64),
        tensor('en', [1], [big], INT64),
        tensor('st2', [1], [-1], INT64),
        tensor('en2', [1], [-big - 1n], INT64),
        tensor('ax', [1], [1], INT64),
        tensor('sp', [1], [-2], INT64),
      ],
      nodes: [node('Slice', ['x', 'st', 'en'], ['y']), node('Slice', ['x', 'st2', 'en2', 'ax', 'sp'], ['z'])],
    });
    expect(g!.problem.buffers.map((b) => b.size)).toEqual([240, 192, 120]);
  });

  it('infers Gemm, MatMul, Transpose, Flatten, Split, Pad, Resize and reductions', () => {
    const [g] = load({
      inputs: [vi('x', [2, 3, 4, 5]), vi('m', [7, 5, 6])],
      outputs: [
        vi('t', [2, 5, 3, 4]),
        vi('f', [6, 20]),
        vi('g', [6, 9]),
        vi('mm', [2, 7, 3, 4, 6]),
        vi('s1', [2, 1, 4, 5]),
        vi('s2', [2, 2, 4, 5]),
        vi('p', [2, 3, 7, 8]),
        vi('r', [2, 3, 8, 10]),
        vi('rm', [2, 1, 1, 5]),
        vi('am', [2, 4, 5], INT64),
      ],
      initializers: [
        weights('w', [9, 20]),
        tensor('sp', [2], [1, 2], INT64),
        tensor('pads', [8], [0, 0, 1, 2, 0, 0, 2, 1], INT64),
        tensor('sc', [4], [1, 1, 2, 2]),
        tensor('axes', [2], [1, 2], INT64),
        weights('m7', [2, 7, 3, 4, 5]),
      ],
      nodes: [
        node('Transpose', ['x'], ['t'], [ints('perm', [0, 3, 1, 2])]),
        node('Flatten', ['x'], ['f'], [int('axis', 2)]),
        node('Gemm', ['f', 'w'], ['g'], [int('transB', 1)]),
        node('MatMul', ['m7', 'm'], ['mm']),
        node('Split', ['x', 'sp'], ['s1', 's2'], [int('axis', 1)]),
        node('Pad', ['x', 'pads'], ['p']),
        node('Resize', ['x', '', 'sc'], ['r']),
        node('ReduceMean', ['x'], ['rm'], [ints('axes', [1, 2])]),
        node('ArgMax', ['x'], ['am'], [int('axis', 1), int('keepdims', 0)]),
      ],
    });
    expect(g!.notes.join('\n')).toMatch(/10 inferred shapes checked against the model's value_info/);
  });

  it('infers Resize with sizes, Upsample, DepthToSpace, Expand, Tile, LSTM, Range, Where and Cast (checked by value_info)', () => {
    const [g] = load({
      inputs: [vi('x', [1, 8, 3, 5]), vi('seq', [7, 2, 16])],
      outputs: [
        vi('rs', [1, 8, 6, 4]),
        vi('d2s', [1, 2, 6, 10]),
        vi('ex', [2, 8, 3, 5]),
        vi('ti', [1, 16, 9, 5]),
        vi('y', [7, 2, 2, 32]),
        vi('yh', [2, 2, 32]),
        vi('yc', [2, 2, 32]),
        vi('rg', [5], INT64),
        vi('cf', [1, 8, 3, 5]),
        vi('wh', [3], INT64),
      ],
      initializers: [
        tensor('sizes', [4], [1, 8, 6, 4], INT64),
        tensor('eshape', [4], [2, 1, 1, 1], INT64),
        tensor('reps', [4], [1, 2, 3, 1], INT64),
        weights('W', [2, 128, 16]),
        weights('R', [2, 128, 32]),
        tensor('r0', [], [1], INT64),
        tensor('r1', [], [11], INT64),
        tensor('r2', [], [2], INT64),
        tensor('cond', [3], [1, 0, 1], BOOL),
        tensor('a', [3], [1, 2, 3], INT64),
        tensor('b', [1], [9], INT64),
      ],
      nodes: [
        node('Resize', ['x', '', '', 'sizes'], ['rs']),
        node('DepthToSpace', ['x'], ['d2s'], [int('blocksize', 2)]),
        node('Expand', ['x', 'eshape'], ['ex']),
        node('Tile', ['x', 'reps'], ['ti']),
        node('LSTM', ['seq', 'W', 'R'], ['y', 'yh', 'yc'], [int('hidden_size', 32), { name: 'direction', type: 3, s: new TextEncoder().encode('bidirectional') }]),
        node('Range', ['r0', 'r1', 'r2'], ['rg']),
        node('Cast', ['x'], ['cf'], [int('to', 1)]),
        node('Where', ['cond', 'a', 'b'], ['wh']),
      ],
    });
    expect(g!.notes.join('\n')).toMatch(/10 inferred shapes checked/);
    // Range and Where of constants are folded: not planned.
    expect(g!.names).not.toContain('rg');
  });

  it('reads the attribute forms of old opsets: Reshape (4), Slice and Upsample (9), Pad (2)', () => {
    const old = (opset: number, n: ReturnType<typeof node>, out: number[], inits: ReturnType<typeof tensor>[] = []): void => {
      expect(() => load({ inputs: [vi('x', [2, 3, 4])], outputs: [vi('y', out)], initializers: inits, nodes: [n] }, {}, opset)).not.toThrow();
    };
    old(4, node('Reshape', ['x'], ['y'], [ints('shape', [0, -1])]), [2, 12]);
    old(9, node('Slice', ['x'], ['y'], [ints('starts', [1, -2]), ints('ends', [100, -1]), ints('axes', [1, 2])]), [2, 2, 1]);
    old(9, node('Upsample', ['x', 'sc'], ['y']), [2, 6, 12], [tensor('sc', [3], [1, 2, 3])]);
    old(10, node('Resize', ['x', 'sc'], ['y']), [2, 6, 12], [tensor('sc', [3], [1, 2, 3])]);
    old(2, node('Pad', ['x'], ['y'], [ints('pads', [0, 1, 2, 0, 3, 4])]), [2, 7, 10]);
    // Attributes of files before IR version 0.0.2 carry no type: it is taken from the field that is set.
    old(9, node('Flatten', ['x'], ['y'], [{ name: 'axis', i: 2 }]), [6, 4]);
  });

  it('reads INT64 constants stored in int64_data as well as in raw_data', () => {
    const [g] = load({
      inputs: [vi('x', [2, 3, 4])],
      outputs: [vi('y', [4, 6])],
      initializers: [{ name: 's', dims: [2], dataType: INT64, int64Data: [4, -1] }],
      nodes: [node('Reshape', ['x', 's'], ['y'])],
    }, { shareReshapes: false });
    expect(g!.problem.buffers.map((b) => b.size)).toEqual([96, 96]);
  });

  it('takes output shapes from value_info for an op it has no rule for, and otherwise names the node', () => {
    const spec = (declared: boolean): GraphSpec => ({
      inputs: [vi('x', [4, 4])],
      outputs: [vi('y', declared ? [4, 8] : null)],
      nodes: [node('FancyOp', ['x'], ['y'], [], 'fancy', 'com.example')],
    });
    const [g] = importOnnx(model(spec(true), 13, { 'com.example': 1 }), 'f.onnx').subgraphs;
    expect(g!.problem.buffers.map((b) => b.size)).toEqual([64, 128]);
    expect(g!.notes.join('\n')).toMatch(/output shapes taken from value_info for node "fancy" \(FancyOp of com.example, #0\)/);
    let err: unknown;
    try {
      importOnnx(model(spec(false), 13, { 'com.example': 1 }), 'f.onnx');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toBe(
      'f.onnx: node "fancy" (FancyOp of com.example, #0): cannot infer the output shape: op_type FancyOp of domain com.example has no shape rule in this importer',
    );
    expect((err as InputError).file).toBe('f.onnx');
    expect((err as InputError).buffer).toBe('y');
  });

  it('rejects element types without a fixed size and tensors beyond 2^53 bytes', () => {
    const strings: GraphSpec = { inputs: [vi('s', [3], STRING)], outputs: [vi('y', null, STRING)], nodes: [node('Identity', ['s'], ['y'])] };
    expect(() => importOnnx(model(strings), 's.onnx')).toThrow(/tensor "s" has element type STRING, whose size is not fixed/);
    const huge: GraphSpec = { inputs: [vi('x', [2 ** 30, 2 ** 30, 16])], outputs: [vi('y', null)], nodes: [node('Relu', ['x'], ['y'])] };
    expect(() => importOnnx(model(huge), 'h.onnx')).toThrow(/tensor "x" of shape \[1073741824, 1073741824, 16\] needs more than 2\^53-1 bytes/);
  });
});

describe('ONNX import: graph inputs with symbolic dimensions', () => {
  const spec: GraphSpec = {
    inputs: [vi('img', ['N', 3, 'H', 'W'])],
    outputs: [vi('y', null)],
    nodes: [node('Relu', ['img'], ['y'])],
  };
  it('names every unresolved dimension in one message, with --dim, --batch and --input-shape', () => {
    expect(() => importOnnx(model(spec), 'i.onnx')).toThrow(
      'i.onnx: 3 input dimensions are not known: graph input "img" [N, 3, H, W]: "N" at axis 0, "H" at axis 2, "W" at axis 3. ' +
        'Give --dim N=N --dim H=N --dim W=N, or --batch N (a first axis, or a dimension named batch), or --input-shape img=Nx3xNxN',
    );
    expect(() => importOnnx(model(spec), 'i.onnx', { batch: 2 })).toThrow(/2 input dimensions are not known: graph input "img" \[N, 3, H, W\]: "H" at axis 2, "W" at axis 3\. Give --dim H=N --dim W=N, or --input-shape img=Nx3xNxN$/);
  });
  it('--dim sets a symbolic dimension by name wherever it sits; --batch a dimension named batch on any axis', () => {
    expect(load(spec, { dims: { N: 2, H: 4, W: 5 } })[0]!.problem.buffers[0]!.size).toBe(2 * 3 * 4 * 5 * 4);
    expect(load(spec, { batch: 2, dims: { H: 4, W: 5 } })[0]!.problem.buffers[0]!.size).toBe(2 * 3 * 4 * 5 * 4);
    const shared: GraphSpec = { inputs: [vi('a', [4, 'batch_size']), vi('b', [2, 'batch_size'])], outputs: [vi('y', null)], nodes: [node('Relu', ['a'], ['y']), node('Relu', ['b'], ['z'])] };
    const [g] = load(shared, { batch: 3 });
    expect(['a', 'b'].map((n) => g!.problem.buffers[g!.names.indexOf(n)]!.size)).toEqual([4 * 3 * 4, 2 * 3 * 4]);
    expect(() => importOnnx(model(spec), 'i.onnx', { dims: { N: 1, H: 2, W: 2, C: 3 } })).toThrow(/--dim C: no graph input has a symbolic dimension "C" \(they are "N", "H", "W"\)/);
    expect(() => parseDims(['H=0'])).toThrow(/should look like NAME=VALUE/);
    expect(() => parseDims(['H=2', 'H=3'])).toThrow(/given twice/);
    expect(parseDims(['batch=1', 'a=b=7'])).toEqual({ batch: 1, 'a=b': 7 });
  });
  it('uses the given shapes, checked against the declared dimensions', () => {
    const [g] = load(spec, { inputShapes: { img: [2, 3, 4, 5] } });
    expect(g!.problem.buffers.map((b) => b.size)).toEqual([480, 480]);
    expect(() => importOnnx(model(spec), 'i.onnx', { inputShapes: { img: [2, 4, 4, 5] } })).toThrow(/has 3 at axis 1 .* but the given shape \[2, 4, 4, 5\] has 4/);
    expect(() => importOnnx(model(spec), 'i.onnx', { inputShapes: { img: [2, 3, 4] } })).toThrow(/has rank 4 .* has rank 3/);
    expect(() => importOnnx(model(spec), 'i.onnx', { inputShapes: { image: [1] } })).toThrow(/input shape given for "image", which is not a graph input \(the inputs are "img"\)/);
    const batchOnly: GraphSpec = { ...spec, inputs: [vi('img', ['N', 3, 2, 2])] };
    expect(load(batchOnly, { batch: 3 })[0]!.problem.buffers[0]!.size).toBe(3 * 12 * 4);
  });
  it('parses --input-shape', () => {
    expect(parseInputShape('input:0=1x128x128x3')).toEqual({ name: 'input:0', shape: [1, 128, 128, 3] });
    expect(parseInputShape('a=b=2,3')).toEqual({ name: 'a=b', shape: [2, 3] });
    expect(parseInputShape('sr=')).toEqual({ name: 'sr', shape: [] });
    expect(() => parseInputShape('1x3x224x224')).toThrow(/should look like name=1x3x224x224/);
    expect(() => parseInputShape('x=1x-3')).toThrow(/"-3" is not a dimension/);
    expect(() => parseInputShape('x=1xx3')).toThrow(/"" is not a dimension/);
    expect(parseInputShapes(['a=1', 'b=2x2'])).toEqual({ a: [1], b: [2, 2] });
    expect(() => parseInputShapes(['a=1', 'a=2'])).toThrow(/given twice/);
  });
});

describe('ONNX import: If subgraphs', () => {
  const branch = (name: string, op: string): ReturnType<typeof graph> =>
    graph({ name, inputs: [], outputs: [vi(`${name}_out`, null)], nodes: [node(op, ['x'], [`${name}_t`]), node('Relu', [`${name}_t`], [`${name}_out`])] });
  const spec = (cond: 'input' | 'const'): GraphSpec => ({
    inputs: cond === 'input' ? [vi('x', [4, 8]), vi('c', [], BOOL)] : [vi('x', [4, 8])],
    outputs: [vi('y', [4, 8])],
    initializers: cond === 'const' ? [tensor('c', [], [0], BOOL)] : [],
    nodes: [
      node('Neg', ['x'], ['x2'], [], 'pre'),
      node('If', ['c'], ['y'], [graphAttr('then_branch', branch('then', 'Neg')), graphAttr('else_branch', branch('else', 'Abs'))], 'branch'),
    ],
  });
  it('plans each branch as a subgraph of its own; outer tensors stay in the enclosing plan', () => {
    const subs = load(spec('input'));
    expect(subs.map((s) => s.name)).toEqual(['g', 'branch/then_branch', 'branch/else_branch']);
    // x is read inside the branches, so in the main graph it lives until the If runs (step 1).
    expect(subs[0]!.problem.buffers.map((b) => [subs[0]!.names[subs[0]!.problem.buffers.indexOf(b)], b.start, b.end])).toEqual([
      ['x', 0, 2],
      ['c', 0, 2],
      ['x2', 0, 1],
      ['y', 1, 2],
    ]);
    expect(subs[1]!.names).toEqual(['then_t', 'then_out']);
    expect(subs[1]!.problem.buffers.map((b) => [b.size, b.start, b.end])).toEqual([
      [128, 0, 2],
      [128, 1, 2],
    ]);
    expect(subs[1]!.notes.join('\n')).toMatch(/reads 1 tensor of the enclosing graph, held by the enclosing graph's plan: "x"/);
    expect(subs.map((s) => s.index)).toEqual([0, 1, 2]);
  });
  it('plans only the branch a constant condition selects', () => {
    const subs = load(spec('const'));
    expect(subs.map((s) => s.name)).toEqual(['g', 'branch/else_branch']);
  });
  it('leaves out, with a warning, only a branch whose shapes do not fit; a branch with no shape rule is an error', () => {
    const misfit = graph({
      name: 'bad',
      inputs: [],
      outputs: [vi('bad_out', null)],
      // [4, 8] + [3] does not broadcast: this branch cannot run with x of shape [4, 8].
      initializers: [tensor('three', [3], [1, 2, 3])],
      nodes: [node('Add', ['x', 'three'], ['bad_out'])],
    });
    const noRule = graph({ name: 'odd', inputs: [], outputs: [vi('odd_out', null)], nodes: [node('GatherElements', ['x', 'x'], ['odd_out'])] });
    const withElse = (g: ReturnType<typeof graph>): GraphSpec => ({
      inputs: [vi('x', [4, 8]), vi('c', [], BOOL)],
      outputs: [vi('y', [4, 8])],
      nodes: [node('If', ['c'], ['y'], [graphAttr('then_branch', branch('then', 'Neg')), graphAttr('else_branch', g)], 'branch')],
    });
    const subs = load(withElse(misfit));
    expect(subs.map((s) => s.name)).toEqual(['g', 'branch/then_branch']);
    expect(subs[0]!.notes.join('\n')).toMatch(/WARNING: else_branch is not planned: its shapes do not fit these inputs/);
    expect(() => importOnnx(model(withElse(noRule)), 'm.onnx')).toThrow(/GatherElements has no shape rule/);
  });
  it('checks every inferred dimension: a negative or fractional one is an error naming the node', () => {
    const expand: GraphSpec = {
      inputs: [vi('x', [1])],
      outputs: [vi('y', null)],
      initializers: [tensor('to', [2], [-2, -2], INT64)],
      nodes: [node('Expand', ['x', 'to'], ['y'], [], 'grow')],
    };
    expect(() => importOnnx(model(expand), 'e.onnx')).toThrow(/node "grow" \(Expand, #0\): output 0 "y" comes out as \[-2, -2\], which is not a shape/);
    const topk: GraphSpec = {
      inputs: [vi('x', [1, 8])],
      outputs: [vi('v', null), vi('i', null)],
      initializers: [tensor('k', [1], [100000], INT64)],
      nodes: [node('TopK', ['x', 'k'], ['v', 'i'], [], 'top')],
    };
    expect(() => importOnnx(model(topk), 't.onnx')).toThrow(/K = 100000 is not within axis 1/);
  });
  it('refuses Loop bodies with a clear message', () => {
    const loop: GraphSpec = {
      inputs: [vi('n', [], INT64), vi('c', [], BOOL), vi('v', [3])],
      outputs: [vi('out', null)],
      nodes: [node('Loop', ['n', 'c', 'v'], ['out'], [graphAttr('body', graph({ nodes: [] }))], 'loop')],
    };
    expect(() => importOnnx(model(loop), 'l.onnx')).toThrow(/node "loop" \(Loop, #0\): cannot infer the output shape: Loop bodies are not planned by this importer/);
  });
});

describe('ONNX import: malformed files', () => {
  it('says the bytes are not an ONNX model, naming the file', () => {
    const good = model(SMALL_CNN);
    expect(() => importOnnx(good.subarray(0, good.length - 7), 'cut.onnx')).toThrow(/^cut.onnx: not a valid ONNX model \(protobuf decoding failed: /);
    expect(() => importOnnx(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]), 'junk.onnx')).toThrow(/junk.onnx: not a valid ONNX model/);
    expect(() => importOnnx(new TextEncoder().encode('id,lower,upper,size\n'), 'text.onnx')).toThrow(/text.onnx: not a valid ONNX model/);
    expect(() => importOnnx(new Uint8Array(), 'empty.onnx')).toThrow('empty.onnx: not a valid ONNX model (no graph in the ModelProto)');
  });
  it('answers corrupted bytes with a plan or an InputError, never another exception', () => {
    const good = model(SMALL_CNN);
    // (A float LCG lost its low bits past 2^53 and hit the same few bytes again and again.)
    const rnd = rng(7);
    let imported = 0;
    let refused = 0;
    for (let t = 0; t < 600; t++) {
      const bytes = good.slice();
      // 1 to 3 bytes: almost every such model is refused, but some still import (the plan path runs).
      for (let k = 0; k <= t % 3; k++) bytes[Math.floor(rnd() * bytes.length)] = Math.floor(rnd() * 256);
      try {
        planAll(importOnnx(bytes, 'fuzz.onnx').subgraphs);
        imported++;
      } catch (e) {
        expect(e, `mutation ${t}`).toBeInstanceOf(InputError);
        expect((e as InputError).message).toMatch(/^fuzz.onnx: /);
        refused++;
      }
    }
    expect(imported + refused).toBe(600);
    expect(refused).toBeGreaterThan(0);
    expect(imported).toBeGreaterThan(0);
  });

  it('rejects a negative dimension and a tensor produced twice', () => {
    const neg = model({ inputs: [vi('x', [2, -3])], outputs: [vi('y', null)], nodes: [node('Relu', ['x'], ['y'])] });
    expect(() => importOnnx(neg, 'n.onnx')).toThrow('n.onnx: 1 input dimension is not known: graph input "x" [2, ?]: an unknown dimension at axis 1. Give --input-shape x=2xN');
    const twice = model({ inputs: [vi('x', [2])], outputs: [vi('y', null)], nodes: [node('Relu', ['x'], ['y'], [], 'r1'), node('Neg', ['x'], ['y'], [], 'r2')] });
    expect(() => importOnnx(twice, 't.onnx')).toThrow(/node "r2" \(Neg, #1\): tensor "y" is also produced by node "r1" \(Relu, #0\)/);
  });
  it('rejects duplicate value names (ONNX single assignment): inputs, initializers, node outputs, naming the place', () => {
    const relu = (out: string, name = 'r'): ReturnType<typeof node> => node('Relu', ['x'], [out], [], name);
    const cases: [GraphSpec, RegExp][] = [
      [{ inputs: [vi('x', [2]), vi('x', [2])], outputs: [vi('y', null)], nodes: [relu('y')] }, /^d\.onnx: graph input "x" is listed twice \(inputs #0 and #1\)/],
      [
        { inputs: [vi('x', [2])], outputs: [vi('y', null)], initializers: [tensor('w', [2], [1, 2]), tensor('w', [2], [3, 4])], nodes: [node('Add', ['x', 'w'], ['y'], [], 'a')] },
        /^d\.onnx: initializer "w" is defined twice \(initializers #0 and #1\)/,
      ],
      [
        { inputs: [vi('x', [2])], outputs: [vi('w', null)], initializers: [tensor('w', [2], [1, 2])], nodes: [relu('w', 'r1')] },
        /^d\.onnx: node "r1" \(Relu, #0\): writes "w", which is initializer #0 \(a constant\)/,
      ],
      [{ inputs: [vi('x', [2])], outputs: [vi('x', null)], nodes: [relu('x', 'r2')] }, /^d\.onnx: node "r2" \(Relu, #0\): writes "x", which is graph input #0/],
    ];
    for (const [spec, message] of cases) {
      expect(() => importOnnx(model(spec), 'd.onnx')).toThrow(InputError);
      expect(() => importOnnx(model(spec), 'd.onnx')).toThrow(message);
    }
    // An initializer listed as a graph input too (IR < 4: a default value) is allowed.
    const ok = model({ inputs: [vi('x', [2]), vi('w', [2])], outputs: [vi('y', null)], initializers: [tensor('w', [2], [1, 2])], nodes: [node('Add', ['x', 'w'], ['y'])] });
    expect(importOnnx(ok, 'ok.onnx').subgraphs[0]!.problem.buffers.length).toBeGreaterThan(0);
  });
  it('rejects duplicate names inside an If branch, naming the branch', () => {
    const branch = (nodes: ReturnType<typeof node>[], initializers: ReturnType<typeof tensor>[] = []): ReturnType<typeof graph> =>
      graph({ nodes, outputs: [vi('b', null)], initializers });
    const then = branch([node('Neg', ['x'], ['b'])], [tensor('k', [1], [1]), tensor('k', [1], [2])]);
    const other = branch([node('Relu', ['x'], ['b'])]);
    const m = model({
      inputs: [vi('x', [2]), vi('c', [], BOOL)],
      outputs: [vi('y', null)],
      nodes: [node('If', ['c'], ['y'], [graphAttr('then_branch', then), graphAttr('else_branch', other)], 'if')],
    });
    expect(() => importOnnx(m, 'if.onnx')).toThrow(/if\.onnx: node "if" \(If, #0\) then_branch: initializer "k" is defined twice/);
  });
  it('checks the declared element type against the inferred one', () => {
    const spec: GraphSpec = { inputs: [vi('x', [2])], outputs: [vi('y', [2], INT64)], nodes: [node('Relu', ['x'], ['y'], [], 'r')] };
    expect(() => importOnnx(model(spec), 't.onnx')).toThrow(/node "r" \(Relu, #0\): output "y" is declared INT64 in value_info but inferred as FLOAT/);
  });
});
