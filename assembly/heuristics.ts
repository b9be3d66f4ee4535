// The greedy placement methods. Each writes its plan to OUT and returns the peak.
import { alloc, mark, release } from './memory';
import { FIXED_TOP, N, alignOf, alignUp, emit, fixedOf, resetPlacement, setOffset, size } from './problem';
import { orderByConflicts, orderBySize, orderByStart } from './orders';
import { BEST_FIT, FIRST_FIT, decodeFrom } from './place';

/** No reuse: every movable buffer stacked above the last, in input order. */
export function naive(): f64 {
  resetPlacement();
  let cur = FIXED_TOP;
  for (let b = 0; b < N; b++) {
    if (fixedOf(b) >= 0) continue;
    const o = alignUp(cur, alignOf(b));
    setOffset(b, o);
    cur = o + size(b);
  }
  return emit();
}

function decodeOrder(which: i32, rule: i32): f64 {
  const at = mark();
  const order = alloc(<usize>max(N, 1) << 2);
  const tops = alloc(<usize>max(N, 1) << 3);
  if (tops == 0) return -1;
  const m = which == 0 ? orderByStart(order) : which == 1 ? orderBySize(order) : orderByConflicts(order);
  resetPlacement();
  decodeFrom(order, m, 0, rule, tops);
  const peak = emit();
  release(at);
  return peak;
}

/** Execution order, lowest gap that fits (first fit). */
export function inorder(): f64 {
  return decodeOrder(0, FIRST_FIT);
}

/** Largest first, smallest gap that fits among buffers overlapping in time (best fit). */
export function greedySize(): f64 {
  return decodeOrder(1, BEST_FIT);
}

/** Most bytes in conflict first, best fit. */
export function greedyConflicts(): f64 {
  return decodeOrder(2, BEST_FIT);
}
