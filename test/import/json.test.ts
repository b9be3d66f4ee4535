import { describe, expect, it } from 'vitest';
import { importProblem } from '../../src/import/index.js';
import { parseJson } from '../../src/import/json.js';

describe('JSON problems', () => {
  it('reads the Problem type, numeric ids as strings and capacities with units', () => {
    const p = parseJson('{"capacity":"2MiB","buffers":[{"id":1,"size":8,"start":0,"end":2,"align":4}]}');
    expect(p).toEqual({ capacity: 2097152, buffers: [{ id: '1', size: 8, start: 0, end: 2, align: 4 }] });
    expect(parseJson('[{"id":"a","size":1,"start":0,"end":1}]').buffers).toHaveLength(1);
  });
  it('says what is wrong and where', () => {
    expect(() => parseJson('{', 'p.json')).toThrow(/^p\.json:1:2: not valid JSON/);
    // A syntax error V8 places: its line and column (1-based), as CSV errors give their line.
    expect(() => parseJson('{"buffers":[\n{"id":"a","size":4,\n"start":0 "end":1}]}', 'p.json')).toThrow(/^p\.json:3:11: not valid JSON \(Expected ',' or '}' after property value\)$/);
    expect(() => parseJson('{"bufs":[]}', 'p.json')).toThrow(/p.json: expected an object with a "buffers" array/);
    expect(() => parseJson('{"capacity":"lots","buffers":[]}', 'p.json')).toThrow(/p.json: capacity/);
    expect(() => importProblem('{"buffers":[{"id":"a","size":-1,"start":0,"end":1}]}', 'p.json')).toThrow(
      /p.json: buffer "a": size must be a positive safe integer/,
    );
  });
});
