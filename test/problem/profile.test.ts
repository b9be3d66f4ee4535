import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { liveBound } from '../../src/problem/bounds.js';
import { highWaterProfile, liveAt, liveProfile, planPeakStep, planProfile, profileAt } from '../../src/problem/profile.js';
import type { Problem } from '../../src/problem/types.js';

const problems = fc
  .array(fc.record({ size: fc.integer({ min: 1, max: 50 }), start: fc.integer({ min: 0, max: 12 }), len: fc.integer({ min: 1, max: 6 }), offset: fc.integer({ min: 0, max: 80 }) }), { maxLength: 12 })
  .map((rows) => ({
    problem: { buffers: rows.map((r, i) => ({ id: `b${i}`, size: r.size, start: r.start, end: r.start + r.len })) } as Problem,
    offsets: rows.map((r) => r.offset),
  }));

/** Counted step by step, the obvious way. */
function byHand(problem: Problem, offsets: number[], t: number): { live: number; top: number; at: number[] } {
  let live = 0;
  let top = 0;
  const at: number[] = [];
  problem.buffers.forEach((b, i) => {
    if (b.start <= t && t < b.end) {
      live += b.size;
      top = Math.max(top, offsets[i]! + b.size);
      at.push(i);
    }
  });
  return { live, top, at };
}

describe('step profiles', () => {
  it('live bytes and high-water mark equal a step-by-step count; the live maximum is the live bound', () => {
    fc.assert(
      fc.property(problems, ({ problem, offsets }) => {
        const live = liveProfile(problem);
        const high = highWaterProfile(problem, offsets);
        let max = 0;
        for (let t = -1; t <= 20; t++) {
          const want = byHand(problem, offsets, t);
          expect(profileAt(live, t)).toBe(want.live);
          expect(profileAt(high, t)).toBe(want.top);
          expect(new Set(liveAt(problem, t))).toEqual(new Set(want.at));
          max = Math.max(max, want.live);
        }
        expect(Math.max(0, ...live.values)).toBe(liveBound(problem));
        expect(max).toBe(liveBound(problem));
      }),
    );
  });

  it('lists the buffers at a step largest first and compacts equal neighbours', () => {
    const problem: Problem = { buffers: [{ id: 'a', size: 8, start: 0, end: 2 }, { id: 'b', size: 32, start: 1, end: 3 }, { id: 'c', size: 8, start: 2, end: 4 }] };
    expect(liveAt(problem, 1)).toEqual([1, 0]);
    expect(liveAt(problem, 2)).toEqual([1, 2]);
    expect(liveProfile(problem)).toEqual({ steps: [0, 1, 3], values: [8, 40, 8], end: 4 });
    expect(() => highWaterProfile(problem, [0])).toThrow(RangeError);
  });

  it('planProfile: both profiles at every step, compact; planPeakStep: the busiest step where the plan reaches its top', () => {
    fc.assert(
      fc.property(problems, ({ problem, offsets }) => {
        const p = planProfile(problem, offsets);
        const end = problem.buffers.reduce((a, b) => Math.max(a, b.end), 0);
        expect(p.end).toBe(end);
        for (let t = 0; t < end + 2; t++) {
          const k = p.steps.filter((x) => x <= t).length - 1;
          const h = byHand(problem, offsets, t);
          expect(t >= end || k < 0 ? 0 : p.live[k]).toBe(h.live);
          expect(t >= end || k < 0 ? 0 : p.highWater[k]).toBe(h.top);
        }
        for (let i = 1; i < p.steps.length; i++) expect(p.live[i] !== p.live[i - 1] || p.highWater[i] !== p.highWater[i - 1]).toBe(true);
        const peak = planPeakStep(problem, offsets);
        const tops = Array.from({ length: end }, (_, t) => byHand(problem, offsets, t));
        const max = Math.max(0, ...tops.map((x) => x.top));
        expect(peak.top).toBe(max);
        if (problem.buffers.length > 0) {
          const busiest = Math.max(...tops.filter((x) => x.top === max).map((x) => x.live));
          expect(tops[peak.step]!.top).toBe(max);
          expect(tops[peak.step]!.live).toBe(busiest);
          expect(tops.findIndex((x) => x.top === max && x.live === busiest)).toBe(peak.step);
        }
      }),
      { numRuns: 300 },
    );
  });
});
