import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/problem/errors.js';
import { problemToCsv, solutionToCsv } from '../../src/export/csv.js';
import fc from 'fast-check';
import { csvParseRecords, csvRecords, parseCsv, parseCsvRecords, plainCsvProblem } from '../../src/import/csv.js';
import { allOffsets, emptyBuffersNote, importProblem, problemText, readProblem } from '../../src/import/index.js';

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
    ['id,lower,upper,size\na\n', /f.csv:2: 1 field, the header has 4/],
    ['id,lower,upper,size\na,0,1,big\n', /f.csv:2: buffer "a": size "big" is not a safe integer/],
    ['id,lower,upper,size\na,0,1,99999999999999999999\n', /not a safe integer/],
    ['id,lower,upper,size,gaps\na,0,9,4,1-2-3\n', /f.csv:2: buffer "a": gap "1-2-3" is not lo-hi/],
  ])('rejects %j with the file and line', (text, msg) => {
    expect(() => parseCsv(text, 'f.csv')).toThrow(msg);
  });
  it('validates after parsing and names the file', () => {
    expect(() => importProblem('id,lower,upper,size\na,3,3,4\n', 'm.csv')).toThrow(/m.csv:2: buffer "a": end must be greater than start/);
    expect(() => importProblem('x', 'm.txt')).toThrow(/m.txt: not a format arenapack reads; it reads .csv \(MiniMalloc.*, .json \(a Problem.*, .tflite \(TensorFlow Lite model\), .onnx \(ONNX model\)$/);
  });
  it('writes problems and solutions that read back the same', () => {
    const p = parseCsv('id,lower,upper,size,alignment\na,0,3,4,1\nb,1,5,8,8\n');
    expect(parseCsv(problemToCsv(p)).buffers).toEqual(p.buffers);
    const sol = solutionToCsv(p, [0, 8]);
    expect(sol).toBe('id,lower,upper,size,alignment,offset\na,0,3,4,1,0\nb,1,5,8,8,8\n');
    expect(parseCsv(sol).buffers.map((b) => b.offset)).toEqual([0, 8]);
  });
  it('reads quoted fields (RFC 4180) and quotes ids that need it on the way back', () => {
    const text = 'id,lower,upper,size\n"a,b",0,3,4\n"say ""hi""",1,2,8\n"two\nlines",2,4,4\n" pad ",0,1,1\nplain,0,1,"16"\n';
    const p = parseCsv(text, 'q.csv');
    expect(p.buffers.map((b) => b.id)).toEqual(['a,b', 'say "hi"', 'two\nlines', ' pad ', 'plain']);
    expect(p.buffers[4]!.size).toBe(16);
    const back = problemToCsv(p);
    expect(back.split('\n')[1]).toBe('"a,b",0,3,4');
    expect(back.split('\n')[2]).toBe('"say ""hi""",1,2,8');
    expect(parseCsv(back).buffers).toEqual(p.buffers);
    const offsets = [0, 4, 12, 0, 16];
    const sol = solutionToCsv(p, offsets);
    expect(parseCsv(sol).buffers.map((b) => [b.id, b.offset])).toEqual(p.buffers.map((b, i) => [b.id, offsets[i]]));
    // A line break inside quotes does not shift the line numbers of later errors.
    expect(() => parseCsv('id,lower,upper,size\n"x\ny",0,1,4\nbad,0,1,z\n', 'l.csv')).toThrow(/l\.csv:4: buffer "bad": size "z"/);
  });
  it('rejects malformed quoting with the file and line, as an InputError', () => {
    expect(() => parseCsv('id,lower,upper,size\n"open,0,1,4\n', 'o.csv')).toThrow(InputError);
    expect(() => parseCsv('id,lower,upper,size\n"open,0,1,4\n', 'o.csv')).toThrow(/^o\.csv:\d+: not valid CSV/);
    expect(() => parseCsv('id,lower,upper,size\na"b,0,1,4\n', 'o.csv')).toThrow(/^o\.csv:2: not valid CSV/);
  });
  it('accepts 0-byte buffers: set aside, not planned, offset 0 in the outputs', () => {
    const read = readProblem('id,lower,upper,size\na,0,3,8\nz,0,3,0\nb,1,4,4\n', 'z.csv');
    expect(read.problem.buffers.map((b) => b.id)).toEqual(['a', 'b']);
    expect(read.all.buffers.map((b) => b.id)).toEqual(['a', 'z', 'b']);
    expect(read.empty).toEqual([1]);
    expect(allOffsets(read, [0, 8])).toEqual([0, 0, 8]);
    expect(emptyBuffersNote(read)).toMatch(/1 buffer of 0 bytes not planned .*: z/);
    expect(importProblem('id,lower,upper,size\na,0,3,8\nz,0,3,0\n', 'z.csv').buffers.map((b) => b.id)).toEqual(['a']);
    const json = readProblem('{"buffers":[{"id":"z","size":0,"start":0,"end":2},{"id":"a","size":4,"start":0,"end":2}]}', 'z.json');
    expect(json.empty).toEqual([0]);
    // A 0-byte buffer is still checked: its range, its id.
    expect(() => readProblem('id,lower,upper,size\nz,3,3,0\n', 'e.csv')).toThrow(/e\.csv:2: buffer "z": end must be greater than start/);
    expect(() => readProblem('id,lower,upper,size\nz,0,3,4\nz,0,3,0\n', 'e.csv')).toThrow(/e\.csv:3: buffer "z": id is used twice/);
    expect(() => readProblem('id,lower,upper,size\nz,0,3,-1\n', 'e.csv')).toThrow(/size must be a positive/);
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

describe('CSV: offsets in another memory than chip (the memory column)', () => {
  it('are planned anew, and a note per memory says so (never silently); chip and no memory stay fixed', () => {
    const text = 'id,lower,upper,size,offset,memory\na,0,2,64,0,flash\nb,1,3,32,64,chip\nc,0,3,16,128,\nd,2,4,8,0,ddr\ne,3,5,8,8,ddr\n';
    const read = readProblem(text, 'mem.csv');
    expect(read.problem.buffers.map((b) => b.offset)).toEqual([undefined, 64, 128, undefined, undefined]);
    expect(read.notes).toEqual([
      'mem.csv: 1 buffer with an offset in memory "flash" (the memory column; the first "a", line 2) is planned anew: only offsets on chip (no memory, or chip) are kept as fixed',
      'mem.csv: 2 buffers with an offset in memory "ddr" (the memory column; the first "d", line 5) are planned anew: only offsets on chip (no memory, or chip) are kept as fixed',
    ]);
    // No memory column, or every offset on chip: no note.
    expect(readProblem('id,lower,upper,size,offset,memory\nb,1,3,32,64,chip\n', 'm.csv').notes).toEqual([]);
  });
});

describe('problem files that are not UTF-8 (problemText)', () => {
  it('are refused with the file, line and column of the first byte that is not (never read as U+FFFD)', () => {
    const latin1 = Uint8Array.from([...Buffer.from('id,lower,upper,size\na,0,2,64\n'), 0xe9, 0x74, 0xe9, ...Buffer.from(',1,3,32\n')]);
    expect(() => problemText(latin1, 'lat.csv')).toThrow(InputError);
    expect(() => problemText(latin1, 'lat.csv')).toThrow(/^lat\.csv:3: not UTF-8 text: byte 0xe9 at column 1 \(bytes\) — arenapack reads CSV and JSON problems as UTF-8; convert the file first/);
    // A valid character before the bad byte: the column counts bytes.
    const mixed = Uint8Array.from([...Buffer.from('{"buffers":[{"id":"ok\u00e9'), 0xff, ...Buffer.from('","size":4,"start":0,"end":1}]}')]);
    expect(() => problemText(mixed, 'm.json')).toThrow(/^m\.json:1: not UTF-8 text: byte 0xff at column 24 \(bytes\)/);
    // UTF-8 (with a byte-order mark): the text, the mark dropped.
    expect(problemText(Uint8Array.from([0xef, 0xbb, 0xbf, ...Buffer.from('id,\u00e9')]), 'u.csv')).toBe('id,\u00e9');
  });
});

describe('CSV records: the plain-text path', () => {
  // Texts of the pieces a CSV is made of; with quotes, non-ASCII or mixed line breaks they go to
  // csv-parse, else to the split: both must give the same records and lines.
  const piece = fc.constantFrom('a', '7', '-1', ',', ' ', '\t', '\n', '\r\n', '\r', '"', 'é', '\u00a0', '\ufeff', 'id,lower,upper,size');
  const text = fc.array(piece, { maxLength: 40 }).map((ps) => ps.join(''));
  const crlf = fc.array(fc.constantFrom('a', '7', ',', ' ', '\t', '\r\n'), { maxLength: 40 }).map((ps) => ps.join(''));
  it('gives what csv-parse gives', () => {
    for (const arb of [text, crlf, crlf.map((t) => `\ufeff${t}`)]) {
      fc.assert(
        fc.property(arb, (t) => {
          let want: unknown;
          try {
            want = csvParseRecords(t, 'f.csv');
          } catch (e) {
            want = (e as Error).message;
          }
          let got: unknown;
          try {
            got = csvRecords(t, 'f.csv');
          } catch (e) {
            got = (e as Error).message;
          }
          expect(got).toEqual(want);
        }),
        { numRuns: 500 },
      );
    }
  });
});

describe('CSV: the one-pass reader of plain files (plainCsvProblem)', () => {
  /** The record path's problem and lines, or its error's message. */
  function byRecords(t: string): unknown {
    const lines: number[] = [];
    try {
      return { problem: parseCsvRecords(t, 'f.csv', lines), lines };
    } catch (e) {
      return (e as Error).message;
    }
  }
  const cell = fc.constantFrom('a', 'b 2', '7', '0', '-3', '-0', '007', '', ' ', '\t', '-', '1e3', '12345678901234567890', '9007199254740993', '+4', 'x');
  const row = fc.tuple(fc.array(cell, { minLength: 1, maxLength: 6 }), fc.constantFrom(',', ' ,', ', ')).map(([cs, sep]) => cs.join(sep));
  const header = fc.constantFrom('id,lower,upper,size', 'ID, start ,upper,SIZE', 'size,end,buffer,begin', 'id,lower,upper,end', 'id,lower,size', 'id,lower,upper,size,', 'id,lower,upper,size,alignment', 'constructor,lower,upper,size', '');
  const file = fc.tuple(fc.array(fc.constantFrom('', '  '), { maxLength: 2 }), header, fc.array(fc.oneof(row, fc.constant('')), { maxLength: 8 }), fc.constantFrom('\n', '\r\n'), fc.boolean(), fc.boolean()).map(
    ([before, h, rows, br, bom, last]) => (bom ? '\ufeff' : '') + [...before, h, ...rows].join(br) + (last ? br : ''),
  );

  it('reads what the record path reads, lines included, and leaves everything else to it (errors too)', () => {
    let fast = 0;
    fc.assert(
      fc.property(file, (t) => {
        const lines: number[] = [];
        const got = plainCsvProblem(t, lines);
        if (got === undefined) {
          expect(lines).toEqual([]);
          return;
        }
        fast++;
        expect({ problem: got, lines }).toEqual(byRecords(t));
        expect(parseCsv(t, 'f.csv')).toEqual(got);
      }),
      { numRuns: 3000, seed: 13 },
    );
    // The property looked at many files the one-pass reader read (not only ones it handed on).
    expect(fast).toBeGreaterThan(100);
  });

  it('reads the files of many buffers (issue #10) and names the line of each', () => {
    const text = 'id,lower,upper,size\n' + Array.from({ length: 1000 }, (_, i) => `b${i},${i},${i + 1 + (i % 16)},${1 + ((i * 7919) % 65536)}`).join('\n') + '\n';
    const lines: number[] = [];
    const p = plainCsvProblem(text, lines);
    expect(p).toEqual(parseCsvRecords(text));
    expect(lines).toEqual(Array.from({ length: 1000 }, (_, i) => i + 2));
    expect(plainCsvProblem(text.replace('b7,', 'b7,"'))).toBeUndefined();
  });
});

describe('messages quote the input in short', () => {
  it('a first line of 5 MB (a binary file) is refused at once, in a message of one short line', () => {
    const text = '\0'.repeat(5 * 1024 * 1024);
    expect(() => parseCsv(text, 'n5.csv')).toThrow(InputError);
    try {
      parseCsv(text, 'n5.csv');
    } catch (e) {
      const m = (e as Error).message;
      expect(m).toMatch(/^n5\.csv:1: the first line is 5242880 characters long, not a header/);
      expect(m.length).toBeLessThan(400);
    }
    // After blank lines, the line named is the long one; a header of every column is far from the limit.
    expect(() => parseCsv(`\n\n${'x'.repeat(5000)}\n`, 'b.csv')).toThrow(/^b\.csv:3: the first line is 5000 characters long/);
    expect(parseCsv('id,lower,upper,size,alignment,offset,hint,gaps,alias_of,alias_offset,weight,spillable\na,0,1,4,,,,,,,,\n').buffers).toHaveLength(1);
  });

  it('a long cell or id is cut to 80 characters in the message, with its length', () => {
    const long = 'y'.repeat(10_000);
    expect(() => parseCsv(`id,lower,upper,size\n${long},0,1,${long}\n`, 'l.csv')).toThrow(
      new RegExp(`^l\\.csv:2: buffer "${'y'.repeat(80)}… \\(10000 characters\\)": size "${'y'.repeat(80)}… \\(10000 characters\\)" is not a safe integer$`),
    );
  });
});
