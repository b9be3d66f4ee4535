import type { Problem } from '../../problem/types.js';
import { solve, type SolveOptions, type SolveResult } from '../solve.js';
import { loadGlpk, LpBuilder, outcomeOf, solveMip, type LP } from './glpk.js';
import { liveSets } from './sections.js';

/** What `fit` decided: which buffers stay on chip, where they live, and what spilling costs. */
export interface FitResult {
  /** Indices (into problem.buffers) kept on chip, and their plan (over that sub-problem). */
  kept: number[];
  plan?: SolveResult;
  /** Ids of the buffers that go to DDR. */
  spilled: string[];
  /** Bytes of the spilled buffers, and their weight: the DDR traffic spilling costs. */
  spilledBytes: number;
  ddrTraffic: number;
  /** Weight kept on chip. */
  keptWeight: number;
  /**
   * optimal: the kept weight is the most any plan within the capacity keeps (GLPK optimal, and every
   * set it proposed that did not fit was proven not to fit); feasible: a valid choice, not proven
   * best; infeasible: even the buffers that may not spill do not fit.
   */
  status: 'optimal' | 'feasible' | 'infeasible';
  /** Knapsack rounds: each one that failed to place cut its set away. */
  rounds: number;
  /**
   * How the set was chosen: the GLPK knapsack, or the greedy fallback — taken when GLPK gave no answer in
   * its time, when `maxRounds` rounds each proposed a set that did not place, or when the time limit passed.
   */
  how: 'knapsack' | 'greedy';
}

type How = FitResult['how'];

/** A choice that places: what stays, its plan, and what spilling it costs. */
function chosen(problem: Problem, kept: number[], plan: SolveResult, status: 'optimal' | 'feasible', rounds: number, how: How): FitResult {
  const stays = new Set(kept);
  const spilledIdx = problem.buffers.map((_, i) => i).filter((i) => !stays.has(i));
  return {
    kept,
    plan,
    spilled: spilledIdx.map((i) => problem.buffers[i]!.id),
    spilledBytes: spilledIdx.reduce((s, i) => s + problem.buffers[i]!.size, 0),
    ddrTraffic: spilledIdx.reduce((s, i) => s + weightOf(problem, i), 0),
    keptWeight: kept.reduce((s, i) => s + weightOf(problem, i), 0),
    status,
    rounds,
    how,
  };
}

/** Even the buffers that may not spill do not fit. */
const nothingFits = (problem: Problem, rounds: number, how: How): FitResult => ({
  kept: [],
  spilled: problem.buffers.map((b) => b.id),
  spilledBytes: 0,
  ddrTraffic: 0,
  keptWeight: 0,
  status: 'infeasible',
  rounds,
  how,
});

const weightOf = (problem: Problem, i: number): number => problem.buffers[i]!.weight ?? problem.buffers[i]!.size;
const mustStay = (problem: Problem, i: number): boolean =>
  problem.buffers[i]!.spillable === false || problem.buffers[i]!.offset !== undefined;

/**
 * fit's knapsack (DESIGN.md §1): y_b = 1 keeps b on chip; at every step the kept live bytes fit
 * the capacity; buffers that may not spill (or have a fixed offset) are kept; maximise the kept
 * weight. `cuts` are kept sets already shown not to place: each is forbidden.
 */
export function fitModel(problem: Problem, capacity: number, lp: LpBuilder, cuts: number[][] = [], sets = liveSets(problem)): LP {
  const bs = problem.buffers;
  const y = (i: number): string => `y_${i}`;
  lp.maximizeObjective(bs.map((_, i) => ({ name: y(i), coef: weightOf(problem, i) })));
  bs.forEach((_, i) => {
    lp.binary(y(i));
    // A row, not a column bound: glpk.js resets a binary column's bounds to [0, 1].
    if (mustStay(problem, i)) lp.eq(`stay_${i}`, [{ name: y(i), coef: 1 }], 1);
  });
  sets.forEach((set, t) => {
    lp.le(`live_${t}`, set.map((i) => ({ name: y(i), coef: bs[i]!.size })), capacity);
  });
  cuts.forEach((set, c) => lp.le(`cut_${c}`, set.map((i) => ({ name: y(i), coef: 1 })), set.length - 1));
  return lp.build();
}

/**
 * Chooses what stays on chip under `capacity` and places it: the knapsack by GLPK, the placement
 * by solve() (heuristics and the exact search). A kept set that cannot be placed is cut away and
 * the knapsack solved again.
 */
export async function fitCapacity(
  problem: Problem,
  capacity: number,
  options: SolveOptions & { maxRounds?: number } = {},
): Promise<FitResult> {
  const glpk = await loadGlpk();
  const t0 = performance.now();
  const timeLimitMs = options.timeLimitMs ?? 10_000;
  // 'infeasible' below means: the buffers that may not spill cannot all stay, even by the knapsack.
  const maxRounds = options.maxRounds ?? 20;
  const cuts: number[][] = [];
  const sets = liveSets(problem); // the same every round
  let provenSoFar = true;
  for (let round = 1; round <= maxRounds; round++) {
    const left = Math.max(100, timeLimitMs - (performance.now() - t0));
    const result = solveMip(glpk, fitModel(problem, capacity, new LpBuilder(glpk, 'fit'), cuts, sets), left / 2);
    const outcome = outcomeOf(glpk, result);
    if (outcome === 'infeasible') {
      return nothingFits(problem, round, 'knapsack');
    }
    if (outcome === 'unknown') break;
    if (outcome === 'feasible') provenSoFar = false;
    const kept = problem.buffers.map((_, i) => i).filter((i) => Math.round(result.result.vars[`y_${i}`] ?? 0) === 1);
    const sub: Problem = { buffers: kept.map((i) => problem.buffers[i]!), capacity };
    const plan = solve(sub, { ...options, method: options.method ?? 'auto', timeLimitMs: left / 2 });
    if (plan.fits) return chosen(problem, kept, plan, provenSoFar ? 'optimal' : 'feasible', round, 'knapsack');
    // Not placed: proven impossible (infeasible) keeps the optimality claim; a time-out does not.
    if (plan.status !== 'infeasible') provenSoFar = false;
    cuts.push(kept);
    if (performance.now() - t0 > timeLimitMs) break;
  }
  return greedySpill(problem, capacity, options);
}

/**
 * The fallback when the knapsack gives no answer in time, or its rounds or the time limit run out: start from every buffer and spill, one at
 * a time, the spillable buffer of least weight per byte among those the current plan puts above
 * the capacity, until the heuristics place the rest within it. Always ends; not proven best.
 */
function greedySpill(problem: Problem, capacity: number, options: SolveOptions): FitResult {
  const bs = problem.buffers;
  let kept = bs.map((_, i) => i);
  for (let round = 0; ; round++) {
    const sub: Problem = { buffers: kept.map((i) => bs[i]!), capacity };
    const plan = solve(sub, { ...options, method: 'greedy-size' });
    if (plan.fits) return chosen(problem, kept, plan, 'feasible', round, 'greedy');
    const over = kept.filter((i, k) => plan.offsets[k]! + bs[i]!.size > capacity && !mustStay(problem, i));
    const pool = over.length > 0 ? over : kept.filter((i) => !mustStay(problem, i));
    if (pool.length === 0) {
      return nothingFits(problem, round, 'greedy');
    }
    const drop = pool.reduce((a, b) => (weightOf(problem, b) / bs[b]!.size < weightOf(problem, a) / bs[a]!.size ? b : a));
    kept = kept.filter((i) => i !== drop);
  }
}
