import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/problem/errors.js';
import { problemToCsv, solutionToCsv } from '../../src/export/csv.js';
import { parseCsv } from '../../src/import/csv.js';
import { importProblem } from '../../src/import/index.js';

describe('MiniMalloc CSV', () => {
  it('reads id,lower,upper,size with upper exclusive and ids as strings', () => {
    const p = parseCsv('id,lower,upper,size\n007,0,3,4\nb2,3,9,4\n');
    expect(p.buffers).toEqual([
      { id: '007', start: 0, end: 3, size: 4 },
      { id: 'b2', start: 3, end: 9, size: 4 },
    ]);
  });
  it('reads aliases, the inclusive `end`, alignment and fixed offsets', () => {
    const p = parseCsv('buffer,start,end,size,alignment,offset\nx,0,2,8,16,32\ny,1,1,8,1,\n');
    expect(p.buffers).toEqual([
      { id: 'x', start: 0, end: 3, size: 8, align: 16, offset: 32 },
      { id: 'y', start: 1, end: 2, size: 8, align: 1 },
    ]);
  });
  it('tolerates CRLF, blank lines and spaces', () => {
    const p = parseCsv('\r\nid, lower, upper, size\r\na, 0, 1, 2\r\n\r\n');
    expect(p.buffers).toEqual([{ id: 'a', start: 0, end: 1, size: 2 }]);
  });
  it.each([
    ['', /empty file/],
    ['id,lower,size\n', /exactly one of "upper"/],
    ['id,lower,upper,size,colour\n', /unknown column "colour"/],
    ['id,lower,upper,size\na,0,1\n', /f.csv:2: 3 fields, the header has 4/],
    ['id,lower,upper,size\na,0,1,big\n', /f.csv:2: buffer "a": size "big" is not a safe integer/],
    ['id,lower,upper,size\na,0,1,99999999999999999999\n', /not a safe integer/],
    ['id,lower,upper,size,gaps\n', /gaps/],
  ])('rejects %j with the file and line', (text, msg) => {
    expect(() => parseCsv(text, 'f.csv')).toThrow(msg);
  });
  it('validates after parsing and names the file', () => {
    expect(() => importProblem('id,lower,upper,size\na,3,3,4\n', 'm.csv')).toThrow(/m.csv: buffer "a": end must be greater than start/);
    expect(() => importProblem('x', 'm.txt')).toThrow(/m.txt: unknown input format/);
  });
  it('writes problems and solutions that read back the same', () => {
    const p = parseCsv('id,lower,upper,size,alignment\na,0,3,4,1\nb,1,5,8,8\n');
    expect(parseCsv(problemToCsv(p)).buffers).toEqual(p.buffers);
    const sol = solutionToCsv(p, [0, 8]);
    expect(sol).toBe('id,lower,upper,size,alignment,offset\na,0,3,4,1,0\nb,1,5,8,8,8\n');
    expect(parseCsv(sol).buffers.map((b) => b.offset)).toEqual([0, 8]);
    expect(() => problemToCsv({ buffers: [{ id: 'a,b', size: 1, start: 0, end: 1 }] })).toThrow(InputError);
    expect(() => problemToCsv({ buffers: [{ id: 'a,b', size: 1, start: 0, end: 1 }] })).toThrow(/buffer "a,b": an id with a comma/);
  });
  it('keeps the weight and spillable columns in a solution', () => {
    const p = parseCsv('id,lower,upper,size,weight,spillable\na,0,3,4,10,false\nb,1,5,8,,\n');
    const sol = solutionToCsv(p, [0, 4]);
    expect(sol).toBe('id,lower,upper,size,weight,spillable,offset\na,0,3,4,10,false,0\nb,1,5,8,,,4\n');
    expect(parseCsv(sol).buffers).toEqual([
      { id: 'a', start: 0, end: 3, size: 4, weight: 10, spillable: false, offset: 0 },
      { id: 'b', start: 1, end: 5, size: 8, offset: 4 },
    ]);
  });
});
