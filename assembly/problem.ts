// The problem as the engine holds it: inputs written by JS once, then the conflict graph built
// from them. Every heuristic and search reads these globals; nothing is copied per call.
import { alloc, fillI32, resetHeap } from './memory';
import { buildViews, countPairs, usePairs } from './neighbours';
import { sortIndices } from './sort';

/** Number of buffers. */
export let N: i32 = 0;

// Inputs, f64 per buffer (exact integers up to 2^53), written by JS through views on memory.
export let IN_SIZE: usize = 0;
export let IN_START: usize = 0;
export let IN_END: usize = 0;
export let IN_ALIGN: usize = 0;
/** Fixed offset, or -1 for none. */
export let IN_FIXED: usize = 0;
/** Output offsets, f64 per buffer, written by every method. */
export let OUT: usize = 0;

// Working copies as i64 (exact arithmetic) and the derived structure.
export let SIZE: usize = 0;
export let ALIGN: usize = 0;
export let FIXED: usize = 0;
/** Offsets of the plan being built, i64 per buffer. */
export let OFF: usize = 0;
/** 1 when a buffer has its offset in OFF, u8 per buffer. */
export let PLACED: usize = 0;
/** Buffer indices by (start, index). */
export let BY_START: usize = 0;
/**
 * Conflict graph in CSR form: neighbours of b are ADJ[ADJ_AT[b] .. ADJ_AT[b+1]). Built only up to
 * the pair budget given to setup(); list neighbours with listNeighbours() (neighbours.ts), which
 * works either way. The exact search reads it directly and needs it.
 */
export let ADJ_AT: usize = 0;
export let ADJ: usize = 0;
/** Number of conflict pairs (each stored twice in ADJ when it is built). */
export let PAIRS: i64 = 0;
/** Most pairs the conflict graph can hold, whatever setup() is given (8 bytes each: 4 GiB). */
const MAX_PAIRS: f64 = <f64>(1 << 29);
/** The lowest offset above every fixed buffer: where stacked plans start. */
export let FIXED_TOP: i64 = 0;
/** Scratch i32 blocks of N entries, free for any method to use between calls. */
export let SCRATCH_A: usize = 0;
export let SCRATCH_B: usize = 0;
/** Scratch i64 blocks of N entries: the byte ranges [lo, hi) of the neighbours placeOne looks at. */
export let RANGE_LO: usize = 0;
export let RANGE_HI: usize = 0;


@inline export function size(b: i32): i64 { return load<i64>(SIZE + (<usize>b << 3)); }
@inline export function alignOf(b: i32): i64 { return load<i64>(ALIGN + (<usize>b << 3)); }
@inline export function fixedOf(b: i32): i64 { return load<i64>(FIXED + (<usize>b << 3)); }
@inline export function startOf(b: i32): f64 { return load<f64>(IN_START + (<usize>b << 3)); }
@inline export function endOf(b: i32): f64 { return load<f64>(IN_END + (<usize>b << 3)); }
@inline export function offsetOf(b: i32): i64 { return load<i64>(OFF + (<usize>b << 3)); }
@inline export function setOffset(b: i32, o: i64): void { store<i64>(OFF + (<usize>b << 3), o); }
@inline export function isPlaced(b: i32): bool { return load<u8>(PLACED + <usize>b) != 0; }
@inline export function setPlaced(b: i32, v: bool): void { store<u8>(PLACED + <usize>b, v ? 1 : 0); }
/** Rounds o up to a multiple of a, a power of two (validated before it reaches the engine). */
@inline export function alignUp(o: i64, a: i64): i64 { return (o + a - 1) & ~(a - 1); }

/** Allocates the input arrays for n buffers; returns 0 when memory is exhausted, else 1. */
export function prepare(n: i32): i32 {
  resetHeap();
  N = n;
  const bytes = <usize>max(n, 1) << 3;
  IN_SIZE = alloc(bytes);
  IN_START = alloc(bytes);
  IN_END = alloc(bytes);
  IN_ALIGN = alloc(bytes);
  IN_FIXED = alloc(bytes);
  OUT = alloc(bytes);
  return OUT == 0 ? 0 : 1;
}

function byStart(a: i32, b: i32): i32 {
  const sa = startOf(a);
  const sb = startOf(b);
  if (sa < sb) return -1;
  if (sa > sb) return 1;
  return a - b;
}

/**
 * Builds the working state from the inputs: i64 copies, the buffers by start, and the conflict
 * graph when it has at most `maxPairs` pairs (8 bytes each); beyond, the sorted views of
 * neighbours.ts stand in for it, in O(n) memory. Returns 0 on success, 1 when memory is exhausted.
 */
export function setup(maxPairs: f64): i32 {
  const n = N;
  const bytes = <usize>max(n, 1) << 3;
  SIZE = alloc(bytes);
  ALIGN = alloc(bytes);
  FIXED = alloc(bytes);
  OFF = alloc(bytes);
  PLACED = alloc(<usize>max(n, 1));
  BY_START = alloc(<usize>max(n, 1) << 2);
  SCRATCH_A = alloc(<usize>max(n, 1) << 2);
  SCRATCH_B = alloc(<usize>max(n, 1) << 2);
  RANGE_LO = alloc(bytes);
  RANGE_HI = alloc(bytes);
  if (RANGE_HI == 0) return 1;
  FIXED_TOP = 0;
  for (let b = 0; b < n; b++) {
    const p = <usize>b << 3;
    const s = <i64>load<f64>(IN_SIZE + p);
    store<i64>(SIZE + p, s);
    store<i64>(ALIGN + p, <i64>load<f64>(IN_ALIGN + p));
    const f = load<f64>(IN_FIXED + p);
    store<i64>(FIXED + p, f < 0 ? -1 : <i64>f);
    if (f >= 0 && <i64>f + s > FIXED_TOP) FIXED_TOP = <i64>f + s;
    store<i32>(BY_START + (<usize>b << 2), b);
  }
  // Buffers held in start order already (the engine's order past RENUMBER_FROM): nothing to sort.
  let sorted = true;
  for (let b = 1; b < n && sorted; b++) sorted = startOf(b - 1) <= startOf(b);
  if (!sorted) sortIndices(BY_START, n, SCRATCH_A, byStart);

  PAIRS = countPairs();
  // (ADJ_AT holds i32 positions: 2 x pairs must stay below 2^31.)
  if (<f64>PAIRS > min(maxPairs, MAX_PAIRS)) return buildViews() ? 0 : 1;
  usePairs();
  ADJ_AT = alloc(<usize>(n + 1) << 2);
  if (ADJ_AT == 0) return 1;
  // Pairs overlap in time when the later-starting one starts before the earlier one ends.
  fillI32(ADJ_AT, n + 1, 0);
  for (let i = 0; i < n; i++) {
    const a = load<i32>(BY_START + (<usize>i << 2));
    const ea = endOf(a);
    for (let j = i + 1; j < n; j++) {
      const c = load<i32>(BY_START + (<usize>j << 2));
      if (startOf(c) >= ea) break;
      store<i32>(ADJ_AT + (<usize>a << 2), load<i32>(ADJ_AT + (<usize>a << 2)) + 1);
      store<i32>(ADJ_AT + (<usize>c << 2), load<i32>(ADJ_AT + (<usize>c << 2)) + 1);
    }
  }
  // Degrees to starting positions (exclusive prefix sums).
  let acc: i32 = 0;
  for (let b = 0; b <= n; b++) {
    const d = load<i32>(ADJ_AT + (<usize>b << 2));
    store<i32>(ADJ_AT + (<usize>b << 2), acc);
    acc += d;
  }
  ADJ = alloc(<usize>max(acc, 1) << 2);
  if (ADJ == 0) return 1;
  const fill = SCRATCH_B;
  for (let b = 0; b < n; b++) store<i32>(fill + (<usize>b << 2), load<i32>(ADJ_AT + (<usize>b << 2)));
  for (let i = 0; i < n; i++) {
    const a = load<i32>(BY_START + (<usize>i << 2));
    const ea = endOf(a);
    for (let j = i + 1; j < n; j++) {
      const c = load<i32>(BY_START + (<usize>j << 2));
      if (startOf(c) >= ea) break;
      const pa = load<i32>(fill + (<usize>a << 2));
      store<i32>(ADJ + (<usize>pa << 2), c);
      store<i32>(fill + (<usize>a << 2), pa + 1);
      const pc = load<i32>(fill + (<usize>c << 2));
      store<i32>(ADJ + (<usize>pc << 2), a);
      store<i32>(fill + (<usize>c << 2), pc + 1);
    }
  }
  return 0;
}

/** Writes OFF to OUT as f64 and returns the peak (max offset + size). */
export function emit(): f64 {
  let peak: i64 = 0;
  for (let b = 0; b < N; b++) {
    const o = offsetOf(b);
    store<f64>(OUT + (<usize>b << 3), <f64>o);
    if (o + size(b) > peak) peak = o + size(b);
  }
  return <f64>peak;
}

/** Marks only the fixed buffers placed, at their fixed offsets. */
export function resetPlacement(): void {
  for (let b = 0; b < N; b++) {
    const f = fixedOf(b);
    setPlaced(b, f >= 0);
    setOffset(b, f >= 0 ? f : 0);
  }
}
