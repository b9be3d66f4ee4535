// Stable merge sorts over raw i32 index arrays.

/** A comparison of two buffer indices: negative when a comes first. Reads its keys from globals. */
export type Compare = (a: i32, b: i32) => i32;

/** Sorts `n` i32 at `idx` by `cmp`, stably; `tmp` is scratch of the same size. */
export function sortIndices(idx: usize, n: i32, tmp: usize, cmp: Compare): void {
  for (let width = 1; width < n; width <<= 1) {
    for (let lo = 0; lo < n; lo += width << 1) {
      const mid = min(lo + width, n);
      const hi = min(lo + (width << 1), n);
      merge(idx, tmp, lo, mid, hi, cmp);
    }
    for (let i = 0; i < n; i++) store<i32>(idx + (<usize>i << 2), load<i32>(tmp + (<usize>i << 2)));
  }
}

function merge(src: usize, dst: usize, lo: i32, mid: i32, hi: i32, cmp: Compare): void {
  let i = lo;
  let j = mid;
  for (let k = lo; k < hi; k++) {
    let take: i32;
    if (i < mid && (j >= hi || cmp(load<i32>(src + (<usize>i << 2)), load<i32>(src + (<usize>j << 2))) <= 0)) {
      take = load<i32>(src + (<usize>i << 2));
      i++;
    } else {
      take = load<i32>(src + (<usize>j << 2));
      j++;
    }
    store<i32>(dst + (<usize>k << 2), take);
  }
}

/**
 * Sorts the `n` ranges [lo[i], hi[i]) (i64 each, two parallel blocks) by lo ascending, in place; the
 * order among equal lo is not kept (placeOne's walk does not depend on it). Insertion sort for short
 * lists, Shell sort (Ciura's gaps, then x2.25) beyond: no scratch, no indirection.
 */
export function sortRanges(lo: usize, hi: usize, n: i32): void {
  let gap: i32 = 1;
  if (n > 24) {
    gap = 701;
    while (<f64>gap * 2.25 < <f64>n) gap = <i32>(<f64>gap * 2.25);
  }
  while (gap >= 1) {
    if (gap < n) {
      for (let i = gap; i < n; i++) {
        const l = load<i64>(lo + (<usize>i << 3));
        const h = load<i64>(hi + (<usize>i << 3));
        let j = i;
        while (j >= gap) {
          const pl = load<i64>(lo + (<usize>(j - gap) << 3));
          if (pl <= l) break;
          store<i64>(lo + (<usize>j << 3), pl);
          store<i64>(hi + (<usize>j << 3), load<i64>(hi + (<usize>(j - gap) << 3)));
          j -= gap;
        }
        store<i64>(lo + (<usize>j << 3), l);
        store<i64>(hi + (<usize>j << 3), h);
      }
    }
    gap = nextGap(gap);
  }
}

/** The Shell sort gap after `gap`: Ciura's sequence 701, 301, 132, 57, 23, 10, 4, 1; above 701 by 2.25. */
function nextGap(gap: i32): i32 {
  if (gap > 701) return max(701, <i32>(<f64>gap / 2.25));
  if (gap == 701) return 301;
  if (gap == 301) return 132;
  if (gap == 132) return 57;
  if (gap == 57) return 23;
  if (gap == 23) return 10;
  if (gap == 10) return 4;
  if (gap == 4) return 1;
  return 0;
}
