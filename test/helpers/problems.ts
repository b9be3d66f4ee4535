import fc from 'fast-check';
import type { Buffer, Problem } from '../../src/problem/types.js';

export interface GenOptions {
  maxBuffers?: number;
  /** Largest size; sizes are drawn from small sizes and, sometimes, up to this. */
  maxSize?: number;
  withAlign?: boolean;
  withFixed?: boolean;
}

/**
 * Random problems with the shapes that break planners: equal sizes, ranges that touch
 * ([a,b) then [b,c)), alignments 1..64, sizes up to 2^40, and a few fixed offsets.
 */
export function arbProblem(opts: GenOptions = {}): fc.Arbitrary<Problem> {
  const maxBuffers = opts.maxBuffers ?? 24;
  const maxSize = opts.maxSize ?? 2 ** 40;
  const size = fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 64 }) },
    { weight: 2, arbitrary: fc.constantFrom(16, 32, 48, 64) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: maxSize }) },
  );
  const buffer = fc.record({
    size,
    start: fc.integer({ min: 0, max: 12 }),
    len: fc.integer({ min: 1, max: 8 }),
    align: opts.withAlign === false ? fc.constant(1) : fc.constantFrom(1, 1, 1, 2, 4, 8, 16, 32, 64),
  });
  return fc
    .record({
      list: fc.array(buffer, { minLength: 1, maxLength: maxBuffers }),
      equalSizes: fc.boolean(),
      fixed: opts.withFixed === false ? fc.constant(0) : fc.integer({ min: 0, max: 2 }),
    })
    .map(({ list, equalSizes, fixed }) => {
      const buffers: Buffer[] = list.map((b, i) => ({
        id: `b${i}`,
        size: equalSizes ? 32 : b.size,
        start: b.start,
        end: b.start + b.len,
        ...(b.align > 1 ? { align: b.align } : {}),
      }));
      // Fixed offsets stacked from 0 so they can never collide with each other.
      let top = 0;
      for (let i = 0; i < Math.min(fixed, buffers.length); i++) {
        const b = buffers[i]!;
        const a = b.align ?? 1;
        b.offset = Math.ceil(top / a) * a;
        top = b.offset + b.size;
      }
      return { buffers };
    });
}

/** A seeded pseudo-random generator for fixtures outside fast-check (mulberry32). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A model-like problem of n buffers: one produced per step, most read a few steps later, some
 * (skip connections) much later; sizes log-uniform from 1 KiB to 1 MiB. Deterministic for a seed.
 */
export function randomProblem(n: number, seed: number): Problem {
  const r = rng(seed);
  const buffers: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const life = r() < 0.9 ? 1 + Math.floor(r() * 6) : 10 + Math.floor(r() * 90);
    buffers.push({ id: String(i), size: Math.round(1024 * 1024 ** r()), start: i, end: i + 1 + life });
  }
  return { buffers };
}

/**
 * A problem with a perfect packing: a rectangle of `steps` x `height` bytes cut at random, again
 * and again, in time or in memory (16-byte steps), into n buffers. Its optimum equals its live
 * bound, `height`, and finding it is hard for greedy methods (like MiniMalloc's challenging set).
 */
export function tightProblem(n: number, seed: number, steps = 64, height = 4096): Problem {
  const r = rng(seed);
  const rects: [number, number, number, number][] = [[0, steps, 0, height]];
  while (rects.length < n) {
    rects.sort((a, b) => (b[1] - b[0]) * (b[3] - b[2]) - (a[1] - a[0]) * (a[3] - a[2]));
    const [t0, t1, m0, m1] = rects.shift()!;
    if (r() < 0.5 && t1 - t0 > 1) {
      const c = t0 + 1 + Math.floor(r() * (t1 - t0 - 1));
      rects.push([t0, c, m0, m1], [c, t1, m0, m1]);
    } else if (m1 - m0 > 16) {
      const c = m0 + 16 * (1 + Math.floor(r() * ((m1 - m0) / 16 - 1)));
      rects.push([t0, t1, m0, c], [t0, t1, c, m1]);
    } else {
      rects.push([t0, t1, m0, m1]);
    }
  }
  return { buffers: rects.map(([t0, t1, m0, m1], i) => ({ id: `b${i}`, size: m1 - m0, start: t0, end: t1 })) };
}

/**
 * The scale runs' random problem (issue #10): n buffers of 1 B..64 KiB, each live for 1..16 steps,
 * starting anywhere in 0..`steps` (2,500 for 10,000 buffers). Unlike randomProblem, many buffers live
 * at once (about 8.5 n / steps). Deterministic for a seed.
 */
export function scatteredProblem(n: number, seed: number, steps = Math.round(n / 4)): Problem {
  const r = rng(seed);
  const buffers: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const start = Math.floor(r() * (steps + 1));
    const size = 1 + Math.floor(r() * 65536);
    buffers.push({ id: `b${i}`, size, start, end: start + 1 + Math.floor(r() * 16) });
  }
  return { buffers };
}

/**
 * Lays problems side by side in time: each starts where the one before ends, so no buffer crosses a
 * join; a mirrored part runs backwards ([s, e) becomes [T - e, T - s) within its span). Ids get the
 * part's index as a prefix (`k:id`). No capacity: callers add their own.
 */
export function sideBySide(problems: readonly Problem[], mirrored: readonly boolean[] = []): Problem {
  const buffers: Buffer[] = [];
  let at = 0;
  problems.forEach((p, k) => {
    const lo = Math.min(...p.buffers.map((b) => b.start));
    const hi = Math.max(...p.buffers.map((b) => b.end));
    for (const b of p.buffers) {
      const [s, e] = mirrored[k] ? [hi - b.end, hi - b.start] : [b.start - lo, b.end - lo];
      buffers.push({ ...b, id: `${k}:${b.id}`, start: at + s, end: at + e });
    }
    at += hi - lo;
  });
  return { buffers };
}

/** The parts of a solve's result that do not depend on the clock (to compare runs inline and in workers). */
export const planOf = (r: { offsets: number[]; peak: number; method: string; status: string; bound: number }) => ({
  offsets: r.offsets,
  peak: r.peak,
  method: r.method,
  status: r.status,
  bound: r.bound,
});
