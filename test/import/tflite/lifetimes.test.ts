import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/problem/errors.js';
import { tensorSteps } from '../../../src/graph/live-ranges.js';
import { importTflite } from '../../../src/import/tflite/index.js';
import { isConstant, tensorKinds } from '../../../src/import/tflite/lifetimes.js';
import { readTflite } from '../../../src/import/tflite/reader.js';
import { buildTflite, FIXTURES, type ModelSpec } from '../../helpers/tflite-builder.js';

/**
 * Kinds (tensorKinds) and live ranges (the importer's, src/graph/problem.ts) of subgraph `s`'s tensors,
 * with the step of the last reader of a tensor that moves with the order.
 */
function lives(spec: ModelSpec, s = 0): { kind: string; start?: number; end?: number; lastRead?: number }[] {
  const bytes = buildTflite(spec);
  const model = readTflite(bytes, 'l.tflite');
  const kinds = tensorKinds(model, s);
  const steps = tensorSteps(model.subgraphs[s]!.operators, kinds.length);
  return importTflite(bytes, 'l.tflite').subgraphs[s]!.tensors.map((t) => {
    const x: { kind: string; start?: number; end?: number; lastRead?: number } = { kind: kinds[t.index]! };
    if (t.start !== undefined) Object.assign(x, { start: t.start, end: t.end });
    const last = steps[t.index]!.lastRead;
    if (['input', 'output', 'activation', 'intermediate'].includes(x.kind) && last !== undefined) x.lastRead = last;
    return x;
  });
}

describe('tensor kinds and live ranges (tensorKinds, the importer)', () => {
  it('kinds and ranges of the chain', () => {
    expect(lives(FIXTURES.chain())).toEqual([
      { kind: 'input', start: 0, end: 1, lastRead: 0 },
      { kind: 'constant' },
      { kind: 'activation', start: 0, end: 2, lastRead: 1 },
      { kind: 'activation', start: 1, end: 3, lastRead: 2 },
      { kind: 'output', start: 2, end: 3 },
    ]);
  });

  it('an operator with no inputs does not make its outputs prepared; a produced but unread tensor lives during its op', () => {
    const spec = FIXTURES.chain();
    spec.subgraphs[0]!.tensors.push({ name: 'side', shape: [4] });
    spec.subgraphs[0]!.operators.splice(1, 0, { op: 'Source', inputs: [], outputs: [5] });
    const l = lives(spec);
    expect(l[5]).toEqual({ kind: 'activation', start: 1, end: 2 });
  });

  it('prepared: outputs of operators reading only constants (and prepared tensors) live from their operator to their last reader, as TFLM computes them at every Invoke', () => {
    const l = lives(FIXTURES.dequantize());
    expect(l.map((x) => x.kind)).toEqual(['constant', 'input', 'prepared', 'activation', 'constant', 'prepared', 'prepared', 'output']);
    // DENSIFY (op 0) -> t5, read by DEQUANTIZE (op 1) -> t6, read by op 4; DEQUANTIZE (op 2) -> t2, read by op 3.
    expect(l[5]).toEqual({ kind: 'prepared', start: 0, end: 2 });
    expect(l[6]).toEqual({ kind: 'prepared', start: 1, end: 5 });
    expect(l[2]).toEqual({ kind: 'prepared', start: 2, end: 4 });
  });

  it('a prepared tensor read before its operator runs is an InputError (TFLM computes it when that operator runs)', () => {
    const spec = FIXTURES.dequantize();
    // FC (op 3) reads t2 before DEQUANTIZE (op 2 moved after it) writes it.
    const ops = spec.subgraphs[0]!.operators;
    [ops[2], ops[3]] = [ops[3]!, ops[2]!];
    expect(() => lives(spec)).toThrow(/l\.tflite: subgraph 0, tensor 2 "w32": read by operator 2 before its producer, operator 3, runs/);
  });

  it('a tensor read before its producer runs is an InputError naming it and both operators', () => {
    const spec = FIXTURES.chain();
    spec.subgraphs[0]!.operators[0]!.inputs = [3, 1];
    expect(() => lives(spec)).toThrow(InputError);
    expect(() => lives(spec)).toThrow(/l\.tflite: subgraph 0, tensor 3 "relu": read by operator 0 before its producer, operator 1, runs/);
  });

  it('a tensor written by two operators is an InputError', () => {
    const spec = FIXTURES.chain();
    spec.subgraphs[0]!.operators[1]!.outputs = [2];
    spec.subgraphs[0]!.operators[1]!.inputs = [0]; // not also reading it (readTflite refuses that first)
    expect(() => lives(spec)).toThrow(/tensor 2 "conv": written by operators 0 and 1/);
  });

  it('a tensor one operator lists twice among its outputs names that operator once (not "operators 0 and 0")', () => {
    const spec = FIXTURES.chain();
    spec.subgraphs[0]!.operators[0]!.outputs = [2, 2];
    expect(() => lives(spec)).toThrow(InputError);
    expect(() => lives(spec)).toThrow(/tensor 2 "conv": listed twice among the outputs of operator 0; a tensor has one producer/);
  });

  it('no operators: inputs and outputs live for one step', () => {
    const spec: ModelSpec = { subgraphs: [{ tensors: [{ shape: [4] }], inputs: [0], outputs: [0], operators: [] }] };
    expect(lives(spec)).toEqual([{ kind: 'input', start: 0, end: 1 }]);
  });

  it('isConstant: data in the buffer; a variable never is', () => {
    const m = readTflite(buildTflite(FIXTURES.variable()), 'v.tflite');
    expect(isConstant(m, m.subgraphs[0]!, 1)).toBe(false);
    const c = readTflite(buildTflite(FIXTURES.chain()), 'c.tflite');
    expect(c.subgraphs[0]!.tensors.map((_, t) => isConstant(c, c.subgraphs[0]!, t))).toEqual([false, true, false, false, false]);
  });
});
