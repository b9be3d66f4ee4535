import { Heap } from 'heap-js';
import { indicesByKey } from './sweep.js';
import { blocksOf, footprint, hasTies, liveRects } from './relative.js';
import type { Bytes, Problem, Step } from './types.js';

/**
 * A quantity over the steps of a problem as change points: `values[i]` holds from `steps[i]` up to
 * (not including) `steps[i + 1]`; the last entry holds up to `end`. Steps before `steps[0]` and from
 * `end` on have value 0. Both arrays have the same length (0 for a problem with no buffers).
 */
export interface StepProfile {
  steps: Step[];
  values: Bytes[];
  /** First step after the last buffer's live range (0 for no buffers). */
  end: Step;
}

/**
 * The largest of a multiset of numbers under pushes and removals: a max-heap (heap-js) whose removals
 * are recorded and applied when the removed value reaches the top (lazy deletion), so a removal costs
 * O(log n) amortized instead of heap-js's O(n) search.
 */
class LazyMax {
  private readonly heap = new Heap<number>(Heap.maxComparator);
  private readonly removed = new Map<number, number>();
  push(v: number): void {
    this.heap.push(v);
  }
  /** Records that one copy of `v` (pushed before) is gone. */
  remove(v: number): void {
    this.removed.set(v, (this.removed.get(v) ?? 0) + 1);
  }
  /** Largest value still present, or 0. */
  top(): number {
    for (;;) {
      const v = this.heap.peek();
      if (v === undefined) return 0;
      const r = this.removed.get(v) ?? 0;
      if (r === 0) return v;
      if (r === 1) this.removed.delete(v);
      else this.removed.set(v, r - 1);
      this.heap.pop();
    }
  }
}

/** The steps where some buffer starts or ends, ascending, without repeats. */
function changeSteps(problem: Problem): Step[] {
  const s = new Set<Step>();
  for (const b of problem.buffers) {
    s.add(b.start);
    s.add(b.end);
  }
  return [...s].sort((x, y) => x - y);
}

/** Drops change points whose value equals the previous one. */
function compact(steps: Step[], values: Bytes[], end: Step): StepProfile {
  const outS: Step[] = [];
  const outV: Bytes[] = [];
  for (let i = 0; i < steps.length; i++) {
    if (steps[i]! >= end) break;
    if (outV.length > 0 && outV[outV.length - 1] === values[i]) continue;
    outS.push(steps[i]!);
    outV.push(values[i]!);
  }
  return { steps: outS, values: outV, end };
}

/**
 * Bytes live at every step (alignment ignored): the memory profile whose maximum is the live bound
 * (src/problem/bounds.ts). O(n log n) in the number of buffers; independent of the steps' magnitude.
 * With gaps or aliases, a block counts the union of its live bytes (src/problem/relative.ts footprint:
 * an alias's bytes once with what it aliases, a gap's idle bytes not at all).
 */
export function liveProfile(problem: Problem): StepProfile {
  const delta = new Map<Step, number>();
  const add = (start: Step, end: Step, bytes: Bytes): void => {
    delta.set(start, (delta.get(start) ?? 0) + bytes);
    delta.set(end, (delta.get(end) ?? 0) - bytes);
  };
  if (hasTies(problem)) {
    for (const block of blocksOf(problem)) for (const f of footprint(block.rects)) add(f.start, f.end, f.bytes);
  } else {
    for (const b of problem.buffers) add(b.start, b.end, b.size);
  }
  const steps = [...new Set([...changeSteps(problem), ...delta.keys()])].sort((x, y) => x - y);
  const values: Bytes[] = [];
  let live = 0;
  for (const t of steps) {
    live += delta.get(t) ?? 0;
    values.push(live);
  }
  return compact(steps, values, steps.length > 0 ? steps[steps.length - 1]! : 0);
}

/**
 * Where the buffers of a plan hold bytes, as parts [start, end) whose highest byte is `top` (offset +
 * the part's hi): a buffer is one part; with gaps or aliases, one per live rectangle (relative.ts
 * liveRects): a gap holds no bytes (a window only its own), so no high-water mark is set by it.
 */
function topParts(problem: Problem, offsets: readonly Bytes[]): { start: Float64Array; end: Float64Array; top: Float64Array } {
  const bs = problem.buffers;
  if (!hasTies(problem)) {
    const n = bs.length;
    const start = new Float64Array(n);
    const end = new Float64Array(n);
    const top = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      start[i] = bs[i]!.start;
      end[i] = bs[i]!.end;
      top[i] = offsets[i]! + bs[i]!.size;
    }
    return { start, end, top };
  }
  const parts = bs.flatMap((b, i) => liveRects(b).map((r) => [r.start, r.end, offsets[i]! + r.hi] as const));
  return {
    start: Float64Array.from(parts, (p) => p[0]),
    end: Float64Array.from(parts, (p) => p[1]),
    top: Float64Array.from(parts, (p) => p[2]),
  };
}

/**
 * A plan's high-water mark at every step: the highest `offset + size` among the buffers live there
 * (the arena the plan needs is its maximum); with gaps, a buffer idle in a gap sets none there (a
 * window, the top of its window). `offsets[i]` is the offset of `problem.buffers[i]` (bytes).
 * @throws RangeError when `offsets` does not have one entry per buffer.
 */
export function highWaterProfile(problem: Problem, offsets: readonly Bytes[]): StepProfile {
  const bs = problem.buffers;
  if (offsets.length !== bs.length) throw new RangeError(`highWaterProfile: ${offsets.length} offsets for ${bs.length} buffers`);
  const { start, end, top } = topParts(problem, offsets);
  const byStart = indicesByKey(start);
  const byEnd = indicesByKey(end);
  const n = start.length;
  const steps = [...new Set<Step>([...changeSteps(problem), ...start, ...end])].sort((x, y) => x - y);
  const heap = new LazyMax();
  const values: Bytes[] = [];
  let s = 0;
  let e = 0;
  for (const t of steps) {
    while (e < n && end[byEnd[e]!]! <= t) heap.remove(top[byEnd[e++]!]!);
    while (s < n && start[byStart[s]!]! <= t) heap.push(top[byStart[s++]!]!);
    values.push(heap.top());
  }
  return compact(steps, values, steps.length > 0 ? steps[steps.length - 1]! : 0);
}

/** The value of a profile at `step`. */
export function profileAt(profile: StepProfile, step: Step): Bytes {
  if (step < 0 || step >= profile.end) return 0;
  let lo = 0;
  let hi = profile.steps.length - 1;
  if (hi < 0 || step < profile.steps[0]!) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (profile.steps[mid]! <= step) lo = mid;
    else hi = mid - 1;
  }
  return profile.values[lo]!;
}

/** Whether buffer b holds none of its bytes at `step`: inside its range, in a gap without a window. */
const idleAt = (b: Problem['buffers'][number], step: Step): boolean => b.gaps?.some((g) => g.start <= step && step < g.end && g.window === undefined) ?? false;

/**
 * The indices of the buffers live at `step` (start <= step < end, and not idle there in a gap),
 * largest first (ties: lower index first) — "the tensors at the peak" of a report.
 */
export function liveAt(problem: Problem, step: Step): number[] {
  const bs = problem.buffers;
  const out: number[] = [];
  for (let i = 0; i < bs.length; i++) if (bs[i]!.start <= step && step < bs[i]!.end && !idleAt(bs[i]!, step)) out.push(i);
  return out.sort((a, b) => bs[b]!.size - bs[a]!.size || a - b);
}

/**
 * Bytes live at `step`, each byte once: the sizes of the buffers live there; with gaps or aliases, per
 * block the union of its live bytes (an alias's bytes are its target's, a gap holds none, a window its
 * own), as liveProfile counts them.
 */
export function liveBytesAt(problem: Problem, step: Step): Bytes {
  if (!hasTies(problem)) return liveAt(problem, step).reduce((sum, i) => sum + problem.buffers[i]!.size, 0);
  let bytes = 0;
  for (const block of blocksOf(problem)) for (const f of footprint(block.rects)) if (f.start <= step && step < f.end) bytes += f.bytes;
  return bytes;
}

/** Bytes of buffer b that hold data at `step` (its size, or its window's in a gap with one; 0 outside its range or idle). */
export function bufferBytesAt(b: Problem['buffers'][number], step: Step): Bytes {
  for (const r of liveRects(b)) if (r.start <= step && step < r.end) return r.hi - r.lo;
  return 0;
}

/**
 * Where a plan's arena is set: among the steps at which its high-water mark reaches its maximum
 * (the arena the plan needs), the one with the most bytes live (the first such step on ties) — the
 * step that binds the plan, where the report looks for "the peak" — and that mark (bytes).
 * `offsets` as in highWaterProfile. Step 0 and 0 bytes for a problem with no buffers.
 * The mark reaches its maximum exactly while a buffer that ends at it is live, so only the live
 * bytes over those buffers' ranges are looked at: O(n log n) in typed arrays (a million buffers in
 * well under a second), no profile of the whole plan.
 */
export function planPeakStep(problem: Problem, offsets: readonly Bytes[]): { step: Step; top: Bytes } {
  const bs = problem.buffers;
  const n = bs.length;
  if (offsets.length !== n) throw new RangeError(`planPeakStep: ${offsets.length} offsets for ${n} buffers`);
  if (n === 0) return { step: 0, top: 0 };
  if (hasTies(problem)) return tiedPlanPeakStep(problem, offsets);
  let top = -Infinity;
  for (let i = 0; i < n; i++) top = Math.max(top, offsets[i]! + bs[i]!.size);
  // The ranges of the buffers that reach the top, merged: where the mark is at its maximum.
  const ranges: [number, number][] = [];
  for (let i = 0; i < n; i++) if (offsets[i]! + bs[i]!.size === top) ranges.push([bs[i]!.start, bs[i]!.end]);
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const [a, b] of ranges) {
    const last = merged[merged.length - 1];
    if (last !== undefined && a <= last[1]) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  // Live bytes change where buffers start (+size) and end (-size): the changes in step order.
  const at = new Float64Array(2 * n);
  const delta = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    at[2 * i] = bs[i]!.start;
    delta[2 * i] = bs[i]!.size;
    at[2 * i + 1] = bs[i]!.end;
    delta[2 * i + 1] = -bs[i]!.size;
  }
  const order = indicesByKey(at);
  let best = -1;
  let bestLive = -Infinity;
  let live = 0;
  let k = 0;
  for (const [a, b] of merged) {
    // Live bytes at a, then at each change inside (a, b).
    for (; k < order.length && at[order[k]!]! <= a; k++) live += delta[order[k]!]!;
    if (live > bestLive) {
      bestLive = live;
      best = a;
    }
    while (k < order.length && at[order[k]!]! < b) {
      const t = at[order[k]!]!;
      for (; k < order.length && at[order[k]!]! === t; k++) live += delta[order[k]!]!;
      if (live > bestLive) {
        bestLive = live;
        best = t;
      }
    }
  }
  return { step: best, top };
}

/**
 * planPeakStep with gaps or aliases: over the plan's profile, the first step where the high-water mark
 * (of live bytes: highWaterProfile) is highest, with the most bytes live (each once: liveProfile).
 */
function tiedPlanPeakStep(problem: Problem, offsets: readonly Bytes[]): { step: Step; top: Bytes } {
  const p = planProfile(problem, offsets);
  let best = 0;
  for (let k = 1; k < p.steps.length; k++) {
    if (p.highWater[k]! > p.highWater[best]! || (p.highWater[k] === p.highWater[best] && p.live[k]! > p.live[best]!)) best = k;
  }
  return p.steps.length === 0 ? { step: 0, top: 0 } : { step: p.steps[best]!, top: p.highWater[best]! };
}

/**
 * The memory profile of a plan in one compact form, as the JSON report gives it: at `steps[i]`
 * (up to the next entry, the last up to `end`) `live[i]` bytes are live and the plan's high-water
 * mark is `highWater[i]` bytes. An entry is kept only where either value changes; before
 * `steps[0]` and from `end` on both are 0.
 */
export interface PlanProfile {
  steps: Step[];
  live: Bytes[];
  highWater: Bytes[];
  end: Step;
}

/**
 * liveProfile() and highWaterProfile() of one plan on their common change points (see PlanProfile).
 * Without gaps or aliases, both in one sweep over typed arrays (plainPlanProfile: a million buffers
 * in about a second, where the two profiles and their merge took 6 s).
 * @throws RangeError when `offsets` does not have one entry per buffer.
 */
export function planProfile(problem: Problem, offsets: readonly Bytes[]): PlanProfile {
  if (!hasTies(problem)) return plainPlanProfile(problem, offsets);
  const live = liveProfile(problem);
  const high = highWaterProfile(problem, offsets);
  const steps = [...new Set([...live.steps, ...high.steps])].sort((a, b) => a - b);
  const out: PlanProfile = { steps: [], live: [], highWater: [], end: live.end };
  for (const t of steps) {
    const l = profileAt(live, t);
    const h = profileAt(high, t);
    const n = out.steps.length;
    if (n > 0 && out.live[n - 1] === l && out.highWater[n - 1] === h) continue;
    out.steps.push(t);
    out.live.push(l);
    out.highWater.push(h);
  }
  return out;
}

/** The index of `t` in the sorted `steps` (present there). */
function rankOf(steps: Float64Array, t: number): number {
  let lo = 0;
  let hi = steps.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * planProfile() of a problem without gaps or aliases, over typed arrays: the distinct steps where
 * buffers start or end (sorted), the bytes live between them from a difference array, and the
 * high-water mark from a segment tree over those steps, each buffer's top (offset + size) a range
 * maximum over its steps, pushed down to the leaves once. O(n log n); a million buffers in ~0.3 s
 * (a heap of the live buffers by top took ~1.5 s). The same profile as liveProfile() and
 * highWaterProfile() merged (a test checks).
 */
function plainPlanProfile(problem: Problem, offsets: readonly Bytes[]): PlanProfile {
  const bs = problem.buffers;
  const n = bs.length;
  if (offsets.length !== n) throw new RangeError(`planProfile: ${offsets.length} offsets for ${n} buffers`);
  const out: PlanProfile = { steps: [], live: [], highWater: [], end: 0 };
  if (n === 0) return out;
  const all = new Float64Array(2 * n);
  let lo = Infinity;
  let hi = -Infinity;
  let integral = true;
  for (let i = 0; i < n; i++) {
    const s = (all[i] = bs[i]!.start);
    const e = (all[n + i] = bs[i]!.end);
    if (s < lo) lo = s;
    if (e > hi) hi = e;
    if (!Number.isInteger(s) || !Number.isInteger(e)) integral = false;
  }
  // The distinct steps, sorted, and each one's rank: integer steps over a range of at most 8n + 64
  // (usually) by marking them (a sort of 2 x 10^6 doubles alone took ~0.5 s), any others sorted.
  let steps: Float64Array;
  let rankAt: Uint32Array | undefined;
  if (integral && hi - lo <= 8 * n + 64) {
    rankAt = new Uint32Array(hi - lo + 1);
    for (let k = 0; k < 2 * n; k++) rankAt[all[k]! - lo] = 1;
    let m = 0;
    for (let v = 0; v <= hi - lo; v++) if (rankAt[v] === 1) all[m++] = v + lo;
    steps = all.subarray(0, m);
    for (let k = 0; k < m; k++) rankAt[steps[k]! - lo] = k;
  } else {
    all.sort();
    let m = 0;
    for (let k = 0; k < 2 * n; k++) if (k === 0 || all[k] !== all[k - 1]) all[m++] = all[k]!;
    steps = all.subarray(0, m);
  }
  const m = steps.length;
  const rank = rankAt === undefined ? (t: number): number => rankOf(steps, t) : (t: number): number => rankAt[t - lo]!;
  out.end = steps[m - 1]!;
  // Between steps[k] and steps[k + 1]: live[k] bytes (difference array), high[k] the highest top.
  const live = new Float64Array(m + 1);
  let size = 1;
  while (size < m) size *= 2;
  const tree = new Float64Array(2 * size);
  for (let i = 0; i < n; i++) {
    const b = bs[i]!;
    let l = rank(b.start);
    let r = rank(b.end);
    live[l]! += b.size;
    live[r]! -= b.size;
    const top = offsets[i]! + b.size;
    for (l += size, r += size; l < r; l >>= 1, r >>= 1) {
      if (l & 1) {
        if (tree[l]! < top) tree[l] = top;
        l++;
      }
      if (r & 1) {
        r--;
        if (tree[r]! < top) tree[r] = top;
      }
    }
  }
  for (let v = 1; v < size; v++) {
    const t = tree[v]!;
    if (tree[2 * v]! < t) tree[2 * v] = t;
    if (tree[2 * v + 1]! < t) tree[2 * v + 1] = t;
  }
  let bytes = 0;
  for (let k = 0; k < m - 1; k++) {
    bytes += live[k]!;
    const high = tree[size + k]!;
    const j = out.steps.length;
    if (j > 0 && out.live[j - 1] === bytes && out.highWater[j - 1] === high) continue;
    out.steps.push(steps[k]!);
    out.live.push(bytes);
    out.highWater.push(high);
  }
  return out;
}
