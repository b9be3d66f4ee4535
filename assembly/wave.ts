// Decoding an order "in a wave": the plan decodeFrom gives for the whole order, placed in another
// sequence that reads memory near where it read last.
//
// placeOne(b) looks only at b's neighbours (the buffers overlapping it in time) that are placed. In
// decodeFrom's sequence those are the fixed buffers and the neighbours earlier in the order. Any
// sequence that places b once every earlier neighbour is placed, and before any later one, gives b
// the same set of placed neighbours at the same offsets, so the same offset (by induction, the same
// plan byte for byte). The wave keeps, per buffer, how many earlier neighbours it still waits for;
// a buffer waiting for none is ready, and the ready buffer first in time (lowest engine index, which is
// start order past RENUMBER_FROM, see src/solve/wasm/engine.ts) is placed next. The placements then move
// along time like a front, and the buffers they read stay in cache; decodeFrom's sequence (largest
// first) jumps across the whole problem at each buffer, one cache miss per neighbour (a million
// buffers: most of greedy-size's time).
//
// Cost: one more listing of each buffer's neighbours (to count what it waits for) and a binary heap
// of the ready buffers: O(n log n + pairs) time, O(n) memory.
import { alloc } from './memory';
import { LISTED, addPlaceWork, placeOne } from './place';
import { listNeighbours } from './neighbours';
import { FIXED_TOP, N, SCRATCH_A, isPlaced, setPlaced } from './problem';
import { STACK_TOP, stackUnplaced } from './stack';

/** Position of each buffer in the order being decoded, i32; -1 for buffers not in it (fixed). */
let RANK: usize = 0;
/** Earlier neighbours (in the order) each buffer still waits for, i32. */
let WAITS: usize = 0;
/** The ready buffers, a binary min-heap of engine indices, i32. */
let HEAP: usize = 0;
let HEAP_N: i32 = 0;
/** u8 per buffer: 1 once a neighbour it waited for is placed (2: set aside by waveStack). */
let TOUCHED: usize = 0;
/** The highest offset + size placed so far (the fixed buffers' top at first). */
let TOP: i64 = 0;
let RULE: i32 = 0;

@inline function at32(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
@inline function put32(p: usize, i: i32, v: i32): void { store<i32>(p + (<usize>i << 2), v); }

function heapPush(b: i32): void {
  let i = HEAP_N++;
  while (i > 0) {
    const up = (i - 1) >> 1;
    const u = at32(HEAP, up);
    if (u <= b) break;
    put32(HEAP, i, u);
    i = up;
  }
  put32(HEAP, i, b);
}

function heapPop(): i32 {
  const first = at32(HEAP, 0);
  const last = at32(HEAP, --HEAP_N);
  const n = HEAP_N;
  let i = 0;
  while (true) {
    let c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && at32(HEAP, c + 1) < at32(HEAP, c)) c++;
    const v = at32(HEAP, c);
    if (v >= last) break;
    put32(HEAP, i, v);
    i = c;
  }
  if (n > 0) put32(HEAP, i, last);
  return first;
}

/**
 * Starts a wave decode of order[0..m) (placement reset: the fixed buffers placed, no other) with
 * placeOne's `rule`: counts what each buffer waits for. Returns false when memory is exhausted.
 * The blocks come from the caller's heap mark (released with its decode).
 */
export function waveBegin(order: usize, m: i32, rule: i32): bool {
  const n = max(N, 1);
  RANK = alloc(<usize>n << 2);
  WAITS = alloc(<usize>n << 2);
  HEAP = alloc(<usize>n << 2);
  TOUCHED = alloc(<usize>n);
  if (TOUCHED == 0) return false;
  memory.fill(TOUCHED, 0, <usize>n);
  for (let b = 0; b < N; b++) put32(RANK, b, -1);
  for (let i = 0; i < m; i++) put32(RANK, at32(order, i), i);
  HEAP_N = 0;
  TOP = FIXED_TOP;
  RULE = rule;
  for (let b = 0; b < N; b++) {
    const r = at32(RANK, b);
    if (r < 0) continue;
    const k = listNeighbours(b, SCRATCH_A);
    let waits = 0;
    for (let p = 0; p < k; p++) {
      const rc = at32(RANK, at32(SCRATCH_A, p));
      if (rc >= 0 && rc < r) waits++;
    }
    put32(WAITS, b, waits);
    if (waits == 0) heapPush(b);
  }
  // decodeFrom's own count, so that a decode costs the same work either way (the local search's
  // budget looks at it); the counting above is not placement work.
  addPlaceWork(<f64>m);
  return true;
}

/**
 * Places up to `count` more buffers of the wave; returns how many it placed. Those placed at any
 * moment are the whole order's earliest buffers in the sense that matters: each with every earlier
 * neighbour placed before it.
 */
export function waveRun(count: i32): i32 {
  let done = 0;
  while (done < count && HEAP_N > 0) {
    const b = heapPop();
    const top = placeOne(b, RULE);
    if (top > TOP) TOP = top;
    done++;
    const r = at32(RANK, b);
    const k = LISTED;
    for (let p = 0; p < k; p++) {
      const c = at32(SCRATCH_A, p);
      // A neighbour later in the order: b was one it waited for.
      if (at32(RANK, c) > r) {
        const w = at32(WAITS, c) - 1;
        put32(WAITS, c, w);
        store<u8>(TOUCHED + <usize>c, 1);
        if (w == 0) heapPush(c);
      }
    }
  }
  return done;
}

/**
 * Places what a wave cut short left unplaced, in two stacks (stack.ts): the buffers none of whose
 * neighbours is placed (the front has not reached them: most of them) from the fixed buffers' top up,
 * where nothing placed lives at their steps; then the others above both the placed buffers and that
 * stack. Buffers a wave has not placed overlap placed ones only when they waited for one (a later
 * buffer in the order waits for its earlier neighbours), so the first stack meets no placed buffer.
 * Returns false when memory is exhausted.
 */
export function waveStack(): bool {
  for (let b = 0; b < N; b++) {
    if (!isPlaced(b) && load<u8>(TOUCHED + <usize>b) == 1) {
      store<u8>(TOUCHED + <usize>b, 2);
      setPlaced(b, true);
    }
  }
  if (!stackUnplaced(FIXED_TOP)) return false;
  const low = STACK_TOP;
  for (let b = 0; b < N; b++) if (load<u8>(TOUCHED + <usize>b) == 2) setPlaced(b, false);
  return stackUnplaced(max(TOP, low));
}
