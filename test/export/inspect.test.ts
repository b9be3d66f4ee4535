import { describe, expect, it } from 'vitest';
import { formatInspect } from '../../src/export/inspect.js';
import { importTflite } from '../../src/import/tflite/index.js';
import { buildTflite, FIXTURES } from '../helpers/tflite-builder.js';

describe('formatInspect', () => {
  it('one row per tensor: kind, type, shape, bytes, live range, buffer, name; then the notes', () => {
    const text = formatInspect(importTflite(buildTflite(FIXTURES.reshape()), 'r.tflite'));
    const rows = text.split('  operators (')[0]!.split('\n').filter((l) => /^\s+\d+\s/.test(l)).map((l) => l.trim().split(/\s+/));
    expect(rows).toEqual([
      ['0', 'input', 'INT8', '[1,4,4,2]', '32', '[0,', '1)', '#0', 'in'],
      ['1', 'activation', 'INT8', '[1,4,4,2]', '32', '[0,', '4)', '#1', 'relu'],
      ['2', 'constant', 'INT32', '[2]', '8', '-', '-', 'shape'],
      ['3', 'activation', 'INT8', '[1,32]', '32', '[1,', '3)', '#3', 'flat'],
      ['4', 'activation', 'INT8', '[32]', '32', '[2,', '4)', '#3', 'squeezed'],
      ['5', 'output', 'INT8', '[1,32]', '32', '[3,', '4)', '#5', 'sum'],
    ]);
    expect(text).toMatch(/note: 1 buffer shared by RESHAPE/);
  });

  it('then every operator: type, name, tensors read and written, and where a stored shape was replaced', () => {
    const text = formatInspect(importTflite(buildTflite(FIXTURES.placeholder()), 'p.tflite'));
    expect(text).toMatch(/^\s+0 {2}RESHAPE {2}\[0,1\] -> \[2\] {2}\(tensor 2 stored \[1,1\], planned \[4,6\]\)$/m);
    expect(text).toMatch(/^\s+1 {2}RELU {2}\[2\] -> \[3\] {2}\(tensor 3 stored \[1,1\], planned \[4,6\]\)$/m);
  });
});
