import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/problem/errors.js';
import { readTflite } from '../../../src/import/tflite/reader.js';
import { buildTflite, FIXTURES, OP, T } from '../../helpers/tflite-builder.js';

describe('readTflite', () => {
  it('reads subgraphs, tensors, operators, operator codes and buffers as built', () => {
    const m = readTflite(buildTflite(FIXTURES.chain()), 'chain.tflite');
    expect(m.version).toBe(3);
    expect(m.subgraphs).toHaveLength(1);
    const sg = m.subgraphs[0]!;
    expect(sg.name).toBe('main');
    expect(sg.inputs).toEqual([0]);
    expect(sg.outputs).toEqual([4]);
    expect(sg.tensors.map((t) => t.name)).toEqual(['input', 'weights', 'conv', 'relu', 'logits']);
    expect(sg.tensors[0]).toEqual({ name: 'input', shape: [1, 8, 8, 4], type: T.INT8, buffer: 1, isVariable: false, externalBuffer: 0 });
    expect(sg.tensors[3]!.type).toBe(T.FLOAT32);
    expect(sg.operators.map((o) => m.operatorCodes[o.opcodeIndex]!.builtin)).toEqual([OP.CONV_2D, OP.RELU, OP.FULLY_CONNECTED]);
    expect(sg.operators[0]!.inputs).toEqual([0, 1, -1]);
    expect(m.buffers[0]!.data.length).toBe(0);
    expect(Array.from(m.buffers[sg.tensors[1]!.buffer]!.data)).toEqual(new Array(16).fill(1));
    expect(m.buffers[sg.tensors[1]!.buffer]!.dataPos % 16).toBe(0);
  });

  it('reads custom codes, codes above 127 (builtin_code), intermediates, variables and signatures', () => {
    const r = readTflite(buildTflite(FIXTURES.residual()), 'r.tflite');
    expect(r.operatorCodes.map((c) => [c.builtin, c.custom])).toEqual([
      [OP.RELU, undefined],
      [32, 'MyCustomOp'],
      [OP.ADD, undefined],
    ]);
    const two = readTflite(buildTflite(FIXTURES.twoSubgraphs()), 'two.tflite');
    expect(two.subgraphs.map((s) => s.name)).toEqual(['main', 'body']);
    expect(two.operatorCodes.map((c) => c.builtin)).toContain(OP.STABLEHLO_ADD);
    const lstm = readTflite(buildTflite(FIXTURES.intermediate()), 'i.tflite');
    expect(lstm.subgraphs[0]!.operators[0]!.intermediates).toEqual([1, 2]);
    expect(readTflite(buildTflite(FIXTURES.variable()), 'v.tflite').subgraphs[0]!.tensors[1]!.isVariable).toBe(true);
    expect(readTflite(buildTflite(FIXTURES.dynamic()), 'd.tflite').subgraphs[0]!.tensors[0]!.shapeSignature).toEqual([-1, 4]);
  });

  it('reads metadata and data stored past the flatbuffer (offset/size)', () => {
    const spec = FIXTURES.chain();
    spec.metadata = [{ name: 'min_runtime_version', data: new TextEncoder().encode('1.5.0') }];
    spec.externalData = new Uint8Array([9, 8, 7, 6]);
    const m = readTflite(buildTflite(spec), 'm.tflite');
    expect(m.metadata).toHaveLength(1);
    expect(m.metadata[0]!.name).toBe('min_runtime_version');
    expect(new TextDecoder().decode(m.buffers[m.metadata[0]!.buffer]!.data)).toBe('1.5.0');
    const ext = m.buffers[m.buffers.length - 1]!;
    expect(ext.size).toBe(4);
    expect(ext.offset % 16).toBe(0);
    expect(ext.offset).toBeGreaterThan(1);
  });
});

describe('readTflite on malformed files: a clear InputError naming the file and place', () => {
  const good = buildTflite(FIXTURES.chain());
  const fails = (bytes: Uint8Array, re: RegExp): void => {
    let err: unknown;
    try {
      readTflite(bytes, 'bad.tflite');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(re);
    expect((err as InputError).file).toBe('bad.tflite');
  };

  it('too short, wrong identifier', () => {
    fails(good.slice(0, 6), /bad\.tflite: header: 6 bytes are too short/);
    fails(good.slice(0, 1), /bad\.tflite: header: 1 byte is too short/);
    const wrong = good.slice();
    wrong.set([0x54, 0x46, 0x4c, 0x32], 4);
    fails(wrong, /bad\.tflite: header: not a TFLite model: file identifier "TFL2" at bytes 4\.\.7, expected "TFL3"/);
  });

  it('every truncation of a model is an InputError, never a crash or a different answer', () => {
    // Only the padding after the last string may be cut without loss; anything else must fail clearly.
    const whole = readTflite(good, 'bad.tflite');
    let failed = 0;
    for (let n = 0; n < good.length; n++) {
      try {
        const m = readTflite(good.slice(0, n), 'bad.tflite');
        expect(good.length - n, `cut at ${n} read fine`).toBeLessThanOrEqual(3);
        expect(m).toEqual(whole);
      } catch (e) {
        expect(e, `cut at ${n}`).toBeInstanceOf(InputError);
        failed++;
      }
    }
    expect(failed).toBeGreaterThan(good.length - 4);
  });

  it('indices out of range name the subgraph and operator or tensor', () => {
    const input = FIXTURES.chain();
    input.subgraphs[0]!.operators[1]!.inputs = [99];
    // The place named once (it was "subgraph 0: subgraph 0, operator 1: input ...").
    fails(buildTflite(input), /\.tflite: subgraph 0, operator 1: input refers to tensor 99, out of range \(5 tensors\)$/);
    const opcode = FIXTURES.chain();
    opcode.subgraphs[0]!.operators[2]!.opcodeIndex = 7;
    fails(buildTflite(opcode), /subgraph 0, operator 2: opcode index 7 is out of range \(2 operator codes\)/);
    const buffer = FIXTURES.chain();
    buffer.subgraphs[0]!.tensors[3]!.buffer = 1000;
    fails(buildTflite(buffer), /subgraph 0, tensor 3 "relu": buffer 1000 is out of range/);
    const graphOut = FIXTURES.chain();
    graphOut.subgraphs[0]!.outputs = [5];
    fails(buildTflite(graphOut), /subgraph 0: graph output refers to tensor 5, out of range/);
    const inter = FIXTURES.intermediate();
    inter.subgraphs[0]!.operators[0]!.intermediates = [-1];
    fails(buildTflite(inter), /\.tflite: subgraph 0, operator 0: intermediate refers to tensor -1/);
  });

  it('a corrupt offset is an InputError naming what it points at', () => {
    const bad = good.slice();
    new DataView(bad.buffer).setUint32(0, bad.length + 100, true);
    fails(bad, /model: table at byte \d+ \(\+4\) lies outside the file/);
  });
});

describe('readTflite: operators that overwrite what they may not', () => {
  /** FIXTURES.chain with one operator's outputs replaced: 0 input, 1 weights, 2 conv, 3 relu, 4 logits. */
  function chainWith(op: number, outputs: number[], inputs?: number[]): Uint8Array {
    const spec = FIXTURES.chain();
    const o = spec.subgraphs[0]!.operators[op]!;
    o.outputs = outputs;
    if (inputs) o.inputs = inputs;
    return buildTflite(spec);
  }
  const cases: [string, Uint8Array, RegExp][] = [
    ['reads its own output', chainWith(1, [3], [3]), /^m\.tflite: subgraph 0, operator 1: reads its own output tensor 3 "relu"$/],
    ['writes a graph input', chainWith(1, [0]), /^m\.tflite: subgraph 0, operator 1: writes tensor 0 "input", a graph input$/],
    ['writes a constant', chainWith(1, [1]), /^m\.tflite: subgraph 0, operator 1: writes tensor 1 "weights", a constant \(its buffer holds data\)$/],
  ];
  for (const [what, bytes, message] of cases) {
    it(`an operator that ${what}: InputError naming the operator and tensor`, () => {
      expect(() => readTflite(bytes, 'm.tflite')).toThrow(InputError);
      expect(() => readTflite(bytes, 'm.tflite')).toThrow(message);
    });
  }
});

