// The orders in which the greedy methods take buffers. Fixed buffers are left out: they are placed first.
import { BY_START, N, SCRATCH_A, SCRATCH_B, fixedOf, size, startOf, endOf } from './problem';
import { listNeighbours } from './neighbours';
import { alloc, fillI32, mark, release } from './memory';
import { sortIndices } from './sort';

let CONFLICT_BYTES: usize = 0;

/** Largest first; ties by earlier start, then index (TFLite / TFLM). */
export function bySizeDesc(a: i32, b: i32): i32 {
  const sa = size(a);
  const sb = size(b);
  if (sa != sb) return sa > sb ? -1 : 1;
  const ta = startOf(a);
  const tb = startOf(b);
  if (ta != tb) return ta < tb ? -1 : 1;
  return a - b;
}

/** Most bytes in conflict first (own size plus every buffer overlapping in time), then by size. */
function byConflictsDesc(a: i32, b: i32): i32 {
  const ca = load<i64>(CONFLICT_BYTES + (<usize>a << 3));
  const cb = load<i64>(CONFLICT_BYTES + (<usize>b << 3));
  if (ca != cb) return ca > cb ? -1 : 1;
  return bySizeDesc(a, b);
}

/** Execution order: earlier start first, then the one that lives longer, then index. */
function byStart(a: i32, b: i32): i32 {
  const ta = startOf(a);
  const tb = startOf(b);
  if (ta != tb) return ta < tb ? -1 : 1;
  const ea = endOf(a);
  const eb = endOf(b);
  if (ea != eb) return ea > eb ? -1 : 1;
  return a - b;
}

function movable(dst: usize): i32 {
  let m = 0;
  for (let b = 0; b < N; b++) {
    if (fixedOf(b) < 0) {
      store<i32>(dst + (<usize>m << 2), b);
      m++;
    }
  }
  return m;
}

/** Digits of the radix sort below: 2^RADIX_BITS buckets a pass. */
const RADIX_BITS: i32 = 16;

/**
 * Writes the movable buffers largest first to dst (ties by earlier start, then index: bySizeDesc's
 * order); returns how many. A stable radix sort on the sizes, least significant 16 bits first, over
 * the buffers taken by (start, index) from BY_START: O(n) per pass, one pass per 16 bits of the
 * largest size (two for sizes below 4 GiB), where a comparison sort through bySizeDesc cost a
 * million buffers over a second.
 */
export function orderBySize(dst: usize): i32 {
  let m = 0;
  let largest: i64 = 0;
  for (let i = 0; i < N; i++) {
    const b = load<i32>(BY_START + (<usize>i << 2));
    if (fixedOf(b) < 0) {
      store<i32>(dst + (<usize>m << 2), b);
      m++;
      if (size(b) > largest) largest = size(b);
    }
  }
  const at = mark();
  const buckets = 1 << RADIX_BITS;
  const count = alloc(<usize>(buckets + 1) << 2);
  if (count == 0) {
    // No memory for the counts: the comparison sort gives the same order.
    release(at);
    sortIndices(dst, m, SCRATCH_B, bySizeDesc);
    return m;
  }
  let src = dst;
  let tmp = SCRATCH_B;
  for (let shift: i64 = 0; shift < 64 && (largest >> shift) > 0; shift += RADIX_BITS) {
    fillI32(count, buckets + 1, 0);
    // Largest first: the digit's complement is the bucket.
    for (let i = 0; i < m; i++) {
      const d = <i32>(buckets - 1) - <i32>((size(load<i32>(src + (<usize>i << 2))) >> shift) & <i64>(buckets - 1));
      const p = count + (<usize>(d + 1) << 2);
      store<i32>(p, load<i32>(p) + 1);
    }
    for (let d = 0; d < buckets; d++) {
      const p = count + (<usize>(d + 1) << 2);
      store<i32>(p, load<i32>(p) + load<i32>(count + (<usize>d << 2)));
    }
    for (let i = 0; i < m; i++) {
      const b = load<i32>(src + (<usize>i << 2));
      const d = <i32>(buckets - 1) - <i32>((size(b) >> shift) & <i64>(buckets - 1));
      const p = count + (<usize>d << 2);
      const to = load<i32>(p);
      store<i32>(tmp + (<usize>to << 2), b);
      store<i32>(p, to + 1);
    }
    const t = src;
    src = tmp;
    tmp = t;
  }
  if (src != dst) memory.copy(dst, src, <usize>m << 2);
  release(at);
  return m;
}

/** Writes the movable buffers most-conflicting first to dst; returns how many. */
export function orderByConflicts(dst: usize): i32 {
  // Recomputed per call: the block from an earlier problem is gone after prepare().
  CONFLICT_BYTES = alloc(<usize>max(N, 1) << 3);
  for (let b = 0; b < N; b++) {
    let sum = size(b);
    const k = listNeighbours(b, SCRATCH_A);
    for (let p = 0; p < k; p++) sum += size(load<i32>(SCRATCH_A + (<usize>p << 2)));
    store<i64>(CONFLICT_BYTES + (<usize>b << 3), sum);
  }
  const m = movable(dst);
  sortIndices(dst, m, SCRATCH_B, byConflictsDesc);
  return m;
}

/** Writes the movable buffers in execution order to dst; returns how many. */
export function orderByStart(dst: usize): i32 {
  let m = 0;
  for (let i = 0; i < N; i++) {
    const b = load<i32>(BY_START + (<usize>i << 2));
    if (fixedOf(b) < 0) {
      store<i32>(dst + (<usize>m << 2), b);
      m++;
    }
  }
  sortIndices(dst, m, SCRATCH_B, byStart);
  return m;
}
