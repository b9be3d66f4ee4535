/** The time limit's cuts of a tiers plan as lines (src/solve/tiers/planner.ts TieredPlan), for its report and JSON and a spill's notes. */
import type { TieredPlan } from './planner.js';

/**
 * Every cut the time limit made in `plan`, a line each, each naming the time limit: the
 * fill-fastest-first baseline's (baselineCut) first, then limitCuts. The tiers report and JSON list
 * them (src/export/tiers.ts), and a plan spilled block by block carries them in its notes (spill.ts).
 */
export const timeLimitCuts = (plan: TieredPlan): string[] => [
  ...(plan.baselineCut === true ? [Number.isFinite(plan.baselineCost) ? 'the fill-fastest-first baseline was cut by the time limit, then run to its end: the heuristic had no plan' : 'the fill-fastest-first baseline was left out: the time limit was reached'] : []),
  ...(plan.limitCuts ?? []),
];
