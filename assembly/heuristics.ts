// The greedy placement methods. Each writes its plan to OUT and returns the peak.
import { alloc, mark, release } from './memory';
import { FIXED_TOP, N, alignOf, alignUp, emit, fixedOf, resetPlacement, setOffset, size } from './problem';
import { orderByConflicts, orderBySize, orderByStart } from './orders';
import { BEST_FIT, FIRST_FIT, decodeFrom } from './place';
import { stackUnplaced } from './stack';
import { waveBegin, waveRun, waveStack } from './wave';

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

// One decode in steps (decodeBegin, decodeRun.., decodeEnd), so that JS can look at the clock between
// them: the same plan as the kernels above when it runs to the end; cut short, the buffers it did not
// reach are stacked above the others by size class (stack.ts), so it still ends with a plan.
let D_AT: usize = 0;
let D_ORDER: usize = 0;
let D_TOPS: usize = 0;
let D_M: i32 = 0;
let D_DONE: i32 = 0;
let D_RULE: i32 = 0;
/** Whether the decode begun runs as a wave (wave.ts): the same plan, placed in another sequence. */
let D_WAVE: bool = false;

/**
 * Starts a decode of order `which` (0: execution order, first fit; 1: largest first, best fit;
 * 2: most bytes in conflict first, best fit); returns how many buffers it will place, -1 when
 * memory is exhausted. `wave` non-zero: placed as a wave (wave.ts), the same plan when it runs to
 * the end; cut short, the buffers placed are not a prefix of the order but each has every earlier
 * neighbour placed.
 */
export function decodeBegin(which: i32, wave: i32): i32 {
  D_AT = mark();
  D_ORDER = alloc(<usize>max(N, 1) << 2);
  D_TOPS = alloc(<usize>max(N, 1) << 3);
  if (D_TOPS == 0) {
    release(D_AT);
    return -1;
  }
  D_M = which == 0 ? orderByStart(D_ORDER) : which == 1 ? orderBySize(D_ORDER) : orderByConflicts(D_ORDER);
  D_RULE = which == 0 ? FIRST_FIT : BEST_FIT;
  D_DONE = 0;
  D_WAVE = wave != 0;
  resetPlacement();
  if (D_WAVE && !waveBegin(D_ORDER, D_M, D_RULE)) {
    release(D_AT);
    return -1;
  }
  return D_M;
}

/** Places the next `count` buffers of the decode begun; returns how many it has placed in all. */
export function decodeRun(count: i32): i32 {
  const to = <i32>min(<i64>D_DONE + <i64>count, <i64>D_M);
  if (D_WAVE) {
    D_DONE += waveRun(to - D_DONE);
    return D_DONE;
  }
  if (to > D_DONE) decodeFrom(D_ORDER, to, D_DONE, D_RULE, D_TOPS);
  D_DONE = to;
  return D_DONE;
}

/**
 * Ends the decode begun: the buffers it did not reach are stacked above the placed ones
 * (stackUnplaced); writes the plan to OUT and returns its peak, -1 when memory is exhausted.
 */
export function decodeEnd(): f64 {
  if (D_DONE < D_M) {
    const top = D_DONE > 0 ? load<i64>(D_TOPS + (<usize>(D_DONE - 1) << 3)) : FIXED_TOP;
    if (!(D_WAVE ? waveStack() : stackUnplaced(top))) {
      release(D_AT);
      return -1;
    }
  }
  const peak = emit();
  release(D_AT);
  return peak;
}
