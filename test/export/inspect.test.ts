import { describe, expect, it } from 'vitest';
import { formatInspect } from '../../src/export/inspect.js';
import { importTflite } from '../../src/import/tflite/index.js';
import { buildTflite, FIXTURES } from '../helpers/tflite-builder.js';

describe('formatInspect', () => {
  it('one row per tensor: kind, type, shape, bytes, live range, buffer, name; then the notes', () => {
    const text = formatInspect(importTflite(buildTflite(FIXTURES.reshape()), 'r.tflite'));
    const rows = text.split('\n').filter((l) => /^\s+\d+\s/.test(l)).map((l) => l.trim().split(/\s+/));
    expect(rows).toEqual([
      ['0', 'input', 'INT8', '[1,4,4,2]', '32', '[0,', '1)', '#0', 'in'],
      ['1', 'activation', 'INT8', '[1,4,4,2]', '32', '[0,', '4)', '#1', 'relu'],
      ['2', 'constant', 'INT32', '[2]', '8', '-', '-', 'shape'],
      ['3', 'activation', 'INT8', '[1,32]', '32', '[1,', '3)', '#3', 'flat'],
      ['4', 'activation', 'INT8', '[32]', '32', '[2,', '4)', '#3', 'squeezed'],
      ['5', 'output', 'INT8', '[1,32]', '32', '[3,', '4)', '#5', 'sum'],
    ]);
    expect(text).toMatch(/note: 1 buffers shared by RESHAPE/);
  });
});
