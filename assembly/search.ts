// Local search over the placement order: start from the better greedy order, perturb it, decode
// with best fit from the first changed position, keep moves that do not raise the peak.
import { alloc } from './memory';
import { N, OFF, emit, resetPlacement, setPlaced } from './problem';
import { orderByConflicts, orderBySize } from './orders';
import { BEST_FIT, PEAK_POS, PLACE_WORK, decodeFrom } from './place';

let M: i32 = 0;
let ORDER: usize = 0;
let BEST: usize = 0;
/** Offsets and running peaks of the current (accepted) solution, to undo a rejected move. */
let CUR_OFF: usize = 0;
let TOPS: usize = 0;
let CUR_TOPS: usize = 0;
let curPeak: i64 = 0;
let curPeakPos: i32 = -1;
let bestPeak: i64 = 0;
let rng: u32 = 1;
let iterationsDone: f64 = 0;
let workAtStart: f64 = 0;

function rand(n: i32): i32 {
  // xorshift32: deterministic for a given seed.
  let x = rng;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  rng = x;
  return <i32>(x % <u32>n);
}

@inline function at32(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
@inline function set32(p: usize, i: i32, v: i32): void { store<i32>(p + (<usize>i << 2), v); }

function saveFrom(from: i32): void {
  for (let i = from; i < M; i++) {
    const b = at32(ORDER, i);
    store<i64>(CUR_OFF + (<usize>b << 3), load<i64>(OFF + (<usize>b << 3)));
    store<i64>(CUR_TOPS + (<usize>i << 3), load<i64>(TOPS + (<usize>i << 3)));
  }
}

function restoreFrom(from: i32): void {
  for (let i = from; i < M; i++) {
    const b = at32(ORDER, i);
    store<i64>(OFF + (<usize>b << 3), load<i64>(CUR_OFF + (<usize>b << 3)));
    store<i64>(TOPS + (<usize>i << 3), load<i64>(CUR_TOPS + (<usize>i << 3)));
    setPlaced(b, true);
  }
}

/** Sets up the search from the better of the two best-fit greedy orders; returns its peak. */
export function lsStart(seed: f64): f64 {
  const bytes = <usize>max(N, 1);
  ORDER = alloc(bytes << 2);
  BEST = alloc(bytes << 2);
  const other = alloc(bytes << 2);
  CUR_OFF = alloc(bytes << 3);
  TOPS = alloc(bytes << 3);
  CUR_TOPS = alloc(bytes << 3);
  if (CUR_TOPS == 0) return -1;
  M = orderBySize(ORDER);
  resetPlacement();
  const bySize = decodeFrom(ORDER, M, 0, BEST_FIT, TOPS);
  orderByConflicts(other);
  resetPlacement();
  const byConflicts = decodeFrom(other, M, 0, BEST_FIT, TOPS);
  if (byConflicts < bySize) {
    memory.copy(ORDER, other, <usize>M << 2);
  } else {
    resetPlacement();
    decodeFrom(ORDER, M, 0, BEST_FIT, TOPS);
  }
  curPeak = min(bySize, byConflicts);
  curPeakPos = PEAK_POS;
  bestPeak = curPeak;
  memory.copy(BEST, ORDER, <usize>M << 2);
  saveFrom(0);
  const s = <u32>(<u64>seed & 0xffffffff);
  rng = s == 0 ? 0x9e3779b9 : s;
  iterationsDone = 0;
  workAtStart = PLACE_WORK;
  return <f64>curPeak;
}

/**
 * Runs `iterations` moves, stopping early when the best peak reaches `target`. Each move either
 * pulls the buffer that sets the peak to an earlier position or swaps two random positions.
 * Returns the best peak so far.
 */
export function lsRun(iterations: i32, target: f64): f64 {
  const goal = <i64>target;
  for (let it = 0; it < iterations && bestPeak > goal && M > 1; it++) {
    iterationsDone++;
    let from: i32;
    let i: i32;
    let j: i32;
    const pull = curPeakPos > 0 && (rand(2) == 0);
    if (pull) {
      j = curPeakPos;
      i = rand(j);
      const b = at32(ORDER, j);
      for (let k = j; k > i; k--) set32(ORDER, k, at32(ORDER, k - 1));
      set32(ORDER, i, b);
      from = i;
    } else {
      i = rand(M);
      j = rand(M - 1);
      if (j >= i) j++;
      if (i > j) { const t = i; i = j; j = t; }
      const t = at32(ORDER, i);
      set32(ORDER, i, at32(ORDER, j));
      set32(ORDER, j, t);
      from = i;
    }
    // A move is kept only when the peak does not rise, and the running peak never falls: the
    // decode can stop as soon as it passes the current peak (the same moves are kept either way).
    const peak = decodeFrom(ORDER, M, from, BEST_FIT, TOPS, curPeak);
    PLACE_WORK += <f64>(2 * (M - from)); // saving or restoring the tail
    if (peak <= curPeak) {
      curPeak = peak;
      curPeakPos = PEAK_POS;
      saveFrom(from);
      if (peak < bestPeak) {
        bestPeak = peak;
        memory.copy(BEST, ORDER, <usize>M << 2);
      }
    } else {
      // Undo the move, then the offsets it changed.
      if (pull) {
        const b = at32(ORDER, i);
        for (let k = i; k < j; k++) set32(ORDER, k, at32(ORDER, k + 1));
        set32(ORDER, j, b);
      } else {
        const t = at32(ORDER, i);
        set32(ORDER, i, at32(ORDER, j));
        set32(ORDER, j, t);
      }
      restoreFrom(from);
    }
  }
  return <f64>bestPeak;
}

/** Moves tried so far. */
export function lsIterations(): f64 {
  return iterationsDone;
}

/** Work done by the moves so far (neighbours visited while decoding; see place.ts). */
export function lsWork(): f64 {
  return PLACE_WORK - workAtStart;
}

/** Writes the best order's plan to OUT; returns its peak. */
export function lsEmit(): f64 {
  resetPlacement();
  decodeFrom(BEST, M, 0, BEST_FIT, TOPS);
  return emit();
}
