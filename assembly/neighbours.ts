// Which buffers overlap a buffer in time ("its neighbours"), listed on demand.
//
// Small problems keep every pair in a conflict graph (CSR, built once by setup()): listing is a copy.
// Where that graph would pass CSR_MAX_PAIRS pairs (a million buffers, many alive at once), no pair
// is stored: the neighbours of b are found from two sorted views of the buffers, in O(n) memory:
//   - those starting inside b's range [s, e): one run of BY_START (every one of them overlaps b);
//   - those starting before s and ending after it: grouped by length class k (length <= 2^k), such a
//     buffer starts in (s - 2^k, s). The short classes (k <= SHORT, which hold all but a sixteenth
//     of the buffers) are found by scanning BY_START back from b over the last 2^SHORT steps; each
//     longer class by a binary search into its run of LONG (by start), then a scan of that window.
//     A scan checks each buffer's end (at most about half of a window can miss).
// Both give the same set; callers never depend on the order of the list.
import { alloc } from './memory';
import { ADJ, ADJ_AT, BY_START, N, endOf, startOf } from './problem';

/** Length classes: class k holds lengths in (2^(k-1), 2^k] (class 0: lengths <= 1). */
const CLASSES: i32 = 64;

/** Whether setup() kept the pairs (CSR); else the sorted views below answer. */
export let HAS_PAIRS: bool = true;
/** Position of each buffer in BY_START, i32 per buffer. */
let POS: usize = 0;
/** start(BY_START[p]) for each position p, f64: binary searches and scans stay in one block. */
let STARTS: usize = 0;
/** Buffer indices by (length class, start, index). */
let LONG: usize = 0;
/** start(LONG[p]) for each position p, f64. */
let LONG_START: usize = 0;
/** Class k is LONG[CLASS_AT[k] .. CLASS_AT[k+1]), i32 per class + 1. */
let CLASS_AT: usize = 0;
/** Length class of each buffer, u8. */
let CLASS: usize = 0;
/** Classes up to SHORT are found by the scan back through BY_START (see above). */
let SHORT: i32 = 0;
/** 2^SHORT: how far back that scan goes, in steps. */
let SHORT_REACH: f64 = 1;

@inline function at32(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
@inline function at64(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }

/** The length class of b: the lowest k with end - start <= 2^k. */
function classOf(b: i32): i32 {
  const len = endOf(b) - startOf(b);
  let k = 0;
  let cap: f64 = 1;
  while (cap < len && k < CLASSES - 1) {
    cap *= 2;
    k++;
  }
  return k;
}

/** Lowest position p in [lo, hi) of `idx` with start(idx[p]) >= v (hi when none): idx sorted by start there. */
function firstAtOrAfter(idx: usize, lo: i32, hi: i32, v: f64): i32 {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (startOf(at32(idx, mid)) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Lowest position p in [lo, hi) with keys[p] >= v (hi when none): keys sorted there, f64. */
function firstKeyAtOrAfter(keys: usize, lo: i32, hi: i32, v: f64): i32 {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (at64(keys, mid) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Counts the pairs of buffers that overlap in time, without listing them (BY_START must be built):
 * for each buffer, those that start later but before it ends.
 */
export function countPairs(): i64 {
  let pairs: i64 = 0;
  for (let i = 0; i < N; i++) {
    const up = firstAtOrAfter(BY_START, i + 1, N, endOf(at32(BY_START, i)));
    pairs += <i64>(up - i - 1);
  }
  return pairs;
}

/** Builds the sorted views that stand in for the pairs; returns false when memory is exhausted. */
export function buildViews(): bool {
  HAS_PAIRS = false;
  const n = <usize>max(N, 1);
  POS = alloc(n << 2);
  STARTS = alloc(n << 3);
  LONG = alloc(n << 2);
  LONG_START = alloc(n << 3);
  CLASS = alloc(n);
  CLASS_AT = alloc(<usize>(CLASSES + 1) << 2);
  if (CLASS_AT == 0) return false;
  for (let b = 0; b < N; b++) store<u8>(CLASS + <usize>b, <u8>classOf(b));
  for (let p = 0; p < N; p++) {
    const b = at32(BY_START, p);
    store<i32>(POS + (<usize>b << 2), p);
    store<f64>(STARTS + (<usize>p << 3), startOf(b));
  }
  for (let k = 0; k <= CLASSES; k++) store<i32>(CLASS_AT + (<usize>k << 2), 0);
  for (let b = 0; b < N; b++) {
    const p = CLASS_AT + (<usize>(classOf(b) + 1) << 2);
    store<i32>(p, load<i32>(p) + 1);
  }
  // SHORT: the lowest class with at most N/16 buffers in the classes above it.
  SHORT = CLASSES - 1;
  let above = 0;
  for (let k = CLASSES - 1; k > 0; k--) {
    above += at32(CLASS_AT, k + 1);
    if (above * 16 > N) break;
    SHORT = k - 1;
  }
  SHORT_REACH = 1;
  for (let k = 0; k < SHORT; k++) SHORT_REACH *= 2;
  for (let k = 0; k < CLASSES; k++) {
    const p = CLASS_AT + (<usize>(k + 1) << 2);
    store<i32>(p, load<i32>(p) + at32(CLASS_AT, k));
  }
  // A counting sort by class over the buffers by start keeps each class by start.
  const fill = alloc(<usize>CLASSES << 2);
  if (fill == 0) return false;
  for (let k = 0; k < CLASSES; k++) store<i32>(fill + (<usize>k << 2), at32(CLASS_AT, k));
  for (let i = 0; i < N; i++) {
    const b = at32(BY_START, i);
    const p = fill + (<usize>load<u8>(CLASS + <usize>b) << 2);
    const at = load<i32>(p);
    store<i32>(LONG + (<usize>at << 2), b);
    store<f64>(LONG_START + (<usize>at << 3), startOf(b));
    store<i32>(p, at + 1);
  }
  return true;
}

/** Uses the conflict graph built by setup(). */
export function usePairs(): void {
  HAS_PAIRS = true;
}

/**
 * Writes the buffers overlapping b in time (b excluded) to dst, in no particular order; returns how
 * many. dst must hold N i32.
 */
export function listNeighbours(b: i32, dst: usize): i32 {
  if (HAS_PAIRS) {
    const from = at32(ADJ_AT, b);
    const k = at32(ADJ_AT, b + 1) - from;
    memory.copy(dst, ADJ + (<usize>from << 2), <usize>k << 2);
    return k;
  }
  const s = startOf(b);
  const e = endOf(b);
  let k = 0;
  // Starting inside [s, e): around b's own position in BY_START (ties by index, so some of those
  // that start at s come before b).
  const at = at32(POS, b);
  let p = at - 1;
  for (; p >= 0 && at64(STARTS, p) == s; p--) {
    store<i32>(dst + (<usize>k << 2), at32(BY_START, p));
    k++;
  }
  for (let q = at + 1; q < N && at64(STARTS, q) < e; q++) {
    store<i32>(dst + (<usize>k << 2), at32(BY_START, q));
    k++;
  }
  // Starting before s and ending after it: the short classes by the scan back, from where the
  // buffers starting at s end.
  const from = s - SHORT_REACH;
  for (; p >= 0 && at64(STARTS, p) > from; p--) {
    const c = at32(BY_START, p);
    if (<i32>load<u8>(CLASS + <usize>c) <= SHORT && endOf(c) > s) {
      store<i32>(dst + (<usize>k << 2), c);
      k++;
    }
  }
  // ...and each longer class in its run of LONG.
  let reach: f64 = SHORT_REACH * 2;
  for (let cls = SHORT + 1; cls < CLASSES; cls++) {
    const lo = at32(CLASS_AT, cls);
    const end = at32(CLASS_AT, cls + 1);
    if (lo < end) {
      for (let q = firstKeyAtOrAfter(LONG_START, lo, end, s - reach); q < end && at64(LONG_START, q) < s; q++) {
        const c = at32(LONG, q);
        if (endOf(c) > s) {
          store<i32>(dst + (<usize>k << 2), c);
          k++;
        }
      }
    }
    reach *= 2;
  }
  return k;
}
