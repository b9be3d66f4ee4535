import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { liveBound } from '../../src/problem/bounds.js';
import { bufferBytesAt, highWaterProfile, liveAt, liveBytesAt, liveProfile, planPeakStep, planProfile, profileAt, type PlanProfile } from '../../src/problem/profile.js';
import { randomProblem, rng } from '../helpers/problems.js';
import { peakFacts, peakLine, problemLabels } from '../../src/export/report.js';
import { validTied } from '../helpers/tied-oracle.js';
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

  it('planProfile in one sweep (no gaps or aliases) equals liveProfile and highWaterProfile merged, on larger random plans', () => {
    for (let seed = 1; seed <= 24; seed++) {
      const base = randomProblem(200 * seed, seed);
      // Seeds 21..24: steps spread far apart (over 8n apart in all: the steps sorted, not marked).
      const problem = seed <= 20 ? base : { buffers: base.buffers.map((b) => ({ ...b, start: b.start * 1000 + 7, end: b.end * 1000 + 7 })) };
      const r = rng(seed + 100);
      const offsets = problem.buffers.map(() => Math.floor(r() * 5000));
      const live = liveProfile(problem);
      const high = highWaterProfile(problem, offsets);
      const want: PlanProfile = { steps: [], live: [], highWater: [], end: live.end };
      for (const t of [...new Set([...live.steps, ...high.steps])].sort((x, y) => x - y)) {
        const l = profileAt(live, t);
        const h = profileAt(high, t);
        const m = want.steps.length;
        if (m > 0 && want.live[m - 1] === l && want.highWater[m - 1] === h) continue;
        want.steps.push(t);
        want.live.push(l);
        want.highWater.push(h);
      }
      expect(planProfile(problem, offsets), `seed ${seed}`).toEqual(want);
    }
    expect(planProfile({ buffers: [] }, [])).toEqual({ steps: [], live: [], highWater: [], end: 0 });
    expect(() => planProfile({ buffers: [{ id: 'a', size: 1, start: 0, end: 1 }] }, [])).toThrow(RangeError);
  });
});

/**
 * A problem with gaps and aliases counted on a grid of steps x bytes, apart from src/: the bytes held at
 * step t (an alias's bytes are cells of its target's, a gap holds none, a window its own), their top,
 * and the buffers holding any.
 */
function gridAt(problem: Problem, offsets: readonly number[], t: number): { live: number; top: number; at: number[] } {
  const cells = new Set<number>();
  let top = 0;
  const at: number[] = [];
  problem.buffers.forEach((b, i) => {
    let any = false;
    for (let x = 0; x < b.size; x++) {
      if (t < b.start || t >= b.end) continue;
      const g = (b.gaps ?? []).find((g) => g.start <= t && t < g.end);
      if (g !== undefined && !(g.window !== undefined && g.window.lo <= x && x < g.window.hi)) continue;
      cells.add(offsets[i]! + x);
      top = Math.max(top, offsets[i]! + x + 1);
      any = true;
    }
    if (any) at.push(i);
  });
  return { live: cells.size, top, at };
}

/** Offsets that keep every root's block apart (root k at 100 k), each alias inside its chain's root. */
function apart(problem: Problem): number[] {
  const bs = problem.buffers;
  const index = new Map(bs.map((b, i) => [b.id, i]));
  const offset = (i: number): number => (bs[i]!.aliasOf === undefined ? 100 * i : offset(index.get(bs[i]!.aliasOf!)!) + (bs[i]!.aliasOffset ?? 0));
  return bs.map((_, i) => offset(i));
}

describe('step profiles with gaps and aliases (each byte once)', () => {
  const tied = validTied(120, 5, 3);

  it('live bytes, the high-water mark, the buffers at a step and the peak step equal a count on the grid', () => {
    expect(tied.length).toBeGreaterThan(100);
    for (const problem of tied) {
      const offsets = apart(problem);
      const live = liveProfile(problem);
      const high = highWaterProfile(problem, offsets);
      const end = problem.buffers.reduce((a, b) => Math.max(a, b.end), 0);
      const grid = Array.from({ length: end }, (_, t) => gridAt(problem, offsets, t));
      for (let t = 0; t < end; t++) {
        expect(profileAt(live, t)).toBe(grid[t]!.live);
        expect(liveBytesAt(problem, t)).toBe(grid[t]!.live);
        expect(profileAt(high, t)).toBe(grid[t]!.top);
        expect(new Set(liveAt(problem, t))).toEqual(new Set(grid[t]!.at));
      }
      const peak = planPeakStep(problem, offsets);
      const max = Math.max(...grid.map((g) => g.top));
      const busiest = Math.max(...grid.filter((g) => g.top === max).map((g) => g.live));
      expect(peak.top).toBe(max);
      expect(peak.step).toBe(grid.findIndex((g) => g.top === max && g.live === busiest));
      // The report's facts: never more live than the plan's top there.
      const facts = peakFacts(problem, { offsets });
      expect(facts.live).toBe(busiest);
      expect(facts.live).toBeLessThanOrEqual(facts.top);
    }
  });

  it('the report\'s peak line counts an alias once and an idle buffer not at all (examples/gaps.csv: 128 B, not 160)', () => {
    // skip idle over steps 2..5; view is the top half of sum; act keeps 16 of its 32 bytes over step 3.
    const problem: Problem = {
      buffers: [
        { id: 'skip', size: 64, start: 0, end: 8, gaps: [{ start: 2, end: 6 }] },
        { id: 'conv2', size: 64, start: 2, end: 5 },
        { id: 'act', size: 32, start: 3, end: 6, gaps: [{ start: 3, end: 4, window: { lo: 0, hi: 16 } }] },
        { id: 'sum', size: 64, start: 6, end: 8 },
        { id: 'view', size: 32, start: 6, end: 8, aliasOf: 'sum', aliasOffset: 32 },
      ],
    };
    const offsets = [0, 0, 64, 64, 96];
    const facts = peakFacts(problem, { offsets });
    expect(facts).toEqual({ step: 6, top: 128, live: 128, buffers: [0, 3, 4] });
    expect(peakLine(problem, facts, problemLabels(problem))).toBe('step 6: 128 B live in 3 buffers: skip 64 B, sum 64 B, view 32 B in sum');
    // Over step 3 skip is idle (not listed) and act holds the 16 bytes of its window.
    expect(liveAt(problem, 3)).toEqual([1, 2]);
    expect(liveBytesAt(problem, 3)).toBe(80);
    expect(bufferBytesAt(problem.buffers[2]!, 3)).toBe(16);
    expect(peakLine(problem, { step: 3, top: 96, live: 80, buffers: [1, 2] }, problemLabels(problem))).toBe('step 3 (the plan\'s top, 96 B, is set there: 16 B above what is live): 80 B live in 2 buffers: conv2 64 B, act 16 B of 32 B');
    // skip idle over 2..5 sets no high-water mark there.
    expect(profileAt(highWaterProfile(problem, offsets), 2)).toBe(64);
  });
});
