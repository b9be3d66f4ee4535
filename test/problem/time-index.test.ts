import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimeIndex } from '../../src/problem/time-index.js';

describe('TimeIndex', () => {
  it('visits exactly the buffers live at some step of a range, each once (random cases vs every buffer checked)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ start: fc.integer({ min: -20, max: 200 }), len: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 300 })) }), { maxLength: 60 }),
        fc.integer({ min: -30, max: 220 }),
        fc.integer({ min: 1, max: 50 }),
        (bs, s, len) => {
          const start = Float64Array.from(bs, (b) => b.start);
          const end = Float64Array.from(bs, (b) => b.start + b.len);
          const got: number[] = [];
          new TimeIndex(start, end).forEachLive(s, s + len, (j) => got.push(j));
          const want = bs.flatMap((b, j) => (b.start < s + len && b.start + b.len > s ? [j] : []));
          expect(got.sort((a, b) => a - b)).toEqual(want);
        },
      ),
      { numRuns: 500 },
    );
  });
});
