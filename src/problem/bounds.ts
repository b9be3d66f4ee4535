import type { Bytes, Problem } from './types.js';

/**
 * The live bound: the largest number of bytes live at one step (alignment ignored).
 * No plan's peak can be lower; a plan that reaches it is optimal.
 */
export function liveBound(problem: Problem): Bytes {
  const events: [number, number][] = [];
  for (const b of problem.buffers) {
    events.push([b.start, b.size], [b.end, -b.size]);
  }
  // At equal steps, ends (negative) come before starts: [start, end) ranges that touch do not overlap.
  events.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let live = 0;
  let best = 0;
  for (const [, delta] of events) {
    live += delta;
    if (live > best) best = live;
  }
  return best;
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

/** The best lower bound these cheap bounds give. */
export function lowerBound(problem: Problem): Bytes {
  return Math.max(liveBound(problem), largestBuffer(problem));
}
