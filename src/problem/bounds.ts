import { hasTies, tiedPeakStep } from './relative.js';
import type { Bytes, Problem, Step } from './types.js';

/**
 * The live bound: the largest number of bytes live at one step (alignment ignored).
 * No plan's peak can be lower; a plan that reaches it is optimal.
 */
export function liveBound(problem: Problem): Bytes {
  return peakStep(problem).bytes;
}

/**
 * The first step at which the most bytes are live, and how many (0 and 0 for no buffers). With gaps or
 * aliases only the bytes live count, an alias's once (tiedPeakStep, src/problem/relative.ts).
 */
export function peakStep(problem: Problem): { step: Step; bytes: Bytes } {
  if (hasTies(problem)) return tiedPeakStep(problem);
  const events: [number, number][] = [];
  for (const b of problem.buffers) {
    events.push([b.start, b.size], [b.end, -b.size]);
  }
  // At equal steps, ends (negative) come before starts: [start, end) ranges that touch do not overlap.
  events.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let live = 0;
  let bytes = 0;
  let step = 0;
  for (const [t, delta] of events) {
    live += delta;
    if (live > bytes) {
      bytes = live;
      step = t;
    }
  }
  return { step, bytes };
}

/** The largest single buffer: also a lower bound on the peak. */
export function largestBuffer(problem: Problem): Bytes {
  let best = 0;
  for (const b of problem.buffers) if (b.size > best) best = b.size;
  return best;
}

/** Sum of all sizes: the peak with no reuse at all (alignment ignored). */
export function totalBytes(problem: Problem): Bytes {
  let sum = 0;
  for (const b of problem.buffers) sum += b.size;
  return sum;
}

/** The cheap lower bounds of a problem, the best of them, and which one it is (for the proof line). */
export interface Bounds {
  live: Bytes;
  largest: Bytes;
  bound: Bytes;
  proof: 'live bound' | 'live bound with alignment' | 'largest buffer';
}

export function bounds(problem: Problem): Bounds {
  const live = liveBound(problem);
  const aligned = alignedLive(problem) ?? live;
  const largest = largestBuffer(problem);
  const bound = Math.max(live, aligned, largest);
  const proof = bound === live ? 'live bound' : bound === aligned ? 'live bound with alignment' : 'largest buffer';
  return { live, largest, bound, proof };
}

/** The best lower bound these cheap bounds give: live bound (with alignment when it applies) or largest buffer. */
export function lowerBound(problem: Problem): Bytes {
  return bounds(problem).bound;
}

/**
 * A live bound that counts alignment, when every movable buffer shares one alignment a (models
 * planned with TFLM's 16 bytes, say). Buffers live at one step sit at multiples of a, so each but
 * the topmost takes at least its size rounded up to a: the peak is at least the sum of rounded
 * sizes minus the largest rounding among them. Falls back to the plain live bound otherwise.
 */
export function alignedLiveBound(problem: Problem): Bytes {
  return alignedLive(problem) ?? liveBound(problem);
}

/** alignedLiveBound() where the alignment applies; undefined where it does not. */
function alignedLive(problem: Problem): Bytes | undefined {
  const bs = problem.buffers;
  if (bs.length === 0) return 0;
  const a = bs[0]!.align ?? 1;
  if (a === 1 || a > 4096 || bs.some((b) => (b.align ?? 1) !== a || b.offset !== undefined) || hasTies(problem)) return undefined;
  const events: [number, number][] = [];
  bs.forEach((b, i) => events.push([b.start, i + 1], [b.end, -(i + 1)]));
  events.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const padCount = new Array<number>(a).fill(0);
  let sum = 0;
  let best = 0;
  for (const [, e] of events) {
    const b = bs[Math.abs(e) - 1]!;
    const rounded = Math.ceil(b.size / a) * a;
    const pad = rounded - b.size;
    if (e > 0) {
      sum += rounded;
      padCount[pad]!++;
      let maxPad = a - 1;
      while (maxPad > 0 && padCount[maxPad] === 0) maxPad--;
      if (sum - maxPad > best) best = sum - maxPad;
    } else {
      sum -= rounded;
      padCount[pad]!--;
    }
  }
  return best;
}
