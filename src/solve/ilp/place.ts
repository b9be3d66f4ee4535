import type { Problem } from '../../problem/types.js';
import { deadlineOfLimit, loadGlpk, LpBuilder, outcomeOf, solveMipBy, type GlpkLimit, type LP, type MipOutcome } from './glpk.js';
import { conflictPairs } from './sections.js';

/**
 * place as a big-M MIP (DESIGN.md §1): offset o_b = align_b * k_b with k_b integer; for each pair
 * live together a binary z saying which one is below; every top <= P; P >= the live bound;
 * minimise P. `upper` (a known plan's peak) is the big M. With `capacity`, P <= capacity.
 * Only for small problems: GLPK stalls past about a dozen buffers.
 */
export function placeModel(problem: Problem, lp: LpBuilder, lowerBound: number, upper: number, capacity?: number): LP {
  const bs = problem.buffers;
  const M = upper;
  const o = (i: number): { name: string; coef: number } => ({ name: `k_${i}`, coef: bs[i]!.align ?? 1 });
  lp.minimize([{ name: 'P', coef: 1 }]);
  lp.bound('P', lowerBound, capacity);
  bs.forEach((b, i) => {
    lp.integer(`k_${i}`);
    if (b.offset !== undefined) lp.bound(`k_${i}`, b.offset / (b.align ?? 1), b.offset / (b.align ?? 1));
    else lp.bound(`k_${i}`, 0, Math.floor(Math.max(0, M - b.size) / (b.align ?? 1)));
    lp.le(`top_${i}`, [o(i), { name: 'P', coef: -1 }], -b.size);
  });
  for (const [i, j] of conflictPairs(problem)) {
    const z = `z_${i}_${j}`;
    lp.binary(z);
    // z = 1: i below j;  z = 0: j below i.
    lp.le(`below_${i}_${j}`, [o(i), { ...o(j), coef: -o(j).coef }, { name: z, coef: M }], M - bs[i]!.size);
    lp.le(`above_${i}_${j}`, [o(j), { ...o(i), coef: -o(i).coef }, { name: z, coef: -M }], -bs[j]!.size);
  }
  return lp.build();
}

export interface IlpPlacement {
  offsets?: number[];
  peak?: number;
  outcome: MipOutcome;
}

/** Solves the place model with GLPK within the time limit (ms from now, or a deadline; held by solveMipBy): no solution when it runs out first. */
export async function placeWithGlpk(
  problem: Problem,
  lowerBound: number,
  upper: number,
  timeLimitMs: GlpkLimit,
  capacity?: number,
): Promise<IlpPlacement> {
  const glpk = await loadGlpk();
  const lp = placeModel(problem, new LpBuilder(glpk, 'place'), lowerBound, upper, capacity);
  const result = await solveMipBy(glpk, lp, deadlineOfLimit(timeLimitMs));
  const outcome = result === undefined ? 'unknown' : outcomeOf(glpk, result);
  if (result === undefined || (outcome !== 'optimal' && outcome !== 'feasible')) return { outcome };
  const offsets = problem.buffers.map((b, i) => Math.round(result.result.vars[`k_${i}`] ?? 0) * (b.align ?? 1));
  const peak = Math.max(0, ...problem.buffers.map((b, i) => offsets[i]! + b.size));
  return { offsets, peak, outcome };
}
