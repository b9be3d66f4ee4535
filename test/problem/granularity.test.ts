import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planGranularity, roundUpToGranularity } from '../../src/problem/granularity.js';
import type { Problem } from '../../src/problem/types.js';
import { bruteForceMinPeak } from '../helpers/brute-force.js';

const buf = (id: string, size: number, start: number, end: number, extra: object = {}) => ({ id, size, start, end, ...extra });

describe('planGranularity', () => {
  it('is the gcd of the sizes, the alignments above 1 and the fixed offsets', () => {
    expect(planGranularity({ buffers: [buf('a', 1024, 0, 2), buf('b', 3072, 1, 3)] })).toBe(1024);
    expect(planGranularity({ buffers: [buf('a', 1024, 0, 2, { align: 16 }), buf('b', 3072, 1, 3)] })).toBe(16);
    expect(planGranularity({ buffers: [buf('a', 1024, 0, 2, { align: 1 }), buf('b', 3072, 1, 3, { offset: 2048 + 512 })] })).toBe(512);
    expect(planGranularity({ buffers: [buf('a', 6, 0, 2), buf('b', 9, 1, 3)] })).toBe(3);
    expect(planGranularity({ buffers: [buf('a', 7, 0, 2)] })).toBe(7);
    expect(planGranularity({ buffers: [] })).toBe(1);
  });
  it('is 1 with gaps or aliases (a view inside another buffer sits at any byte of it)', () => {
    const p: Problem = { buffers: [buf('a', 64, 0, 4), buf('v', 32, 0, 4, { aliasOf: 'a', aliasOffset: 8 })] };
    expect(planGranularity(p)).toBe(1);
  });
  it('rounds up to a multiple', () => {
    expect(roundUpToGranularity(1025, 1024)).toBe(2048);
    expect(roundUpToGranularity(2048, 1024)).toBe(2048);
    expect(roundUpToGranularity(17, 1)).toBe(17);
  });
  it('divides the brute-force optimum of random problems whose sizes, alignments and fixed offsets share factors', () => {
    const arb = fc
      .record({
        g: fc.constantFrom(2, 3, 4, 6, 8),
        list: fc.array(
          fc.record({ k: fc.integer({ min: 1, max: 9 }), start: fc.integer({ min: 0, max: 5 }), len: fc.integer({ min: 1, max: 4 }), align: fc.constantFrom(1, 1, 2, 4, 8, 16) }),
          { minLength: 1, maxLength: 6 },
        ),
        fixed: fc.boolean(),
      })
      .map(({ g, list, fixed }): Problem => ({
        buffers: list.map((b, i) => ({
          id: `b${i}`,
          size: b.k * g,
          start: b.start,
          end: b.start + b.len,
          ...(b.align > 1 ? { align: b.align } : {}),
          // One fixed buffer at a multiple of both g and its alignment: the others must work around it.
          ...(fixed && i === 0 ? { offset: g * b.align * 2 } : {}),
        })),
      }));
    let above = 0;
    fc.assert(
      fc.property(arb, (p) => {
        const g = planGranularity(p);
        const opt = bruteForceMinPeak(p);
        expect(opt % g).toBe(0);
        if (g > 1) above++;
      }),
      { numRuns: 300, seed: 15 },
    );
    expect(above).toBeGreaterThan(100);
  });
});
