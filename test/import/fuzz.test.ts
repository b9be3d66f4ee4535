/**
 * Every input the readers are given — valid files cut short, bytes flipped, characters inserted — ends
 * in one of two ways: a plan the independent verifier accepts, or an InputError. Never another
 * exception. Bounded runs with fixed seeds: fast and the same on every run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { problemToCsv } from '../../src/export/csv.js';
import { readProblem } from '../../src/import/index.js';
import { importModelFile } from '../../src/import/model-file.js';
import { InputError } from '../../src/problem/errors.js';
import { verifyPlan } from '../../src/problem/verify.js';
import { solve } from '../../src/solve/solve.js';
import { BOOL, graphAttr, graph, model, node, tensor, vi } from '../helpers/onnx-builder.js';
import { randomProblem } from '../helpers/problems.js';
import { buildTflite, FIXTURES } from '../helpers/tflite-builder.js';

/** A cut, a flipped byte or an inserted byte, at position `at` modulo the input's length (+1). */
type Edit = { kind: 'cut' | 'flip' | 'insert'; at: number; byte: number };

const edit: fc.Arbitrary<Edit> = fc.record({
  // Cuts end most inputs' interest at once: flips and inserts come three times as often.
  kind: fc.oneof({ arbitrary: fc.constant('cut' as const), weight: 1 }, { arbitrary: fc.constantFrom('flip' as const, 'insert' as const), weight: 6 }),
  at: fc.nat({ max: 1 << 20 }), // not a double in [0, 1): fast-check biases those towards the ends
  byte: fc.integer({ min: 0, max: 255 }),
});

function applyEdits(bytes: Uint8Array, edits: readonly Edit[]): Uint8Array {
  let b = bytes;
  for (const e of edits) {
    const at = e.at % (b.length + 1);
    if (e.kind === 'cut') b = b.slice(0, at);
    else if (e.kind === 'flip' && at < b.length) (b = b.slice())[at] = e.byte;
    else if (e.kind === 'insert') b = new Uint8Array([...b.subarray(0, at), e.byte, ...b.subarray(at)]);
  }
  return b;
}

/** The outcome the property allows: 'planned' (every plan verified), or 'refused' (an InputError). */
function outcome(run: () => void): 'planned' | 'refused' {
  try {
    run();
    return 'planned';
  } catch (e) {
    if (e instanceof InputError) return 'refused';
    throw e;
  }
}

const planVerified = (problem: Parameters<typeof solve>[0]): void => {
  if (problem.buffers.length === 0) return;
  const plan = solve(problem, { method: 'greedy-size' });
  expect(verifyPlan(problem, plan.offsets, plan.peak).errors).toEqual([]);
};

/** Characters that matter to the CSV and JSON grammars, inserted more often than random bytes would be. */
const SPECIAL = [...',"\n\r-0123456789 {}[]:.eE'].map((c) => c.charCodeAt(0));

describe('fuzzing the readers: a verified plan or an InputError, never another exception', () => {
  const csv = new TextEncoder().encode(problemToCsv({ buffers: [...randomProblem(5, 3).buffers, { id: 'q,"x"', size: 8, start: 0, end: 2 }] }) + 'z,0,3,0\n');
  const json = new TextEncoder().encode(JSON.stringify({ capacity: '4KiB', buffers: randomProblem(3, 4).buffers }));
  const special = fc.record({ kind: fc.constant('insert' as const), at: edit.map((e) => e.at), byte: fc.constantFrom(...SPECIAL) });

  for (const [name, file, bytes] of [['CSV', 'f.csv', csv], ['JSON', 'f.json', json]] as const) {
    it(`${name}: cuts, flips and inserted syntax`, () => {
      const seen = { planned: 0, refused: 0 };
      fc.assert(
        fc.property(fc.array(fc.oneof(edit, special), { minLength: 1, maxLength: 4 }), (edits) => {
          const text = new TextDecoder().decode(applyEdits(bytes, edits));
          seen[outcome(() => planVerified(readProblem(text, file).problem))]++;
        }),
        { numRuns: 1000, seed: 42 },
      );
      // Both ends are reached, so the property is not vacuous.
      expect(seen.planned).toBeGreaterThan(0);
      expect(seen.refused).toBeGreaterThan(0);
    });
  }

  const tflite: [string, Uint8Array][] = (['chain', 'residual', 'variable', 'intermediate', 'reshape', 'twoSubgraphs'] as const).map((k) => [k, buildTflite(FIXTURES[k]())]);
  const branch = (op: string): ReturnType<typeof graph> => graph({ nodes: [node(op, ['x'], ['b'])], outputs: [vi('b', null)] });
  const onnx: [string, Uint8Array][] = [
    ['conv chain', model({ inputs: [vi('x', [1, 2, 4, 4])], outputs: [vi('y', null)], initializers: [tensor('w', [2, 2, 1, 1], [1, 0, 0, 1])], nodes: [node('Conv', ['x', 'w'], ['c']), node('Relu', ['c'], ['r']), node('Add', ['r', 'x'], ['y'])] })],
    [
      'if',
      model({
        inputs: [vi('x', [2, 3]), vi('c', [], BOOL)],
        outputs: [vi('y', null)],
        nodes: [node('If', ['c'], ['y'], [graphAttr('then_branch', branch('Neg')), graphAttr('else_branch', branch('Relu'))])],
      }),
    ],
  ];

  for (const [format, models] of [['TFLite', tflite], ['ONNX', onnx]] as const) {
    it(`${format} models: cuts, byte flips and inserted bytes`, () => {
      const seen = { planned: 0, refused: 0 };
      fc.assert(
        fc.property(fc.constantFrom(...models), fc.array(edit, { minLength: 0, maxLength: 3 }), ([name, bytes], edits) => {
          const file = `${name}.${format === 'TFLite' ? 'tflite' : 'onnx'}`;
          seen[outcome(() => importModelFile(applyEdits(bytes, edits), file).subgraphs.forEach((sg) => planVerified(sg.problem)))]++;
        }),
        { numRuns: 600, seed: 7 },
      );
      expect(seen.planned).toBeGreaterThan(0);
      expect(seen.refused).toBeGreaterThan(0);
    });
  }
});
