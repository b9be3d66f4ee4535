import { describe, expect, it } from 'vitest';
import { importTflite } from '../../../src/import/tflite/index.js';
import { InputError } from '../../../src/problem/errors.js';
import { verifyPlan } from '../../../src/problem/verify.js';
import { solve } from '../../../src/solve/solve.js';
import { buildTflite, FIXTURES } from '../../helpers/tflite-builder.js';

describe('importTflite', () => {
  it('every subgraph becomes a ModelSubgraph, each planned on its own', () => {
    const m = importTflite(buildTflite(FIXTURES.twoSubgraphs()), 'two.tflite', { align: 1 });
    expect(m.format).toBe('tflite');
    expect(m.file).toBe('two.tflite');
    expect(m.subgraphs.map((s) => [s.index, s.name, s.tensorCount, s.operatorCount])).toEqual([
      [0, 'main', 5, 3],
      [1, 'body', 3, 2],
    ]);
    const body = m.subgraphs[1]!;
    expect(body.problem.buffers.map((b) => [b.id, b.size, b.start, b.end])).toEqual([
      ['0', 16, 0, 2],
      ['1', 16, 0, 2],
      ['2', 16, 1, 2],
    ]);
    for (const sg of m.subgraphs) {
      const r = solve(sg.problem, { iterations: 200 });
      expect(verifyPlan(sg.problem, r.offsets, r.peak).valid).toBe(true);
    }
  });

  it('bad options are InputErrors', () => {
    const bytes = buildTflite(FIXTURES.chain());
    expect(() => importTflite(bytes, 'c.tflite', { align: 12 })).toThrow(/c\.tflite: alignment must be a power of two, got 12/);
    expect(() => importTflite(bytes, 'c.tflite', { batch: 0 })).toThrow(InputError);
    expect(() => importTflite(bytes, 'c.tflite', { batch: 1.5 })).toThrow(/batch must be a positive integer/);
  });

  it('deterministic: the same bytes give the same problems', () => {
    const bytes = buildTflite(FIXTURES.dequantize());
    expect(importTflite(bytes, 'd.tflite')).toEqual(importTflite(bytes.slice(), 'd.tflite'));
  });
});
