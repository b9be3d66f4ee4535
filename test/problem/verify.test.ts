import { describe, expect, it } from 'vitest';
import type { Problem } from '../../src/problem/types.js';
import { verifyPlan } from '../../src/problem/verify.js';

const problem: Problem = {
  buffers: [
    { id: 'a', size: 100, start: 0, end: 3 },
    { id: 'b', size: 50, start: 2, end: 5, align: 16 },
    { id: 'c', size: 80, start: 3, end: 6 },
    { id: 'd', size: 10, start: 0, end: 1, offset: 200 },
  ],
};

describe('verifyPlan', () => {
  it('accepts a valid plan and recomputes its peak', () => {
    // a [0,100) and c [0,80) never live together ([0,3) and [3,6) only touch).
    const v = verifyPlan(problem, [0, 112, 0, 200], 210);
    expect(v.errors).toEqual([]);
    expect(v.valid).toBe(true);
    expect(v.peak).toBe(210);
  });

  it('catches two buffers live together that overlap in memory', () => {
    const v = verifyPlan(problem, [0, 96, 0, 200]);
    expect(v.valid).toBe(false);
    expect(v.errors.join()).toMatch(/"a".*"b".*overlap/);
  });

  it('catches a misaligned offset', () => {
    const v = verifyPlan(problem, [0, 104, 0, 200]);
    expect(v.valid).toBe(false);
    expect(v.errors.join()).toMatch(/"b": offset 104 is not a multiple of its alignment 16/);
  });

  it('catches a missing buffer', () => {
    const v = verifyPlan(problem, [0, 112, 0]);
    expect(v.valid).toBe(false);
    expect(v.errors.join()).toMatch(/3 offsets for 4 buffers/);
  });

  it('catches a moved fixed offset', () => {
    const v = verifyPlan(problem, [0, 112, 0, 300]);
    expect(v.valid).toBe(false);
    expect(v.errors.join()).toMatch(/"d": fixed offset 200 was moved to 300/);
  });

  it('catches negative, fractional and unsafe offsets', () => {
    expect(verifyPlan(problem, [-16, 112, 0, 200]).valid).toBe(false);
    expect(verifyPlan(problem, [0.5, 112, 0, 200]).valid).toBe(false);
    expect(verifyPlan(problem, [2 ** 53, 112, 0, 200]).valid).toBe(false);
  });

  it('catches a wrong claimed peak', () => {
    const v = verifyPlan(problem, [0, 112, 0, 200], 200);
    expect(v.valid).toBe(false);
    expect(v.errors.join()).toMatch(/claims peak 200 but its offsets reach 210/);
  });

  it('treats touching live ranges as not overlapping, and a one-step overlap as overlapping', () => {
    const p: Problem = {
      buffers: [
        { id: 'x', size: 8, start: 0, end: 2 },
        { id: 'y', size: 8, start: 2, end: 4 },
        { id: 'z', size: 8, start: 1, end: 3 },
      ],
    };
    expect(verifyPlan(p, [0, 0, 8]).valid).toBe(true);
    expect(verifyPlan(p, [0, 8, 8]).valid).toBe(false);
  });
});
