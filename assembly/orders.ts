// The orders in which the greedy methods take buffers. Fixed buffers are left out: they are placed first.
import { BY_START, N, SCRATCH_A, SCRATCH_B, fixedOf, size, startOf, endOf } from './problem';
import { listNeighbours } from './neighbours';
import { alloc } from './memory';
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

/** Writes the movable buffers largest first to dst; returns how many. */
export function orderBySize(dst: usize): i32 {
  const m = movable(dst);
  sortIndices(dst, m, SCRATCH_B, bySizeDesc);
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
