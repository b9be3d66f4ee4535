import { describe, expect, it } from 'vitest';
import { alignedLiveBound, bounds, fixedTop, largestBuffer, liveBound, lowerBound, peakStep, totalBytes } from '../../src/problem/bounds.js';

describe('bounds', () => {
  const p = {
    buffers: [
      { id: 'a', size: 4, start: 0, end: 3 },
      { id: 'b', size: 4, start: 3, end: 9 },
      { id: 'c', size: 4, start: 0, end: 9 },
      { id: 'd', size: 4, start: 9, end: 21 },
      { id: 'e', size: 4, start: 0, end: 21 },
    ],
  };
  it('live bound counts only buffers live at the same step; touching ranges do not add', () => {
    expect(liveBound(p)).toBe(12);
  });
  it('peakStep: the first step with the most live bytes', () => {
    // a, c and e are live at steps 0..2; at step 3, a has ended and b started: 12 again, but later.
    expect(peakStep(p)).toEqual({ step: 0, bytes: 12 });
    expect(peakStep({ buffers: [{ id: 'x', size: 1, start: 0, end: 5 }, { id: 'y', size: 2, start: 3, end: 4 }] })).toEqual({ step: 3, bytes: 3 });
    expect(peakStep({ buffers: [] })).toEqual({ step: 0, bytes: 0 });
  });
  it('largest and total', () => {
    expect(largestBuffer(p)).toBe(4);
    expect(totalBytes(p)).toBe(20);
    expect(lowerBound({ buffers: [{ id: 'x', size: 9, start: 0, end: 1 }] })).toBe(9);
  });
  it('is exact for sizes near 2^53', () => {
    const big = 2 ** 51;
    expect(liveBound({ buffers: [
      { id: 'x', size: big, start: 0, end: 2 },
      { id: 'y', size: big + 1, start: 1, end: 3 },
    ] })).toBe(2 * big + 1);
  });
});

describe('alignedLiveBound', () => {
  it('counts the rounding of all but the topmost buffer when all share one alignment', () => {
    const p = {
      buffers: [
        { id: 'a', size: 20, start: 0, end: 2, align: 16 },
        { id: 'b', size: 10, start: 0, end: 2, align: 16 },
      ],
    };
    // Best: b (10) at 0, a at 16 -> 36; the plain live bound says 30.
    expect(liveBound(p)).toBe(30);
    expect(alignedLiveBound(p)).toBe(36);
    expect(lowerBound(p)).toBe(36);
  });
  it('is the plain live bound with mixed alignments or alignment 1', () => {
    const p = {
      buffers: [
        { id: 'a', size: 20, start: 0, end: 2, align: 16 },
        { id: 'b', size: 10, start: 0, end: 2, align: 8 },
      ],
    };
    expect(alignedLiveBound(p)).toBe(30);
    expect(alignedLiveBound({ buffers: [{ id: 'x', size: 3, start: 0, end: 1 }] })).toBe(3);
  });
  it('never exceeds the brute-force optimum', async () => {
    const { bruteForceMinPeak } = await import('../helpers/brute-force.js');
    const { rng } = await import('../helpers/problems.js');
    const r = rng(8);
    for (let k = 0; k < 300; k++) {
      const a = [2, 4, 8, 16][Math.floor(r() * 4)]!;
      const buffers = Array.from({ length: 1 + Math.floor(r() * 6) }, (_, i) => {
        const start = Math.floor(r() * 5);
        return { id: `b${i}`, size: 1 + Math.floor(r() * 40), start, end: start + 1 + Math.floor(r() * 4), align: a };
      });
      expect(alignedLiveBound({ buffers })).toBeLessThanOrEqual(bruteForceMinPeak({ buffers }));
    }
  });
});

describe('the fixed offsets bound', () => {
  it('a buffer fixed high up: the bound is its offset + size, named as such (the live bound alone is 32)', () => {
    const p = { buffers: [{ id: 'a', size: 16, start: 0, end: 2, offset: 100 }, { id: 'b', size: 16, start: 0, end: 2 }, { id: 'c', size: 32, start: 2, end: 4 }] };
    expect(liveBound(p)).toBe(32);
    expect(fixedTop(p)).toBe(116);
    expect(bounds(p)).toEqual({ live: 32, largest: 32, bound: 116, proof: 'fixed offsets' });
    expect(fixedTop({ buffers: [{ id: 'x', size: 4, start: 0, end: 1 }] })).toBe(0);
  });
  it('with aliases: an alias above its fixed root fixes its own top too', () => {
    const p = {
      buffers: [
        { id: 'r', size: 8, start: 0, end: 2, offset: 40 },
        { id: 'v', size: 4, start: 0, end: 2, aliasOf: 'r', aliasOffset: 4 },
        { id: 'w', size: 8, start: 1, end: 3, gaps: [{ start: 2, end: 3 }] },
      ],
    };
    expect(fixedTop(p)).toBe(48);
    expect(lowerBound(p)).toBe(48);
  });
});
