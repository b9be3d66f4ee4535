// A plan for whatever an interrupted decode left unplaced, in O(n log n) and O(n) memory: the
// placement's safety net when the time limit ends a greedy decode part way (heuristics.ts).
import { alloc, fillI32, mark, release } from './memory';
import { BY_START, N, alignOf, alignUp, endOf, isPlaced, setOffset, setPlaced, size, startOf } from './problem';

/** Size classes: class k holds buffers that need at most 2^k bytes (size + alignment - 1). */
const CLASSES: i32 = 64;

/** The lowest k with 2^k >= v (v >= 1). */
function classOfBytes(v: i64): i32 {
  let k = 0;
  while (k < CLASSES - 1 && (<i64>1 << <i64>k) < v) k++;
  return k;
}

/**
 * Places every unplaced buffer above `base` (the top of what is placed), by size class: each class
 * gets a band of slots 2^k bytes high, and within a class the buffers are coloured as intervals in
 * time (taken by start, each gets the slot of a buffer that has ended, else a new one), so a band is
 * as high as the most buffers of its class live at once, times 2^k. A buffer's offset is its slot's
 * bottom rounded up to its alignment (a slot holds size + alignment - 1 bytes). Bands are stacked in
 * class order. Returns false when memory is exhausted (nothing is placed then).
 */
/** The top of the last stack stackUnplaced made (its base when nothing was left to place). */
export let STACK_TOP: i64 = 0;

export function stackUnplaced(base: i64): bool {
  const n = N;
  const at = mark();
  const cls = alloc(<usize>max(n, 1));
  const color = alloc(<usize>max(n, 1) << 2);
  const heapEnd = alloc(<usize>max(n, 1) << 3);
  const heapColor = alloc(<usize>max(n, 1) << 2);
  const free = alloc(<usize>max(n, 1) << 2);
  const first = alloc(<usize>(CLASSES + 1) << 2);
  const heapSize = alloc(<usize>CLASSES << 2);
  const freeSize = alloc(<usize>CLASSES << 2);
  const colors = alloc(<usize>CLASSES << 2);
  if (colors == 0) {
    release(at);
    return false;
  }
  fillI32(first, CLASSES + 1, 0);
  fillI32(heapSize, CLASSES, 0);
  fillI32(freeSize, CLASSES, 0);
  fillI32(colors, CLASSES, 0);
  for (let b = 0; b < n; b++) {
    if (isPlaced(b)) {
      store<u8>(cls + <usize>b, 255);
      continue;
    }
    const k = classOfBytes(size(b) + alignOf(b) - 1);
    store<u8>(cls + <usize>b, <u8>k);
    const p = first + (<usize>(k + 1) << 2);
    store<i32>(p, load<i32>(p) + 1);
  }
  // Class k's heap and free slots are [first[k], first[k+1]) of their blocks.
  for (let k = 0; k < CLASSES; k++) {
    const p = first + (<usize>(k + 1) << 2);
    store<i32>(p, load<i32>(p) + load<i32>(first + (<usize>k << 2)));
  }
  for (let i = 0; i < n; i++) {
    const b = load<i32>(BY_START + (<usize>i << 2));
    const k = <i32>load<u8>(cls + <usize>b);
    if (k == 255) continue;
    const kp = <usize>k << 2;
    const lo = load<i32>(first + kp);
    const s = startOf(b);
    let h = load<i32>(heapSize + kp);
    let f = load<i32>(freeSize + kp);
    // Slots whose buffer has ended by s (ranges are half-open) are free again.
    while (h > 0 && load<f64>(heapEnd + (<usize>lo << 3)) <= s) {
      store<i32>(free + (<usize>(lo + f) << 2), load<i32>(heapColor + (<usize>lo << 2)));
      f++;
      h--;
      siftDown(heapEnd, heapColor, lo, h, load<f64>(heapEnd + (<usize>(lo + h) << 3)), load<i32>(heapColor + (<usize>(lo + h) << 2)));
    }
    let c: i32;
    if (f > 0) {
      f--;
      c = load<i32>(free + (<usize>(lo + f) << 2));
    } else {
      c = load<i32>(colors + kp);
      store<i32>(colors + kp, c + 1);
    }
    store<i32>(color + (<usize>b << 2), c);
    siftUp(heapEnd, heapColor, lo, h, endOf(b), c);
    store<i32>(heapSize + kp, h + 1);
    store<i32>(freeSize + kp, f);
  }
  // Bands: class 0 lowest, each as high as its slots.
  const bands = alloc(<usize>CLASSES << 3);
  if (bands == 0) {
    release(at);
    return false;
  }
  let cur = base;
  for (let k = 0; k < CLASSES; k++) {
    store<i64>(bands + (<usize>k << 3), cur);
    cur += <i64>load<i32>(colors + (<usize>k << 2)) << <i64>k;
  }
  STACK_TOP = cur;
  for (let b = 0; b < n; b++) {
    const k = <i32>load<u8>(cls + <usize>b);
    if (k == 255) continue;
    const slot = load<i64>(bands + (<usize>k << 3)) + (<i64>load<i32>(color + (<usize>b << 2)) << <i64>k);
    setOffset(b, alignUp(slot, alignOf(b)));
    setPlaced(b, true);
  }
  release(at);
  return true;
}

/** Puts (end, c) into the min-heap by end at [lo, lo + h) (h entries before). */
function siftUp(ends: usize, cols: usize, lo: i32, h: i32, end: f64, c: i32): void {
  let i = h;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const pe = load<f64>(ends + (<usize>(lo + parent) << 3));
    if (pe <= end) break;
    store<f64>(ends + (<usize>(lo + i) << 3), pe);
    store<i32>(cols + (<usize>(lo + i) << 2), load<i32>(cols + (<usize>(lo + parent) << 2)));
    i = parent;
  }
  store<f64>(ends + (<usize>(lo + i) << 3), end);
  store<i32>(cols + (<usize>(lo + i) << 2), c);
}

/** Puts (end, c) at the root of the min-heap at [lo, lo + h) and moves it down to its place. */
function siftDown(ends: usize, cols: usize, lo: i32, h: i32, end: f64, c: i32): void {
  if (h == 0) return;
  let i = 0;
  for (;;) {
    let child = 2 * i + 1;
    if (child >= h) break;
    if (child + 1 < h && load<f64>(ends + (<usize>(lo + child + 1) << 3)) < load<f64>(ends + (<usize>(lo + child) << 3))) child++;
    const ce = load<f64>(ends + (<usize>(lo + child) << 3));
    if (ce >= end) break;
    store<f64>(ends + (<usize>(lo + i) << 3), ce);
    store<i32>(cols + (<usize>(lo + i) << 2), load<i32>(cols + (<usize>(lo + child) << 2)));
    i = child;
  }
  store<f64>(ends + (<usize>(lo + i) << 3), end);
  store<i32>(cols + (<usize>(lo + i) << 2), c);
}
