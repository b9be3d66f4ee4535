import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alignedLiveBound, liveBound, peakStep } from '../../src/problem/bounds.js';
import { firstOverlap, indicesByKey, type Rectangles } from '../../src/problem/sweep.js';
import type { Problem } from '../../src/problem/types.js';
import { validateProblem } from '../../src/problem/validate.js';
import { verifyPlan } from '../../src/problem/verify.js';
import { InputError } from '../../src/problem/errors.js';
import { rng, scatteredProblem } from '../helpers/problems.js';

/** Every pair, the plain way: the reference the sweep must agree with. */
function pairwiseOverlap(r: Rectangles): boolean {
  const n = r.start.length;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const inTime = r.start[i]! < r.end[j]! && r.start[j]! < r.end[i]!;
      const nonEmpty = r.lo[i]! < r.hi[i]! && r.lo[j]! < r.hi[j]!;
      if (inTime && nonEmpty && r.lo[i]! < r.hi[j]! && r.lo[j]! < r.hi[i]!) return true;
    }
  }
  return false;
}

const rectangles = fc
  .array(
    fc.record({ start: fc.integer({ min: -3, max: 12 }), len: fc.integer({ min: 1, max: 6 }), lo: fc.integer({ min: 0, max: 40 }), size: fc.integer({ min: 0, max: 12 }) }),
    { maxLength: 14 },
  )
  .map((list): Rectangles => ({
    start: Float64Array.from(list, (x) => x.start),
    end: Float64Array.from(list, (x) => x.start + x.len),
    lo: Float64Array.from(list, (x) => x.lo),
    hi: Float64Array.from(list, (x) => x.lo + x.size),
  }));

/** The live bound the plain way: every step, every buffer. */
function bruteLive(p: Problem): { step: number; bytes: number } {
  let best = { step: 0, bytes: 0 };
  const steps = [...new Set(p.buffers.map((b) => b.start))].sort((a, b) => a - b);
  for (const t of steps) {
    const bytes = p.buffers.filter((b) => b.start <= t && t < b.end).reduce((s, b) => s + b.size, 0);
    if (bytes > best.bytes) best = { step: t, bytes };
  }
  return best;
}

describe('sweep', () => {
  it('indicesByKey: ascending keys, ties by index, counted or compared', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.double({ noNaN: true, noDefaultInfinity: true }))), (keys) => {
        const want = keys.map((_, i) => i).sort((x, y) => keys[x]! - keys[y]! || x - y);
        expect([...indicesByKey(Float64Array.from(keys))]).toEqual(want);
      }),
    );
  });

  // listUpTo: the default (the sorted list of live buffers, as few live here) and 0 (the set of ranks).
  it.each([undefined, 0])('firstOverlap (listUpTo %s) agrees with the pairwise check, and the pair it names does overlap', (listUpTo) => {
    fc.assert(
      fc.property(rectangles, (r) => {
        const pair = firstOverlap(r, listUpTo);
        expect(pair !== undefined).toBe(pairwiseOverlap(r));
        if (pair !== undefined) {
          const [i, j] = pair;
          expect(r.start[i]! < r.end[j]! && r.start[j]! < r.end[i]!).toBe(true);
          expect(r.lo[i]! < r.hi[j]! && r.lo[j]! < r.hi[i]!).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it.each([undefined, 0])('firstOverlap (listUpTo %s) agrees with the pairwise check on 20,000 buffers (a set of ranks three levels of words deep; a list of ~64 live)', (listUpTo) => {
    // Buffers in 64 lanes of 1 KiB, each lane's buffers back to back in time, then a few moved: the
    // live set holds ranks far apart, so below/above climb and descend the levels of words.
    let collisions = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const r = rng(seed);
      const n = 20_000;
      const rect: Rectangles = { start: new Float64Array(n), end: new Float64Array(n), lo: new Float64Array(n), hi: new Float64Array(n) };
      const laneTime = new Float64Array(64);
      for (let i = 0; i < n; i++) {
        const lane = Math.floor(r() * 64);
        const len = 1 + Math.floor(r() * 5);
        rect.start[i] = laneTime[lane]!;
        rect.end[i] = laneTime[lane]! + len;
        laneTime[lane]! += len + Math.floor(r() * 2);
        rect.lo[i] = lane * 1024 + Math.floor(r() * 16);
        rect.hi[i] = lane * 1024 + 1000;
      }
      // Seeds 1-3: one buffer moved into the next lane's bytes (a collision unless nothing lives there then).
      if (seed <= 3) {
        const i = Math.floor(r() * n);
        rect.lo[i]! += 1024;
        rect.hi[i]! += 1024;
      }
      const pair = firstOverlap(rect, listUpTo);
      // The pairwise check, by lane: only buffers of one lane (after the move, two) can meet.
      let truth = false;
      const byLane = new Map<number, number[]>();
      for (let i = 0; i < n; i++) {
        const lane = Math.floor(rect.lo[i]! / 1024);
        (byLane.get(lane) ?? byLane.set(lane, []).get(lane)!).push(i);
      }
      for (const list of byLane.values()) {
        const sub: Rectangles = { start: new Float64Array(list.map((i) => rect.start[i]!)), end: new Float64Array(list.map((i) => rect.end[i]!)), lo: new Float64Array(list.map((i) => rect.lo[i]!)), hi: new Float64Array(list.map((i) => rect.hi[i]!)) };
        if (pairwiseOverlap(sub)) truth = true;
      }
      expect(pair !== undefined).toBe(truth);
      if (seed > 3) expect(truth).toBe(false);
      if (truth) collisions++;
      if (pair !== undefined) {
        const [i, j] = pair;
        expect(rect.start[i]! < rect.end[j]! && rect.start[j]! < rect.end[i]!).toBe(true);
        expect(rect.lo[i]! < rect.hi[j]! && rect.lo[j]! < rect.hi[i]!).toBe(true);
      }
    }
    expect(collisions).toBeGreaterThan(0);
  });

  it('verifyPlan: the sweep and the pairwise listing agree on random small plans', () => {
    fc.assert(
      fc.property(rectangles, (r) => {
        const n = r.start.length;
        const problem: Problem = { buffers: [...r.start].map((s, i) => ({ id: `b${i}`, start: s, end: r.end[i]!, size: Math.max(1, r.hi[i]! - r.lo[i]!) })) };
        const offsets = [...r.lo];
        const v = verifyPlan(problem, offsets);
        const rr = { ...r, hi: Float64Array.from(offsets, (o, i) => o + problem.buffers[i]!.size) };
        expect(v.valid).toBe(!pairwiseOverlap(rr));
        expect(v.errors.length > 0).toBe(!v.valid);
        expect(n === 0 || v.peak === Math.max(...rr.hi)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('peakStep and the aligned live bound agree with counting every step', () => {
    const arb = fc.array(fc.record({ start: fc.integer({ min: 0, max: 10 }), len: fc.integer({ min: 1, max: 5 }), size: fc.integer({ min: 1, max: 100 }) }), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(arb, (list) => {
        const p: Problem = { buffers: list.map((x, i) => ({ id: `b${i}`, start: x.start, end: x.start + x.len, size: x.size })) };
        expect(peakStep(p)).toEqual(bruteLive(p));
        const aligned: Problem = { buffers: p.buffers.map((b) => ({ ...b, align: 16 })) };
        // Aligned: each live buffer but the topmost rounded up to 16 (the largest rounding left out).
        let want = 0;
        for (const t of new Set(p.buffers.map((b) => b.start))) {
          const live = p.buffers.filter((b) => b.start <= t && t < b.end);
          const pads = live.map((b) => Math.ceil(b.size / 16) * 16 - b.size);
          want = Math.max(want, live.reduce((s, b) => s + Math.ceil(b.size / 16) * 16, 0) - Math.max(...pads));
        }
        expect(alignedLiveBound(aligned)).toBe(want);
      }),
    );
  });

  it('validateProblem finds colliding fixed offsets among many, and passes many that do not collide', () => {
    // 20,000 fixed buffers stacked without overlap in time or memory, then one moved onto another.
    const n = 20_000;
    const buffers = Array.from({ length: n }, (_, i) => ({ id: `f${i}`, start: i % 97, end: (i % 97) + 3, size: 8, offset: 8 * i }));
    expect(() => validateProblem({ buffers })).not.toThrow();
    // f12248 has the same live range [26, 29); 4 bytes up, f12345 meets it (and f12249 above it).
    buffers[12_345]!.offset = 8 * 12_248 + 4;
    expect(() => validateProblem({ buffers })).toThrow(InputError);
    expect(() => validateProblem({ buffers })).toThrow(/fixed offset \d+ collides with buffer "f12345" at 97988 \(both live at step 2[67]\)/);
  });

  it('a generated problem of 10^5 buffers: a stacked plan verifies, one nudged buffer does not', () => {
    const p = scatteredProblem(100_000, 3);
    const offsets: number[] = [];
    let top = 0;
    for (const b of p.buffers) {
      offsets.push(top);
      top += b.size;
    }
    expect(verifyPlan(p, offsets, top).valid).toBe(true);
    // The live bound against a count of bytes per step (steps are small integers here).
    const perStep = new Float64Array(Math.max(...p.buffers.map((b) => b.end)) + 1);
    for (const b of p.buffers) for (let t = b.start; t < b.end; t++) perStep[t]! += b.size;
    expect(liveBound(p)).toBe(Math.max(...perStep));
    // Put one buffer onto another one live at the same time.
    const r = rng(5);
    const i = Math.floor(r() * p.buffers.length);
    const j = p.buffers.findIndex((c, k) => k !== i && c.start < p.buffers[i]!.end && p.buffers[i]!.start < c.end);
    offsets[i] = offsets[j]!;
    const v = verifyPlan(p, offsets);
    expect(v.valid).toBe(false);
    expect(v.errors.join('\n')).toContain(`"${p.buffers[i]!.id}"`);
  });
});
