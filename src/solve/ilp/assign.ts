import { liveBound } from '../../problem/bounds.js';
import type { Problem } from '../../problem/types.js';
import { deadlineOfLimit, loadGlpk, LpBuilder, outcomeOf, solveMipBy, type GlpkLimit, type LP, type MipOutcome, type MipRunner } from './glpk.js';
import { liveSets } from './sections.js';

/** The slot model's answer: a slot per movable buffer, and what GLPK proved. */
export interface SlotAssignment {
  /** slotOf[i] for problem.buffers[i]; -1 for buffers with a fixed offset (they keep it). */
  slotOf: number[];
  /** Sum of slot sizes (each slot as large as its largest tenant). */
  total: number;
  outcome: MipOutcome;
  /** A lower bound on the sum of slot sizes: `total` when optimal, else the LP relaxation's value or the live bound, the higher. */
  bound: number;
}

/**
 * assign as a MIP (DESIGN.md §1): movable buffers sorted largest first; buffer p may open slot p or
 * join an earlier slot k that buffer k opened, so slot k's size is buffer k's size; no two tenants of
 * a slot live together. Minimises the sum of slot sizes.
 */
export function assignModel(problem: Problem, lp: LpBuilder): { lp: LP; order: number[] } {
  const bs = problem.buffers;
  const order = slotOrder(problem);
  const pos = new Map(order.map((b, p) => [b, p]));
  const x = (p: number, k: number): string => `x_${p}_${k}`;
  lp.minimize(order.map((b, k) => ({ name: x(k, k), coef: bs[b]!.size })));
  order.forEach((_, p) => {
    lp.eq(`one_${p}`, Array.from({ length: p + 1 }, (_, k) => ({ name: x(p, k), coef: 1 })), 1);
    for (let k = 0; k <= p; k++) {
      lp.binary(x(p, k));
      if (k < p) lp.le(`open_${p}_${k}`, [{ name: x(p, k), coef: 1 }, { name: x(k, k), coef: -1 }], 0);
    }
  });
  liveSets(problem).forEach((set, t) => {
    const ps = set.map((b) => pos.get(b)).filter((p): p is number => p !== undefined);
    if (ps.length < 2) return;
    const lowest = Math.min(...ps);
    const highest = Math.max(...ps);
    for (let k = 0; k <= highest; k++) {
      const terms = ps.filter((p) => p >= k).map((p) => ({ name: x(p, k), coef: 1 }));
      if (terms.length >= 2 || (terms.length === 1 && k < lowest)) lp.le(`live_${t}_${k}`, terms, 1);
    }
  });
  return { lp: lp.build(), order };
}

/** The movable buffers largest first (ties by index): the order of assignModel's slots. */
function slotOrder(problem: Problem): number[] {
  const bs = problem.buffers;
  return bs
    .map((_, i) => i)
    .filter((i) => bs[i]!.offset === undefined)
    .sort((a, b) => bs[b]!.size - bs[a]!.size || a - b);
}

/**
 * Greedy by size (Pisarchyk & Lee 2020) in assignModel's terms: buffers largest first; each joins the
 * smallest slot (all are at least its size: they were opened by larger buffers) none of whose tenants
 * lives at the same time, else opens its own slot (slot k = the k-th buffer of the order). Deterministic,
 * a valid assignment for every problem; O(n^2) in the movable buffers (GLPK's models are for small ones).
 */
export function greedySlots(problem: Problem): number[] {
  const bs = problem.buffers;
  const order = slotOrder(problem);
  const slotOf = bs.map(() => -1);
  const tenants: number[][] = [];
  order.forEach((b, p) => {
    const buf = bs[b]!;
    let best = -1;
    for (let k = 0; k < p; k++) {
      const ts = tenants[k];
      if (ts === undefined || ts.some((t) => bs[t]!.start < buf.end && buf.start < bs[t]!.end)) continue;
      if (best < 0 || bs[order[k]!]!.size < bs[order[best]!]!.size) best = k;
    }
    const k = best >= 0 ? best : p;
    (tenants[k] ??= []).push(b);
    slotOf[b] = k;
  });
  return slotOf;
}

/** Sum of slot sizes of an assignment in assignModel's terms (slot k as large as the k-th buffer of the order). */
function slotTotal(problem: Problem, order: readonly number[], slotOf: readonly number[]): number {
  return order.reduce((sum, b, k) => sum + (slotOf[b] === k ? problem.buffers[b]!.size : 0), 0);
}

/**
 * Solves the slot model with GLPK within the time limit (ms from now, or a deadline: the MIP and the
 * LP relaxation share it); when not proven optimal, bounds it by the LP
 * relaxation. The answer is never worse than greedySlots: when GLPK's time runs out with no solution
 * (which happens on a loaded machine, glpk.js returning GLP_UNDEF), or with a worse one, the greedy
 * assignment is returned (outcome `feasible`), so a valid assignment always comes back. `run` runs the
 * MIP and then the LP relaxation (default solveMipBy; tests hand in a GLPK that times out for sure).
 */
export async function assignWithGlpk(problem: Problem, timeLimitMs: GlpkLimit, run: MipRunner = solveMipBy): Promise<SlotAssignment> {
  const end = deadlineOfLimit(timeLimitMs);
  const glpk = await loadGlpk();
  const { lp, order } = assignModel(problem, new LpBuilder(glpk, 'assign'));
  // Most of the time to the MIP (GLPK may run on past its limit); the LP relaxation that bounds an unproven answer takes the rest.
  const result = await run(glpk, lp, end.share(0.7));
  let outcome = result === undefined ? 'unknown' : outcomeOf(glpk, result);
  let slotOf = problem.buffers.map(() => -1);
  if (result !== undefined && (outcome === 'optimal' || outcome === 'feasible')) {
    order.forEach((b, p) => {
      for (let k = 0; k <= p; k++) if (Math.round(result.result.vars[`x_${p}_${k}`] ?? 0) === 1) slotOf[b] = k;
    });
  }
  if (outcome !== 'optimal' && outcome !== 'infeasible') {
    const greedy = greedySlots(problem);
    if (outcome !== 'feasible' || slotTotal(problem, order, greedy) < slotTotal(problem, order, slotOf)) {
      slotOf = greedy;
      outcome = 'feasible';
    }
  }
  const total = slotTotal(problem, order, slotOf);
  let bound = total;
  if (outcome !== 'optimal') {
    const relaxed = await run(glpk, { ...lp, binaries: [], bounds: [...(lp.bounds ?? []), ...(lp.binaries ?? []).map((name) => ({ name, type: glpk.GLP_DB, lb: 0, ub: 1 }))] }, end);
    // The live bound also bounds the slots (each holds one live buffer at a time): a bound when the LP runs out of time.
    const lpBound = relaxed !== undefined && outcomeOf(glpk, relaxed) === 'optimal' ? Math.ceil(relaxed.result.z - 1e-6) : 0;
    bound = Math.min(total, Math.max(lpBound, liveBound(problem)));
  }
  return { slotOf, total, outcome, bound };
}

/**
 * The method row of a slot assignment in a report: `glpk-assign` when GLPK proved it optimal, else
 * `glpk-assign (bound N)` with N the bound (the LP relaxation's or the live bound) on the sum of slot sizes.
 */
export const assignRowName = (slots: Pick<SlotAssignment, 'outcome' | 'bound'>): string => (slots.outcome === 'optimal' ? 'glpk-assign' : `glpk-assign (bound ${slots.bound})`);

/** Slots stacked in slot order above every fixed buffer, each aligned for its tenants. */
export function slotsToOffsets(problem: Problem, slotOf: number[]): number[] {
  const bs = problem.buffers;
  let base = 0;
  for (const b of bs) if (b.offset !== undefined) base = Math.max(base, b.offset + b.size);
  const slots = Math.max(-1, ...slotOf) + 1;
  const size = new Array<number>(slots).fill(0);
  const align = new Array<number>(slots).fill(1);
  bs.forEach((b, i) => {
    const k = slotOf[i]!;
    if (k < 0) return;
    size[k] = Math.max(size[k]!, b.size);
    align[k] = Math.max(align[k]!, b.align ?? 1);
  });
  const at: number[] = [];
  for (let k = 0; k < slots; k++) {
    const o = Math.ceil(base / align[k]!) * align[k]!;
    at.push(o);
    base = o + size[k]!;
  }
  return bs.map((b, i) => (b.offset !== undefined ? b.offset : at[slotOf[i]!]!));
}
