import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { problemToCsv, solutionToCsv } from '../../src/export/csv.js';
import { formatGaps, parseGaps } from '../../src/format/gaps.js';
import { parseCsv } from '../../src/import/csv.js';
import { importProblem } from '../../src/import/index.js';
import { parseJson } from '../../src/import/json.js';
import { InputError } from '../../src/problem/errors.js';

const example = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'gaps.csv');

describe("MiniMalloc's gaps cell", () => {
  it('reads lo-hi and lo-hi@a:b items separated by spaces or semicolons', () => {
    expect(parseGaps(' 2-4 6-8@0:16;9-10 ')).toEqual([
      { start: 2, end: 4 },
      { start: 6, end: 8, window: { lo: 0, hi: 16 } },
      { start: 9, end: 10 },
    ]);
    expect(parseGaps('')).toEqual([]);
  });
  it('reads hi as inclusive under an `end` column, as MiniMalloc does', () => {
    expect(parseGaps('2-3', true)).toEqual([{ start: 2, end: 4 }]);
  });
  it.each(['2', '2-', 'a-b', '2-4@1', '2-4@1:', '-1-3', '2-4@0:8@1:2'])('rejects %j', (cell) => {
    expect(() => parseGaps(cell)).toThrow(/is not lo-hi or lo-hi@a:b/);
  });
  it('writes what it reads', () => {
    const cell = '2-4 6-8@0:16';
    expect(formatGaps(parseGaps(cell))).toBe(cell);
  });
});

describe('CSV with gaps, hint and aliases', () => {
  it('reads the columns', () => {
    const p = parseCsv('id,start,end,size,gaps,hint,alias_of,alias_offset\na,0,7,64,2-3 5-5@0:8,0,,\nb,1,2,32,,-1,a,16\n');
    expect(p.buffers).toEqual([
      { id: 'a', start: 0, end: 8, size: 64, gaps: [{ start: 2, end: 4 }, { start: 5, end: 6, window: { lo: 0, hi: 8 } }], hint: 0 },
      { id: 'b', start: 1, end: 3, size: 32, aliasOf: 'a', aliasOffset: 16 },
    ]);
  });
  it.each([
    ['id,lower,upper,size,gaps\na,0,9,4,1-x\n', /f.csv:2: buffer "a": gap "1-x" is not lo-hi or lo-hi@a:b/],
    ['id,lower,upper,size,hint\na,0,9,4,low\n', /f.csv:2: buffer "a": hint "low" is not a safe integer/],
    ['id,lower,upper,size,alias_of,alias_offset\na,0,9,4,,x\n', /f.csv:2: buffer "a": alias_offset "x" is not a safe integer/],
  ])('rejects %j naming the line and buffer', (text, msg) => {
    expect(() => parseCsv(text, 'f.csv')).toThrow(msg);
  });
  it('validates: an alias of an unknown buffer, a gap outside the range', () => {
    expect(() => importProblem('id,lower,upper,size,alias_of\na,0,9,4,\nb,0,9,4,c\n', 'm.csv')).toThrow(/m.csv:3: buffer "b": alias_of names no buffer \("c"\)/);
    expect(() => importProblem('id,lower,upper,size,gaps\na,0,9,4,8-12\n', 'm.csv')).toThrow(/m.csv:2: buffer "a": gaps #1 \[8, 12\) is not inside the live range \[0, 9\)/);
    expect(() => importProblem('id,lower,upper,size,gaps\na,0,9,4,8-12\n', 'm.csv')).toThrow(InputError);
  });
  it('writes problems and solutions that read back the same (examples/gaps.csv)', () => {
    const p = parseCsv(readFileSync(example, 'utf8'));
    expect(p.buffers.some((b) => b.gaps?.some((g) => g.window !== undefined))).toBe(true);
    expect(p.buffers.some((b) => b.hint !== undefined)).toBe(true);
    expect(p.buffers.some((b) => b.aliasOf !== undefined)).toBe(true);
    const text = problemToCsv(p);
    expect(text.split('\n')[0]).toBe('id,lower,upper,size,gaps,hint,alias_of,alias_offset');
    expect(parseCsv(text).buffers).toEqual(p.buffers);
    const offsets = p.buffers.map((_, i) => i * 64);
    const sol = solutionToCsv(p, offsets);
    expect(sol.split('\n')[0]).toBe('id,lower,upper,size,gaps,hint,alias_of,alias_offset,offset');
    // The solution read back: the same problem, every offset now fixed.
    expect(parseCsv(sol).buffers).toEqual(p.buffers.map((b, i) => ({ ...b, offset: offsets[i] })));
  });
});

describe('JSON with gaps, hint and aliases', () => {
  it('reads objects or a MiniMalloc gaps string, and alias_of as aliasOf', () => {
    const p = parseJson(
      JSON.stringify({
        buffers: [
          { id: 'a', start: 0, end: 8, size: 64, gaps: '2-4 5-6@0:8', hint: 0 },
          { id: 'b', start: 1, end: 3, size: 32, alias_of: 'a', alias_offset: 16 },
          { id: 'c', start: 1, end: 3, size: 8, aliasOf: 'b', gaps: [{ start: 1, end: 2 }] },
        ],
      }),
    );
    expect(p.buffers).toEqual([
      { id: 'a', start: 0, end: 8, size: 64, gaps: [{ start: 2, end: 4 }, { start: 5, end: 6, window: { lo: 0, hi: 8 } }], hint: 0 },
      { id: 'b', start: 1, end: 3, size: 32, aliasOf: 'a', aliasOffset: 16 },
      { id: 'c', start: 1, end: 3, size: 8, aliasOf: 'b', gaps: [{ start: 1, end: 2 }] },
    ]);
  });
  it('rejects both spellings at once, and a malformed gaps string', () => {
    expect(() => parseJson('[{"id":"a","start":0,"end":1,"size":1,"alias_of":"b","aliasOf":"b"}]', 'p.json')).toThrow(/p.json: buffer "a": give "aliasOf" or "alias_of", not both/);
    expect(() => parseJson('[{"id":"a","start":0,"end":1,"size":1,"gaps":"1"}]', 'p.json')).toThrow(/p.json: buffer "a": gap "1" is not lo-hi/);
  });
});
