import type { Buffer, Problem } from './types.js';
import { checkOffsets, type Verdict } from './verify-offsets.js';

/**
 * verifyPlan for a problem with gaps or aliases (src/problem/relative.ts says what they mean), knowing
 * nothing of how the plan was found: every offset is a non-negative safe integer, aligned, its fixed one
 * when it has one; every alias sits at its target's offset plus its alias offset; and two buffers not
 * tied by aliases never hold the same byte at the same step — a buffer holds no byte during a gap, or
 * only its window's. Self-contained on purpose: it shares no code with the solvers, the bounds or
 * relative.ts (only verify-offsets.ts's checkOffsets, the offset checks every plan passes).
 */
export function verifyTiedPlan(problem: Problem, offsets: readonly number[], claimedPeak?: number): Verdict {
  const errors: string[] = [];
  const bs = problem.buffers;
  const add = (m: string): void => {
    if (errors.length < 20) errors.push(m);
  };
  const peak = checkOffsets(bs, offsets, add);
  if (peak === undefined || errors.length > 0) return { valid: false, errors, peak: NaN };

  const index = new Map(bs.map((b, i) => [b.id, i]));
  // The root each buffer's chain of aliases ends at: buffers with one root may share bytes.
  const group = bs.map((_, i) => {
    let j = i;
    for (let hops = 0; hops <= bs.length; hops++) {
      const of = bs[j]!.aliasOf;
      if (of === undefined) return j;
      j = index.get(of) ?? j;
    }
    return i;
  });
  bs.forEach((b, i) => {
    if (b.aliasOf === undefined) return;
    const t = index.get(b.aliasOf);
    const want = t === undefined ? NaN : offsets[t]! + (b.aliasOffset ?? 0);
    if (offsets[i] !== want) add(`buffer "${b.id}": offset ${offsets[i]} is not that of "${b.aliasOf}" plus ${b.aliasOffset ?? 0} (${want})`);
  });

  // Where each buffer holds bytes: [t0, t1) x [lo, hi), absolute.
  const held: { i: number; t0: number; t1: number; lo: number; hi: number }[] = [];
  bs.forEach((b, i) => {
    for (const [t0, t1, lo, hi] of heldBy(b)) held.push({ i, t0, t1, lo: offsets[i]! + lo, hi: offsets[i]! + hi });
  });
  held.sort((x, y) => x.t0 - y.t0 || x.i - y.i);
  let live: typeof held = [];
  for (const h of held) {
    live = live.filter((c) => c.t1 > h.t0);
    for (const c of live) {
      if (group[c.i] === group[h.i] || !(h.lo < c.hi && c.lo < h.hi)) continue;
      add(`buffers "${bs[c.i]!.id}" [${c.lo}, ${c.hi}) and "${bs[h.i]!.id}" [${h.lo}, ${h.hi}) overlap in memory while both live at step ${h.t0}`);
    }
    live.push(h);
  }
  if (claimedPeak !== undefined && claimedPeak !== peak) add(`plan claims peak ${claimedPeak} but its offsets reach ${peak}`);
  return { valid: errors.length === 0, errors, peak };
}

/** [t0, t1, lo, hi] runs where b holds bytes [lo, hi) of itself: its range, cut by its gaps. */
function heldBy(b: Buffer): [number, number, number, number][] {
  const out: [number, number, number, number][] = [];
  const gaps = [...(b.gaps ?? [])].sort((x, y) => x.start - y.start);
  let t = b.start;
  for (const g of gaps) {
    if (t < g.start) out.push([t, g.start, 0, b.size]);
    if (g.window) out.push([g.start, g.end, g.window.lo, g.window.hi]);
    t = Math.max(t, g.end);
  }
  if (t < b.end) out.push([t, b.end, 0, b.size]);
  return out;
}
