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
 * Sorts `n` i32 at `idx` ascending by the i64 key `keys[idx[k]]` (ties keep their order).
 * Insertion sort for short runs, merge sort beyond: the decoders sort a few neighbours at a time.
 */
export function sortByKey(idx: usize, n: i32, tmp: usize, keys: usize): void {
  if (n <= 24) {
    for (let i = 1; i < n; i++) {
      const v = load<i32>(idx + (<usize>i << 2));
      const kv = load<i64>(keys + (<usize>v << 3));
      let j = i - 1;
      while (j >= 0) {
        const u = load<i32>(idx + (<usize>j << 2));
        if (load<i64>(keys + (<usize>u << 3)) <= kv) break;
        store<i32>(idx + (<usize>(j + 1) << 2), u);
        j--;
      }
      store<i32>(idx + (<usize>(j + 1) << 2), v);
    }
    return;
  }
  for (let width = 1; width < n; width <<= 1) {
    for (let lo = 0; lo < n; lo += width << 1) {
      const mid = min(lo + width, n);
      const hi = min(lo + (width << 1), n);
      let i = lo;
      let j = mid;
      for (let k = lo; k < hi; k++) {
        let take: i32;
        if (i < mid) {
          const a = load<i32>(idx + (<usize>i << 2));
          if (j >= hi || load<i64>(keys + (<usize>a << 3)) <= load<i64>(keys + (<usize>load<i32>(idx + (<usize>j << 2)) << 3))) {
            take = a;
            i++;
          } else {
            take = load<i32>(idx + (<usize>j << 2));
            j++;
          }
        } else {
          take = load<i32>(idx + (<usize>j << 2));
          j++;
        }
        store<i32>(tmp + (<usize>k << 2), take);
      }
    }
    for (let i = 0; i < n; i++) store<i32>(idx + (<usize>i << 2), load<i32>(tmp + (<usize>i << 2)));
  }
}
