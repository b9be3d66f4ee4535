import { blocksOf, hasTies, tiedPeakStep } from './relative.js';
import { indicesByKey } from './sweep.js';
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
  let bytes = 0;
  let step = 0;
  sweepSteps(problem, (t, live) => {
    if (live > bytes) {
      bytes = live;
      step = t;
    }
  });
  return { step, bytes };
}

/**
 * Walks the steps at which buffers start, in time order: at each, the buffers ending there leave
 * (ranges are half-open: one ending at t and one starting at t never meet), then those starting there
 * come, and `atStep(t, bytes live, buffers that came)` is called. O(n log n) (sweep.ts's orders).
 * `enter` and `leave` are told of each buffer (its index) as it comes and goes.
 */
function sweepSteps(
  problem: Problem,
  atStep: (t: Step, live: Bytes) => void,
  enter: (i: number) => void = () => {},
  leave: (i: number) => void = () => {},
): void {
  const bs = problem.buffers;
  const n = bs.length;
  // The buffers read once, in order, into columns: the sweep then reads numbers out of order, not objects.
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  const size = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const b = bs[i]!;
    start[i] = b.start;
    end[i] = b.end;
    size[i] = b.size;
  }
  const byStart = indicesByKey(start);
  const byEnd = indicesByKey(end);
  let live = 0;
  let e = 0;
  for (let k = 0; k < n; ) {
    const t = start[byStart[k]!]!;
    for (; e < n && end[byEnd[e]!]! <= t; e++) {
      live -= size[byEnd[e]!]!;
      leave(byEnd[e]!);
    }
    for (; k < n && start[byStart[k]!] === t; k++) {
      live += size[byStart[k]!]!;
      enter(byStart[k]!);
    }
    atStep(t, live);
  }
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

/**
 * The top of the fixed buffers: max over buffers with a fixed offset of offset + size, and over the
 * aliases of a fixed buffer's block (their offsets follow from it: src/problem/relative.ts) of theirs;
 * 0 when none is fixed. Every plan keeps those offsets, so its peak (max offset + size) is at least this.
 */
export function fixedTop(problem: Problem): Bytes {
  let top = 0;
  if (hasTies(problem)) {
    for (const block of blocksOf(problem)) if (block.fixed !== undefined) top = Math.max(top, block.fixed + block.height);
    return top;
  }
  for (const b of problem.buffers) if (b.offset !== undefined) top = Math.max(top, b.offset + b.size);
  return top;
}

/** The cheap lower bounds of a problem, the best of them, and which one it is (for the proof line). */
export interface Bounds {
  live: Bytes;
  largest: Bytes;
  bound: Bytes;
  proof: 'live bound' | 'live bound with alignment' | 'largest buffer' | 'fixed offsets';
}

/**
 * The cheap lower bounds: the live bound (with alignment where it applies), the largest buffer, and
 * the top of the fixed buffers (fixedTop); `bound` is the best of them, `proof` names it (the live
 * bound on ties, then alignment, the largest buffer, the fixed offsets).
 */
export function bounds(problem: Problem): Bounds {
  const live = liveBound(problem);
  const aligned = alignedLive(problem) ?? live;
  const largest = largestBuffer(problem);
  const fixed = fixedTop(problem);
  const bound = Math.max(live, aligned, largest, fixed);
  const proof = bound === live ? 'live bound' : bound === aligned ? 'live bound with alignment' : bound === largest ? 'largest buffer' : 'fixed offsets';
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
  const padCount = new Float64Array(a);
  let sum = 0;
  let best = 0;
  // Within a step, each buffer that comes raises the sum by its rounded size and the largest rounding
  // by at most that rounding: the bound only grows, so its value after the step's last start is the
  // step's largest.
  const pad = (i: number): number => Math.ceil(bs[i]!.size / a) * a - bs[i]!.size;
  sweepSteps(
    problem,
    () => {
      let maxPad = a - 1;
      while (maxPad > 0 && padCount[maxPad] === 0) maxPad--;
      if (sum - maxPad > best) best = sum - maxPad;
    },
    (i) => {
      sum += bs[i]!.size + pad(i);
      padCount[pad(i)]!++;
    },
    (i) => {
      sum -= bs[i]!.size + pad(i);
      padCount[pad(i)]!--;
    },
  );
  return best;
}
