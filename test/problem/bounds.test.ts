import { describe, expect, it } from 'vitest';
import { largestBuffer, liveBound, lowerBound, totalBytes } from '../../src/problem/bounds.js';

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
