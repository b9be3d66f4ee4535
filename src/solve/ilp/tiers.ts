/**
 * The assignment of buffers to memory tiers as a MIP for GLPK (DESIGN.md "Growing the problem",
 * fit for N memories): x_{u,m} = 1 puts unit u (a buffer; with gaps or aliases a block, whole:
 * src/solve/tiers/instance.ts) in memory m (only the memories it may use); each unit in exactly one;
 * for every live set and every memory with a capacity, the bytes its units count there fit; no-good
 * cuts forbid a memory's set (and its supersets) already shown not to place; minimise sum weight_u x
 * cost_m x x_{u,m}. Its LP relaxation is a lower bound on the cost.
 */
import { costOf, type TierInstance } from '../tiers/instance.js';
import { LpBuilder, outcomeOf, solveMip, type GLPK, type LP } from './glpk.js';

/** A set of units that did not place in memory `memory`. */
export interface TierCut {
  memory: number;
  units: number[];
}

const x = (i: number, m: number): string => `x_${i}_${m}`;

/** The model; `relaxed` leaves out the integrality (the LP relaxation). */
export function tiersModel(inst: TierInstance, glpk: GLPK, cuts: readonly TierCut[] = [], relaxed = false): LP {
  const lp = new LpBuilder(glpk, 'tiers');
  const bs = inst.units;
  const terms = bs.flatMap((_, i) => inst.memories.flatMap((_, m) => (inst.allowed[i]![m] ? [{ name: x(i, m), coef: inst.weight[i]! * inst.cost[m]! }] : [])));
  lp.minimize(terms);
  bs.forEach((_, i) => {
    const vars = inst.memories.flatMap((_, m) => (inst.allowed[i]![m] ? [{ name: x(i, m), coef: 1 }] : []));
    for (const v of vars) {
      if (relaxed) lp.bound(v.name, 0, 1);
      else lp.binary(v.name);
    }
    lp.eq(`one_${i}`, vars, 1);
  });
  inst.memories.forEach((_, m) => {
    const cap = inst.rowCapacity[m]!;
    if (cap === Infinity) return;
    inst.sets.forEach((set, t) => {
      const vars = set.filter((e) => inst.allowed[e.unit]![m]).map((e) => ({ name: x(e.unit, m), coef: e.counted[m]! }));
      if (vars.reduce((s, v) => s + v.coef, 0) > cap) lp.le(`cap_${m}_${t}`, vars, cap);
    });
  });
  cuts.forEach((cut, c) => lp.le(`cut_${c}`, cut.units.map((u) => ({ name: x(u, cut.memory), coef: 1 })), cut.units.length - 1));
  return lp.build();
}

/** What the MIP decided. */
export interface TierChoice {
  /** memory[u]: the memory of unit u; absent when no assignment was found. */
  memory?: number[];
  /**
   * optimal: the least cost over assignments that satisfy the rows and cuts; infeasible: none does;
   * feasible / unknown: GLPK stopped before proving either (its time limit: the only other end it has
   * here), with / without an assignment — which then depends on the machine's speed.
   */
  outcome: 'optimal' | 'feasible' | 'infeasible' | 'unknown';
  /** The objective of `memory` (its traffic cost). */
  cost: number;
}

/** Solves the assignment within `timeLimitMs` (GLPK's limit is whole seconds, at least 1). */
export function chooseTiers(glpk: GLPK, inst: TierInstance, cuts: readonly TierCut[], timeLimitMs: number): TierChoice {
  const result = solveMip(glpk, tiersModel(inst, glpk, cuts), timeLimitMs);
  const outcome = outcomeOf(glpk, result);
  if (outcome === 'infeasible' || outcome === 'unknown') return { outcome, cost: Infinity };
  const vars = result.result.vars;
  const memory = inst.units.map((_, i) => inst.memories.findIndex((_, m) => inst.allowed[i]![m] && Math.round(vars[x(i, m)] ?? 0) === 1));
  if (memory.some((m) => m < 0)) return { outcome: 'unknown', cost: Infinity };
  return { memory, outcome, cost: costOf(inst, memory) };
}

/**
 * The LP relaxation's optimum: a lower bound on the traffic cost (Infinity when even it is infeasible;
 * undefined when GLPK stopped before its optimum: its time limit).
 */
export function relaxedBound(glpk: GLPK, inst: TierInstance, timeLimitMs: number): number | undefined {
  const result = solveMip(glpk, tiersModel(inst, glpk, [], true), timeLimitMs);
  const outcome = outcomeOf(glpk, result);
  if (outcome === 'infeasible') return Infinity;
  return outcome === 'optimal' ? result.result.z : undefined;
}
