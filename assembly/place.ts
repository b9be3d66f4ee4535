// Placing one buffer among the buffers already placed that overlap it in time, and decoding a
// whole order that way. The greedy methods and the local search all stand on this.
import { listNeighbours } from './neighbours';
import {
  FIXED_TOP, RANGE_HI, RANGE_LO, SCRATCH_A,
  alignOf, alignUp, isPlaced, offsetOf, setOffset, setPlaced, size,
} from './problem';
import { sortRanges } from './sort';

/** Take the lowest gap that fits. */
export const FIRST_FIT: i32 = 0;
/** Take the smallest gap that fits (lowest on ties). */
export const BEST_FIT: i32 = 1;

/**
 * Neighbours visited by placeOne so far: a measure of work that, unlike time, does not depend on
 * the machine (the local search's budget of work is counted in it).
 */
export let PLACE_WORK: f64 = 0;

/** Adds work done elsewhere (wave.ts) to PLACE_WORK. */
export function addPlaceWork(w: f64): void {
  PLACE_WORK += w;
}

/** PLACE_WORK so far (JS reads it around one decode to cost a local-search move). */
export function placeWork(): f64 {
  return PLACE_WORK;
}

/**
 * How many neighbours the last placeOne listed: they stay in SCRATCH_A (i32 each) until the next
 * listing there (wave.ts reads them to release the buffers that waited for the one just placed).
 */
export let LISTED: i32 = 0;

/** Gives buffer b an offset: a gap between placed neighbours that fits it, else on top of them all. */
export function placeOne(b: i32, rule: i32): i64 {
  const nb = SCRATCH_A;
  let k = 0;
  const all = listNeighbours(b, nb);
  LISTED = all;
  PLACE_WORK += <f64>(all + 1);
  // The placed neighbours' byte ranges, side by side (no index to follow while sorting them).
  for (let p = 0; p < all; p++) {
    const c = load<i32>(nb + (<usize>p << 2));
    if (isPlaced(c)) {
      const lo = offsetOf(c);
      store<i64>(RANGE_LO + (<usize>k << 3), lo);
      store<i64>(RANGE_HI + (<usize>k << 3), lo + size(c));
      k++;
    }
  }
  sortRanges(RANGE_LO, RANGE_HI, k);
  PLACE_WORK += <f64>(k * (32 - clz(k)));
  const s = size(b);
  const a = alignOf(b);
  let cur: i64 = 0;
  let best: i64 = -1;
  let bestGap: i64 = i64.MAX_VALUE;
  for (let i = 0; i < k; i++) {
    const lo = load<i64>(RANGE_LO + (<usize>i << 3));
    if (lo > cur) {
      const cand = alignUp(cur, a);
      if (cand + s <= lo) {
        const gap = lo - cur;
        if (rule == FIRST_FIT) {
          best = cand;
          break;
        }
        if (gap < bestGap) {
          bestGap = gap;
          best = cand;
        }
      }
    }
    const hi = load<i64>(RANGE_HI + (<usize>i << 3));
    if (hi > cur) cur = hi;
  }
  if (best < 0) best = alignUp(cur, a);
  setOffset(b, best);
  setPlaced(b, true);
  return best + s;
}

/** Position in the order at which the last decode first reached its peak; -1 when a fixed buffer sets it. */
export let PEAK_POS: i32 = -1;

/**
 * Places order[from..m) one by one (order[0..from) and the fixed buffers must be placed already).
 * tops[pos] holds the running peak after position pos. Returns the peak. With `giveUpAbove`, stops
 * as soon as the running peak exceeds it and returns that peak (the rest of the order is then left
 * unplaced, and PEAK_POS is not set): the caller only wanted to know whether it stays below.
 */
export function decodeFrom(order: usize, m: i32, from: i32, rule: i32, tops: usize, giveUpAbove: i64 = i64.MAX_VALUE): i64 {
  for (let i = from; i < m; i++) setPlaced(load<i32>(order + (<usize>i << 2)), false);
  PLACE_WORK += <f64>(m - from);
  let peak: i64 = from > 0 ? load<i64>(tops + (<usize>(from - 1) << 3)) : FIXED_TOP;
  for (let i = from; i < m; i++) {
    const top = placeOne(load<i32>(order + (<usize>i << 2)), rule);
    if (top > peak) peak = top;
    store<i64>(tops + (<usize>i << 3), peak);
    if (peak > giveUpAbove) return peak;
  }
  PEAK_POS = -1;
  if (peak > FIXED_TOP) {
    // tops never decreases: the first position that reaches the peak is the one that set it.
    let lo = 0;
    let hi = m - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (load<i64>(tops + (<usize>mid << 3)) >= peak) hi = mid;
      else lo = mid + 1;
    }
    PEAK_POS = lo;
  }
  return peak;
}
