// Time sections: the elementary intervals between consecutive distinct start/end steps that end
// where a buffer ends (the others hold a subset of the next one's live buffers). Buffer b covers
// sections SEC_LO[b] .. SEC_HI[b]-1; buffers overlap in time exactly when they share one.
import { alloc } from './memory';
import { N, endOf, startOf } from './problem';

export let SECTIONS: i32 = 0;
export let SEC_LO: usize = 0;
export let SEC_HI: usize = 0;
/** Buffers live in each section, CSR: those of s are SEC_BUF[SEC_AT[s] .. SEC_AT[s+1]). */
export let SEC_AT: usize = 0;
export let SEC_BUF: usize = 0;

/** Lowest index i in the sorted f64 array pts[0..m) with pts[i] >= v. */
function lowerBound(pts: usize, m: i32, v: f64): i32 {
  let lo = 0;
  let hi = m;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (load<f64>(pts + (<usize>mid << 3)) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Builds the sections; returns false when memory is exhausted. */
export function buildSections(): bool {
  const n = N;
  const pts = alloc(<usize>max(2 * n, 1) << 3);
  SEC_LO = alloc(<usize>max(n, 1) << 2);
  SEC_HI = alloc(<usize>max(n, 1) << 2);
  if (SEC_HI == 0) return false;
  for (let b = 0; b < n; b++) {
    store<f64>(pts + (<usize>(2 * b) << 3), startOf(b));
    store<f64>(pts + (<usize>(2 * b + 1) << 3), endOf(b));
  }
  // Insertion-free sort of 2n doubles: a bottom-up merge sort into a scratch block.
  const m = 2 * n;
  const tmp = alloc(<usize>max(m, 1) << 3);
  if (tmp == 0) return false;
  let src = pts;
  let dst = tmp;
  for (let width = 1; width < m; width <<= 1) {
    for (let lo = 0; lo < m; lo += width << 1) {
      const mid = min(lo + width, m);
      const hi = min(lo + (width << 1), m);
      let i = lo;
      let j = mid;
      for (let k = lo; k < hi; k++) {
        if (i < mid && (j >= hi || load<f64>(src + (<usize>i << 3)) <= load<f64>(src + (<usize>j << 3)))) {
          store<f64>(dst + (<usize>k << 3), load<f64>(src + (<usize>i << 3)));
          i++;
        } else {
          store<f64>(dst + (<usize>k << 3), load<f64>(src + (<usize>j << 3)));
          j++;
        }
      }
    }
    const t = src;
    src = dst;
    dst = t;
  }
  // Unique points.
  let u = 0;
  for (let i = 0; i < m; i++) {
    const v = load<f64>(src + (<usize>i << 3));
    if (u == 0 || load<f64>(src + (<usize>(u - 1) << 3)) != v) {
      store<f64>(src + (<usize>u << 3), v);
      u++;
    }
  }
  // Keep only the intervals that end where some buffer ends: the live set grows at starts and
  // shrinks at ends, so these are the maximal ones (as MiniMalloc's sweep does). kept[i] counts the
  // kept intervals before interval i.
  const kept = alloc(<usize>(u + 1) << 2);
  if (kept == 0) return false;
  for (let i = 0; i <= u; i++) store<i32>(kept + (<usize>i << 2), 0);
  for (let b = 0; b < n; b++) {
    const e = lowerBound(src, u, endOf(b)); // interval e-1 ends at this buffer's end
    store<i32>(kept + (<usize>e << 2), 1);
  }
  let count = 0;
  for (let i = 0; i <= u; i++) {
    // On entry kept[i] flags whether interval i-1 is kept; on exit it counts kept intervals before i.
    const flag = i > 0 ? load<i32>(kept + (<usize>i << 2)) : 0;
    count += flag;
    store<i32>(kept + (<usize>i << 2), count);
  }
  SECTIONS = count;
  for (let b = 0; b < n; b++) {
    store<i32>(SEC_LO + (<usize>b << 2), load<i32>(kept + (<usize>lowerBound(src, u, startOf(b)) << 2)));
    store<i32>(SEC_HI + (<usize>b << 2), load<i32>(kept + (<usize>lowerBound(src, u, endOf(b)) << 2)));
  }
  const S = SECTIONS;
  SEC_AT = alloc(<usize>(S + 1) << 2);
  if (SEC_AT == 0) return false;
  for (let s = 0; s <= S; s++) store<i32>(SEC_AT + (<usize>s << 2), 0);
  let total = 0;
  for (let b = 0; b < n; b++) {
    const hi = load<i32>(SEC_HI + (<usize>b << 2));
    for (let s = load<i32>(SEC_LO + (<usize>b << 2)); s < hi; s++) {
      store<i32>(SEC_AT + (<usize>(s + 1) << 2), load<i32>(SEC_AT + (<usize>(s + 1) << 2)) + 1);
      total++;
    }
  }
  for (let s = 0; s < S; s++) {
    store<i32>(SEC_AT + (<usize>(s + 1) << 2), load<i32>(SEC_AT + (<usize>(s + 1) << 2)) + load<i32>(SEC_AT + (<usize>s << 2)));
  }
  SEC_BUF = alloc(<usize>max(total, 1) << 2);
  const fill = alloc(<usize>max(S, 1) << 2);
  if (fill == 0) return false; // (allocs fail for good once one has: SEC_BUF too)
  for (let s = 0; s < S; s++) store<i32>(fill + (<usize>s << 2), load<i32>(SEC_AT + (<usize>s << 2)));
  for (let b = 0; b < n; b++) {
    const hi = load<i32>(SEC_HI + (<usize>b << 2));
    for (let s = load<i32>(SEC_LO + (<usize>b << 2)); s < hi; s++) {
      const at = load<i32>(fill + (<usize>s << 2));
      store<i32>(SEC_BUF + (<usize>at << 2), b);
      store<i32>(fill + (<usize>s << 2), at + 1);
    }
  }
  return true;
}
