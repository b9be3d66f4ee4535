/**
 * Sweeps over buffers in time without looking at every pair: the orders they start and end in, and
 * the first two that overlap in memory while both live. O(n log n) time and O(n) memory, so that
 * validation and the verifier keep up with a million buffers (issue #10). Depends on nothing else of
 * the solver: the verifier stands on it.
 */

/**
 * Indices 0..n-1 ordered by `keys` ascending, ties by index (a stable order). Integer keys over a
 * range of at most 4n + 64 values (steps, usually) are counted into place in O(n + range); any other
 * keys are sorted by comparison, O(n log n).
 */
export function indicesByKey(keys: Float64Array): Uint32Array {
  const n = keys.length;
  const idx = new Uint32Array(n);
  if (n === 0) return idx;
  let lo = Infinity;
  let hi = -Infinity;
  let integral = true;
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    if (k < lo) lo = k;
    if (k > hi) hi = k;
    if (!Number.isInteger(k)) integral = false;
  }
  const range = hi - lo + 1;
  if (integral && range <= 4 * n + 64) {
    const at = new Uint32Array(range + 1);
    for (let i = 0; i < n; i++) at[keys[i]! - lo + 1]!++;
    for (let k = 1; k <= range; k++) at[k]! += at[k - 1]!;
    for (let i = 0; i < n; i++) idx[at[keys[i]! - lo]!++] = i;
    return idx;
  }
  for (let i = 0; i < n; i++) idx[i] = i;
  return idx.sort((x, y) => keys[x]! - keys[y]! || x - y);
}

/**
 * A set of ranks 0..n-1 with the nearest member below or above a rank: a tree of 32-bit words, each
 * bit of a level saying whether the matching word of the level below has a member, so that every
 * operation reads about log32(n) words (4 at a million) and finds a bit by Math.clz32.
 */
class RankSet {
  /** levels[0] holds a bit per rank; levels[k + 1] a bit per word of levels[k]; the last is one word. */
  private readonly levels: Uint32Array[] = [];

  constructor(n: number) {
    let words = Math.max(1, Math.ceil(n / 32));
    for (;;) {
      this.levels.push(new Uint32Array(words));
      if (words === 1) break;
      words = Math.ceil(words / 32);
    }
  }

  add(r: number): void {
    for (const level of this.levels) {
      const w = r >>> 5;
      const was = level[w]!;
      level[w] = was | (1 << (r & 31));
      if (was !== 0) return;
      r = w;
    }
  }

  delete(r: number): void {
    for (const level of this.levels) {
      const w = r >>> 5;
      const now = level[w]! & ~(1 << (r & 31));
      level[w] = now;
      if (now !== 0) return;
      r = w;
    }
  }

  /** The largest member below r, or -1. */
  below(r: number): number {
    const L = this.levels;
    let k = 0;
    // Up until a word holds a member below the position reached.
    for (;;) {
      if (k === L.length) return -1;
      const bit = r & 31;
      const m = bit === 0 ? 0 : L[k]![r >>> 5]! & (0xffffffff >>> (32 - bit));
      if (m !== 0) {
        r = (r & ~31) | (31 - Math.clz32(m));
        break;
      }
      r >>>= 5;
      k++;
    }
    // Down, each time to the highest member of the word found.
    for (; k > 0; k--) r = (r << 5) | (31 - Math.clz32(L[k - 1]![r]!));
    return r;
  }

  /** The smallest member above r, or -1. */
  above(r: number): number {
    const L = this.levels;
    let k = 0;
    for (;;) {
      if (k === L.length) return -1;
      const bit = r & 31;
      const m = bit === 31 ? 0 : L[k]![r >>> 5]! & (0xffffffff << (bit + 1));
      if (m !== 0) {
        r = (r & ~31) | lowestBit(m);
        break;
      }
      r >>>= 5;
      k++;
    }
    for (; k > 0; k--) r = (r << 5) | lowestBit(L[k - 1]![r]!);
    return r;
  }
}

/** The index of the lowest set bit of a non-zero 32-bit word. */
function lowestBit(m: number): number {
  return 31 - Math.clz32(m & -m);
}

/** Buffers as four columns: buffer i is live on steps [start[i], end[i]) at bytes [lo[i], hi[i]). */
export interface Rectangles {
  start: Float64Array;
  end: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
}

/**
 * The first two buffers found that share an address while both live, or undefined when none do:
 * a sweep over time that keeps the live buffers ordered by address. While the live ones are disjoint,
 * a buffer that starts overlaps one of them exactly when it overlaps its nearest neighbour below or
 * above in that order, so each start costs O(log n). Ranges are half-open in time and in memory
 * (one that ends at step t and one that starts at t do not meet; an empty address range meets
 * nothing). Which pair is found, when several overlap, is deterministic but not specified.
 * Up to `listUpTo` buffers live at once (default LIVE_LIST_MAX) the live ones are a sorted list, beyond
 * a set of ranks by address (O(log n) an operation whatever the number live).
 */
export function firstOverlap(rects: Rectangles, listUpTo = LIVE_LIST_MAX): [number, number] | undefined {
  // The sweep reads the buffers in the order they start: held in that order, the buffers live at
  // once sit side by side in memory (a million buffers in random order: a cache miss per read).
  const order = indicesByKey(rects.start);
  const pair = firstOverlapByStart(inOrder(rects, order), listUpTo);
  return pair === undefined ? undefined : [order[pair[0]]!, order[pair[1]]!];
}

/** The rectangles taken in `order`: buffer k of the result is buffer order[k] of `r`. */
function inOrder(r: Rectangles, order: Uint32Array): Rectangles {
  const n = order.length;
  const out = { start: new Float64Array(n), end: new Float64Array(n), lo: new Float64Array(n), hi: new Float64Array(n) };
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    out.start[k] = r.start[i]!;
    out.end[k] = r.end[i]!;
    out.lo[k] = r.lo[i]!;
    out.hi[k] = r.hi[i]!;
  }
  return out;
}

/** firstOverlap() on rectangles held in the order they start (ties in any order). */
function firstOverlapByStart(r: Rectangles, listUpTo: number): [number, number] | undefined {
  const n = r.start.length;
  const byStart = new Uint32Array(n);
  for (let k = 0; k < n; k++) byStart[k] = k;
  const byEnd = indicesByKey(r.end);
  if (mostLive(r, byStart, byEnd) <= listUpTo) return firstOverlapListed(r, byStart, byEnd);
  const byLo = indicesByKey(r.lo);
  const rank = new Uint32Array(n);
  for (let k = 0; k < n; k++) rank[byLo[k]!] = k;
  const live = new RankSet(n);
  const inSet = new Uint8Array(n);
  let e = 0;
  for (let k = 0; k < n; k++) {
    const i = byStart[k]!;
    const s = r.start[i]!;
    for (; e < n && r.end[byEnd[e]!]! <= s; e++) {
      const j = byEnd[e]!;
      if (inSet[j]) live.delete(rank[j]!);
      inSet[j] = 0;
    }
    if (r.hi[i]! <= r.lo[i]!) continue;
    const below = live.below(rank[i]!);
    if (below >= 0 && r.hi[byLo[below]!]! > r.lo[i]!) return [byLo[below]!, i];
    const above = live.above(rank[i]!);
    if (above >= 0 && r.lo[byLo[above]!]! < r.hi[i]!) return [byLo[above]!, i];
    live.add(rank[i]!);
    inSet[i] = 1;
  }
  return undefined;
}

/**
 * Up to this many buffers live at once firstOverlap keeps them in a sorted list (an insertion moves at
 * most this many entries, in one copy): at a million buffers a few dozen live, where the list is ~5x
 * faster than the set of ranks, whose ranks by address cost a sort and scattered reads.
 */
const LIVE_LIST_MAX = 1024;

/** The most buffers live at one step (half-open ranges), from the buffers by start and by end. */
function mostLive(r: Rectangles, byStart: Uint32Array, byEnd: Uint32Array): number {
  const n = byStart.length;
  let most = 0;
  let e = 0;
  for (let k = 0; k < n; k++) {
    const s = r.start[byStart[k]!]!;
    while (e < n && r.end[byEnd[e]!]! <= s) e++;
    if (k + 1 - e > most) most = k + 1 - e;
  }
  return most;
}

/**
 * firstOverlap's sweep with the live buffers in a list sorted by address (lo): found by binary search,
 * moved by copyWithin. While the live ones are disjoint their lo values differ, so a buffer that ends is
 * found by its lo. Same answer (whether any pair overlaps) as the set of ranks; the pair may differ.
 */
function firstOverlapListed(r: Rectangles, byStart: Uint32Array, byEnd: Uint32Array): [number, number] | undefined {
  const n = byStart.length;
  const list = new Uint32Array(Math.max(1, n));
  let m = 0;
  /** First position in the list whose buffer's lo is >= v (m when none). */
  const lowerBound = (v: number): number => {
    let a = 0;
    let b = m;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (r.lo[list[mid]!]! < v) a = mid + 1;
      else b = mid;
    }
    return a;
  };
  const inList = new Uint8Array(n);
  let e = 0;
  for (let k = 0; k < n; k++) {
    const i = byStart[k]!;
    const s = r.start[i]!;
    for (; e < n && r.end[byEnd[e]!]! <= s; e++) {
      const j = byEnd[e]!;
      if (!inList[j]) continue;
      inList[j] = 0;
      const p = lowerBound(r.lo[j]!);
      list.copyWithin(p, p + 1, m);
      m--;
    }
    const lo = r.lo[i]!;
    const hi = r.hi[i]!;
    if (hi <= lo) continue;
    const p = lowerBound(lo);
    if (p > 0 && r.hi[list[p - 1]!]! > lo) return [list[p - 1]!, i];
    if (p < m && r.lo[list[p]!]! < hi) return [list[p]!, i];
    list.copyWithin(p + 1, p, m);
    list[p] = i;
    m++;
    inList[i] = 1;
  }
  return undefined;
}
