/**
 * fit's choice (DESIGN.md §1, "fit"): which buffers stay on chip under a capacity, maximising the
 * weight kept (the DDR traffic saved), subject to the kept live bytes fitting the capacity at every
 * step. An exact, deterministic branch-and-bound in plain TypeScript: no GLPK, so the command line
 * and the page (which has no GLPK) make the same choice. Iterative (no recursion), bounded by a budget
 * of work counted in elementary steps, never by the clock.
 */
import { indicesByKey } from '../problem/sweep.js';
import type { Problem } from '../problem/types.js';
import { maxOf } from '../problem/extent.js';

/** Default budget of work (bound evaluations' list entries): about 0.1 s on 700 buffers. */
export const DEFAULT_CHOICE_WORK = 5e6;

/** What the branch-and-bound found. */
export interface KeptChoice {
  /** kept[i]: buffer i stays on chip; undefined when no admissible set exists (or none was found). */
  kept?: boolean[];
  /** Weight of the kept set (sum of `weight ?? size`). */
  weight: number;
  /**
   * The search finished within its budget: the set is the best admissible one (not cut), or, with no
   * set, proven that none exists.
   */
  complete: boolean;
}

/**
 * The sizes the choice counts, and the capacity they must fit: when every buffer has the same
 * alignment a > 1, each buffer live at a step but the topmost takes its size rounded up to a (the
 * next one starts at a multiple of a), so the rounded sizes at a step fit in the capacity plus the
 * topmost's padding (at most the largest padding, below a): still a necessary condition (problem/bounds.ts's aligned live
 * bound), much closer to what placement needs. Otherwise the raw sizes.
 */
function alignedSizes(problem: Problem, capacity: number): { sizes: { size: number; start: number; end: number }[]; capacity: number } {
  const bs = problem.buffers;
  const a = bs[0]?.align ?? 1;
  if (a <= 1 || bs.some((b) => (b.align ?? 1) !== a)) return { sizes: bs, capacity };
  const sizes = bs.map((b) => ({ size: Math.ceil(b.size / a) * a, start: b.start, end: b.end }));
  const pad = maxOf(sizes.map((r, i) => r.size - bs[i]!.size), 0);
  return { sizes, capacity: Math.floor((capacity + pad) / a) * a };
}

export const weightOf = (problem: Problem, i: number): number => problem.buffers[i]!.weight ?? problem.buffers[i]!.size;

/** A buffer that may not leave the chip: `spillable: false`, or a fixed offset (an on-chip address). */
export const mustStay = (problem: Problem, i: number): boolean =>
  problem.buffers[i]!.spillable === false || problem.buffers[i]!.offset !== undefined;

/** The key of a kept set: the indices spilled, ascending, joined (the set of a cut). */
export const spillKey = (kept: readonly boolean[]): string =>
  kept
    .map((k, i) => (k ? -1 : i))
    .filter((i) => i >= 0)
    .join(',');

/**
 * The kept set of most weight such that at every step the kept live bytes are at most `bytes`,
 * every must-stay buffer is kept, and the set is none of `cuts` (keys by spillKey: sets already shown
 * not to place). Ties go to the first set in a fixed order (larger buffers kept first), so the same
 * input gives the same set. Sizes count as alignedSizes() says. The bound: what is kept, plus the undecided weight, minus at the step that
 * needs it most the least weight whose bytes cover that step's excess (fractional, cheapest per byte).
 */
export function bestKeptSet(problem: Problem, bytes: number, cuts: ReadonlySet<string> = new Set(), maxWork = DEFAULT_CHOICE_WORK): KeptChoice {
  const { sizes: bs, capacity } = alignedSizes(problem, bytes);
  const n = bs.length;
  // Live sets change only where a buffer starts: those steps, and the ones over the capacity. One
  // sweep over the starts and ends in order (O(n log n); a million buffers, not n x steps).
  const byStart = indicesByKey(Float64Array.from(bs, (b) => b.start));
  const byEnd = indicesByKey(Float64Array.from(bs, (b) => b.end));
  const over: number[] = [];
  let total = 0;
  for (let k = 0, e = 0; k < n; ) {
    const t = bs[byStart[k]!]!.start;
    for (; k < n && bs[byStart[k]!]!.start === t; k++) total += bs[byStart[k]!]!.size;
    for (; e < n && bs[byEnd[e]!]!.end <= t; e++) total -= bs[byEnd[e]!]!.size;
    if (total > capacity) over.push(t);
  }
  const m = over.length;
  const load = new Float64Array(m); // bytes kept (or to be kept) live at each step over
  const rem = new Float64Array(m); // bytes still undecided live there
  /** The positions in `over` of the steps over the capacity in [start, end): a binary search, then a run. */
  const stepsIn = (start: number, end: number): number[] => {
    let lo = 0;
    let hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (over[mid]! < start) lo = mid + 1;
      else hi = mid;
    }
    const out: number[] = [];
    for (let k = lo; k < m && over[k]! < end; k++) out.push(k);
    return out;
  };
  const stepsOf: number[][] = bs.map((b) => stepsIn(b.start, b.end));
  const cands: number[] = [];
  let kept0 = 0;
  bs.forEach((b, i) => {
    if (mustStay(problem, i)) {
      for (const k of stepsOf[i]!) load[k] = load[k]! + b.size;
      kept0 += weightOf(problem, i);
    } else cands.push(i);
  });
  if (load.some((l) => l > capacity)) return { weight: 0, complete: true };
  cands.sort((x, y) => bs[y]!.size - bs[x]!.size || x - y);
  const pos = (w: number): number => Math.max(w, 0);
  const density = (i: number): number => pos(weightOf(problem, i)) / bs[i]!.size;
  // Per step over the capacity, its candidates cheapest per byte first (for the bound).
  const atStep: number[][] = over.map(() => []);
  for (const i of cands) for (const k of stepsOf[i]!) atStep[k]!.push(i);
  for (const list of atStep) list.sort((x, y) => density(x) - density(y) || x - y);
  const undecided = new Uint8Array(n);
  let wu = 0; // positive weight still undecided
  for (const i of cands) {
    undecided[i] = 1;
    wu += pos(weightOf(problem, i));
    for (const k of stepsOf[i]!) rem[k] = rem[k]! + bs[i]!.size;
  }
  let kw = kept0; // weight kept so far
  let work = 0;
  const upper = (): number => {
    let drop = 0;
    for (let k = 0; k < m; k++) {
      let excess = load[k]! + rem[k]! - capacity;
      if (excess <= 0) continue;
      let cost = 0;
      const list = atStep[k]!;
      for (let j = 0; j < list.length && excess > 0; j++) {
        const i = list[j]!;
        work++;
        if (!undecided[i]) continue;
        const take = Math.min(excess, bs[i]!.size);
        cost += take * density(i);
        excess -= take;
      }
      if (cost > drop) drop = cost;
    }
    work += m;
    return kw + wu - drop;
  };
  const fitsKept = (i: number): boolean => stepsOf[i]!.every((k) => load[k]! + bs[i]!.size <= capacity);
  const decide = (i: number, keep: boolean, sign: 1 | -1): void => {
    undecided[i] = sign === 1 ? 0 : 1;
    wu -= sign * pos(weightOf(problem, i));
    for (const k of stepsOf[i]!) {
      rem[k] = rem[k]! - sign * bs[i]!.size;
      if (keep) load[k] = load[k]! + sign * bs[i]!.size;
    }
    if (keep) kw += sign * weightOf(problem, i);
  };
  const state = new Uint8Array(cands.length); // 0 undecided, 1 kept, 2 spilled
  const keptNow = bs.map(() => true);
  let best: boolean[] | undefined;
  let bestW = -Infinity;
  let complete = true;
  let d = 0;
  let down = true;
  for (;;) {
    if (down) {
      if (work > maxWork) {
        complete = false;
        break;
      }
      if (d === cands.length) {
        if (kw > bestW && !cuts.has(spillKey(keptNow))) {
          bestW = kw;
          best = keptNow.slice();
        }
        work += cands.length;
        down = false;
        d--;
        continue;
      }
      if (best !== undefined && upper() <= bestW) {
        down = false;
        d--;
        continue;
      }
      const i = cands[d]!;
      if (fitsKept(i)) {
        decide(i, true, 1);
        state[d] = 1;
      } else {
        decide(i, false, 1);
        keptNow[i] = false;
        state[d] = 2;
      }
      d++;
      continue;
    }
    if (d < 0) break;
    const i = cands[d]!;
    if (state[d] === 1) {
      decide(i, true, -1);
      decide(i, false, 1);
      keptNow[i] = false;
      state[d] = 2;
      d++;
      down = true;
    } else {
      decide(i, false, -1);
      keptNow[i] = true;
      state[d] = 0;
      d--;
    }
  }
  return best !== undefined ? { kept: best, weight: bestW, complete } : { weight: 0, complete };
}
