/**
 * Memory tiers: a plan over N memories at once (fastest first; DESIGN.md "Growing the problem").
 * Every buffer gets a memory and an offset in that memory's arena; the objective is the traffic cost
 * (sum of weight x the memory's cost), every memory's arena within its capacity.
 *
 * How: when every buffer fits the cheapest, first memory, that is the plan. Two memories shaped like
 * `--capacity` (on chip, then an unbounded DDR dearer per byte) are fit's case: spillPlanner, so the
 * answer is the one `--capacity` gives. Otherwise, with GLPK at hand (`exact`), its assignment of
 * buffers to memories (src/solve/ilp/tiers.ts), each memory's set placed by the same solve(); a set
 * that does not place is cut away and the assignment made again. When GLPK runs out of time or
 * rounds (or is not at hand), greedy by traffic per byte and a local search, each memory's set
 * placed, buffers above a capacity moved down a tier until all place. The lower bound is the LP
 * relaxation, the per-step bound, or GLPK's optimum when every cut was proven. The plan is checked
 * by verifyTieredPlan; the fill-fastest-first baseline is computed too, and taken when it costs less.
 *
 * Written as a generator of solve requests, like spillPlanner, so it runs inline or on workers alike.
 */
import { liveBound } from '../../problem/bounds.js';
import type { MemoryTier, Problem } from '../../problem/types.js';
import { validateMemories } from '../../problem/validate.js';
import { verifyTieredPlan } from '../../problem/verify.js';
import { spillPlanner, type SolveRequest } from '../spill.js';
import type { SolveOptions, SolveResult } from '../solve.js';
import type { TierChoice, TierCut } from '../ilp/tiers.js';
import { demote, fillFastestFirst, greedyByDensity, improveAssignment } from './greedy.js';
import { alignIn, costOf, pinned, stepBound, tierInstance, type TierInstance } from './instance.js';

/** One memory of a tiered plan, as the outputs show it. */
export interface TierUsage {
  name: string;
  /** Bytes of the memory; absent when unbounded. */
  capacity?: number;
  /** Cost per byte of traffic. */
  cost: number;
  /** Bytes of its arena (the peak of the buffers placed there; 0 when none, and for a read-only memory: no arena). */
  used: number;
  /** A proven lower bound on `used` for the buffers placed there (the placement's bound). */
  bound: number;
  /** The method that placed them. */
  method: string;
  /** How many buffers live there, their bytes and their traffic (sum of weights). */
  buffers: number;
  bytes: number;
  traffic: number;
}

/** How the assignment was found. */
export type TiersHow =
  /** everything fits the first (cheapest) memory */
  | 'all-first'
  /** two memories as with `--capacity`: the spill procedure's choice search */
  | 'choice-search'
  /** GLPK's assignment, each memory placed */
  | 'glpk'
  /** greedy by traffic per byte and local search */
  | 'greedy'
  /** the fill-fastest-first baseline, which cost less */
  | 'fill-fastest-first';

/** A plan over memory tiers. */
export interface TieredPlan {
  memories: MemoryTier[];
  /** memory[i]: index into `memories` of buffer i's memory; offsets[i]: its offset in that memory's arena. Empty without a plan. */
  memory: number[];
  offsets: number[];
  /** Per memory, in the order of `memories`. */
  usage: TierUsage[];
  /** Traffic cost of the plan: sum of weight x cost (Infinity without a plan). */
  cost: number;
  /** A proven lower bound on the cost of any plan. */
  bound: number;
  /** (cost - bound) / bound; 0 when proven best (Infinity when the bound is 0 and the cost is not). */
  gap: number;
  /** optimal: cost = bound (proven best); feasible: a valid plan; infeasible: proven that none exists; unknown: none found. */
  status: 'optimal' | 'feasible' | 'infeasible' | 'unknown';
  how: TiersHow;
  /** Assignments tried (each one that did not place was cut away or repaired). */
  rounds: number;
  /** Traffic cost of the fill-fastest-first baseline (Infinity when it finds no plan). */
  baselineCost: number;
  /**
   * With a read-only memory (weights in flash): the bytes copied from it into other memories before
   * the run — the buffers that may live in a read-only memory but were put elsewhere. Absent otherwise.
   */
  copyInBytes?: number;
  /** Why there is no plan, when there is none. */
  failure?: string;
  /** Wall time, milliseconds. */
  timeMs: number;
}

/** GLPK's side of the exact solve, bound to a loaded GLPK (planTiers in ./index.ts). */
export interface TierExact {
  choose(cuts: readonly TierCut[], timeLimitMs: number): TierChoice;
  /** The LP relaxation's optimum. */
  relaxed(timeLimitMs: number): number;
}

/** Assignments tried by GLPK before the heuristic. */
const MAX_ROUNDS = 20;
const now = (): number => performance.now();

/** The sub-problem of memory m: its buffers, aligned for it, within its capacity. */
function memoryProblem(inst: TierInstance, m: number, idx: readonly number[]): Problem {
  const mem = inst.memories[m]!;
  return {
    buffers: idx.map((i) => ({ ...inst.problem.buffers[i]!, align: alignIn(inst.problem, i, mem) })),
    ...(mem.capacity !== undefined ? { capacity: mem.capacity } : {}),
  };
}

const membersOf = (memory: readonly number[], m: number): number[] => memory.flatMap((x, i) => (x === m ? [i] : []));

/**
 * The tiers procedure for `problem` over `memories` (fastest first; checked by validateMemories).
 * Yields the solves it needs; returns the plan (throws an InputError for bad memories). `options`
 * are the user's (method, seed, ...); `timeLimitMs` caps the whole procedure. `exact`: GLPK's
 * assignment (without it: the heuristic).
 */
export function* tiersPlanner(problem: Problem, memories: readonly MemoryTier[], options: SolveOptions = {}, exact?: TierExact): Generator<SolveRequest, TieredPlan, SolveResult> {
  const t0 = now();
  const limit = options.timeLimitMs ?? 10_000;
  const left = (): number => Math.max(50, limit - (now() - t0));
  validateMemories(problem, memories);
  const inst = tierInstance(problem, memories);
  const k = memories.length;
  const n = problem.buffers.length;
  let bound = stepBound(inst);
  if (exact !== undefined && bound < Infinity) bound = Math.max(bound, exact.relaxed(left() / 8));
  const baseline = fillFastestFirst(inst);
  const baselineCost = baseline === undefined ? Infinity : costOf(inst, baseline.memory);

  /** Places every memory's set; the results (undefined for an empty memory) and the memories that did not fit. */
  function* place(memory: readonly number[], share = 2 * k): Generator<SolveRequest, { results: (SolveResult | undefined)[]; failed: number[] }, SolveResult> {
    const results: (SolveResult | undefined)[] = [];
    for (let m = 0; m < k; m++) {
      const idx = membersOf(memory, m);
      // A read-only memory plans no arena: its buffers stay where they are.
      results.push(idx.length === 0 || memories[m]!.readOnly === true ? undefined : yield { problem: memoryProblem(inst, m, idx), options: { ...options, timeLimitMs: left() / share } });
    }
    return { results, failed: results.flatMap((r, m) => (r !== undefined && r.fits === false ? [m] : [])) };
  }

  const failure = (status: 'infeasible' | 'unknown', why: string, rounds: number): TieredPlan => ({
    memories: [...memories],
    memory: [],
    offsets: [],
    usage: memories.map((mem) => ({ name: mem.name, ...(mem.capacity !== undefined ? { capacity: mem.capacity } : {}), cost: mem.cost, used: 0, bound: 0, method: '-', buffers: 0, bytes: 0, traffic: 0 })),
    cost: Infinity,
    bound: status === 'infeasible' ? Infinity : bound,
    gap: Infinity,
    status,
    how: exact !== undefined ? 'glpk' : 'greedy',
    rounds,
    baselineCost,
    failure: why,
    timeMs: now() - t0,
  });

  /** A read-only memory's row: no arena (offsets 0, not planned); its buffers are read in place. */
  const readOnlyPlaced = (idx: readonly number[]): { method: string; bound: number; peak: number } => ({ method: idx.length > 0 ? 'in place' : '-', bound: 0, peak: 0 });

  /** The plan from each buffer's memory, its offsets there and the memories' placements, checked by the verifier. */
  const finish = (memory: number[], offsets: number[], placed: { method: string; bound: number; peak: number }[], how: TiersHow, rounds: number): TieredPlan => {
    let cost = costOf(inst, memory);
    if (baseline !== undefined && (baselineCost < cost || how === 'fill-fastest-first')) {
      // The baseline found a cheaper plan (or the only one): take it; it is checked like any other.
      memory = baseline.memory;
      offsets = baseline.offsets;
      cost = baselineCost;
      how = 'fill-fastest-first';
      placed = memories.map((_, m) => {
        const idx = membersOf(memory, m);
        const sub = memoryProblem(inst, m, idx);
        if (memories[m]!.readOnly === true) return readOnlyPlaced(idx);
        return { method: 'fill-fastest-first', bound: liveBound(sub), peak: Math.max(0, ...idx.map((i) => offsets[i]! + problem.buffers[i]!.size)) };
      });
    }
    const verdict = verifyTieredPlan(problem, memories, memory, offsets, placed.map((p) => p.peak));
    if (!verdict.valid) throw new Error(`internal error: the tiered plan is invalid:\n  ${verdict.errors.join('\n  ')}`);
    const proven = cost <= bound * (1 + 1e-12) + 1e-9;
    if (proven) bound = Math.min(bound, cost);
    const readOnly = memories.some((mem) => mem.readOnly === true);
    const copyIn = problem.buffers.reduce((s, b, i) => s + (inst.allowed[i]!.some((a, m) => a && memories[m]!.readOnly === true) && memories[memory[i]!]!.readOnly !== true ? b.size : 0), 0);
    return {
      memories: [...memories],
      memory,
      offsets,
      usage: memories.map((mem, m) => {
        const idx = membersOf(memory, m);
        return {
          name: mem.name,
          ...(mem.capacity !== undefined ? { capacity: mem.capacity } : {}),
          cost: mem.cost,
          used: placed[m]!.peak,
          bound: placed[m]!.bound,
          method: placed[m]!.method,
          buffers: idx.length,
          bytes: idx.reduce((s, i) => s + problem.buffers[i]!.size, 0),
          traffic: idx.reduce((s, i) => s + inst.weight[i]!, 0),
        };
      }),
      cost,
      bound,
      gap: proven ? 0 : bound > 0 ? (cost - bound) / bound : Infinity,
      status: proven ? 'optimal' : 'feasible',
      how,
      rounds,
      baselineCost,
      ...(readOnly ? { copyInBytes: copyIn } : {}),
      timeMs: now() - t0,
    };
  };

  /** finish() from placement results. */
  const fromResults = (memory: number[], results: readonly (SolveResult | undefined)[], how: TiersHow, rounds: number): TieredPlan => {
    const offsets = new Array<number>(n).fill(0);
    const placed = memories.map((_, m) => {
      const r = results[m];
      const idx = membersOf(memory, m);
      if (memories[m]!.readOnly === true) return readOnlyPlaced(idx);
      idx.forEach((i, j) => (offsets[i] = r!.offsets[j]!));
      return { method: r?.method ?? '-', bound: r?.bound ?? 0, peak: r?.peak ?? 0 };
    });
    return finish(memory, offsets, placed, how, rounds);
  };

  // 1. Everything in the first memory, when it is the cheapest and every buffer may live there.
  const firstCheapest = inst.cost.every((c) => c >= inst.cost[0]!) && inst.allowed.every((a) => a[0]);
  let whole: SolveResult | undefined;
  if (firstCheapest) {
    // Every buffer in one arena: the solve --capacity runs first (all the time there is, as there).
    const all = problem.buffers.map(() => 0);
    const { results, failed } = yield* place(all, 1);
    if (failed.length === 0) return fromResults(all, results, 'all-first', 1);
    whole = results[0];
  }

  // 2. Fit's case: two memories, on chip then an unbounded, dearer DDR; nothing pinned by name or aligned by memory.
  const fitCase = k === 2 && memories[1]!.capacity === undefined && inst.cost[0]! < inst.cost[1]! && (memories[0]!.align ?? 1) === 1 && (memories[1]!.align ?? 1) === 1 && problem.buffers.every((b) => b.memories === undefined);
  if (fitCase && whole !== undefined) {
    const plan = yield* spillPlanner({ buffers: problem.buffers, capacity: memories[0]!.capacity! }, memories[0]!.capacity!, whole, { ...options, timeLimitMs: left() });
    if (plan.spill === undefined) return failure(plan.spillFailure?.startsWith('even') ? 'infeasible' : 'unknown', plan.spillFailure ?? 'no plan', 1);
    const memory = plan.spill.memory.map((x) => (x === 'chip' ? 0 : 1));
    if (plan.spill.choice === 'optimal') bound = Math.max(bound, costOf(inst, memory));
    const ddr = membersOf(memory, 1);
    const ddrBound = liveBound(memoryProblem(inst, 1, ddr));
    return finish(
      memory,
      plan.offsets,
      [
        { method: plan.method, bound: plan.bound, peak: plan.peak },
        { method: plan.spill.ddrMethod, bound: ddrBound, peak: plan.spill.ddrPeak },
      ],
      'choice-search',
      plan.spill.rounds,
    );
  }

  // 3. GLPK's assignment, each memory placed; cuts for the sets that do not place.
  let rounds = 0;
  if (exact !== undefined) {
    const cuts: TierCut[] = [];
    let provenCuts = true;
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      rounds = round;
      // Most of the time goes to the assignment: placements mostly end by their budgets, not the clock.
      const choice = exact.choose(cuts, left() * 0.6);
      if (choice.outcome === 'infeasible') {
        if (provenCuts) return failure('infeasible', round === 1 ? 'no assignment of the buffers fits the memories\' capacities at every step' : 'no assignment left places in every memory (each was proven not to)', round);
        break;
      }
      if (choice.outcome === 'unknown' || choice.memory === undefined) break;
      if (choice.outcome === 'optimal' && provenCuts) bound = Math.max(bound, choice.cost);
      const { results, failed } = yield* place(choice.memory);
      if (failed.length === 0) return fromResults(choice.memory, results, 'glpk', round);
      for (const m of failed) {
        cuts.push({ memory: m, buffers: membersOf(choice.memory, m) });
        if (results[m]!.status !== 'infeasible') provenCuts = false;
      }
      if (now() - t0 > limit) break;
    }
  }

  // 4. The heuristic: greedy by traffic per byte, local search, then move buffers above a capacity down a tier until every memory places.
  const memory = greedyByDensity(inst);
  if (memory === undefined) {
    if (baseline !== undefined) return finish(baseline.memory, baseline.offsets, [], 'fill-fastest-first', rounds);
    return failure('unknown', 'no assignment found that fits the memories\' capacities at every step', rounds);
  }
  improveAssignment(inst, memory);
  for (;;) {
    rounds++;
    const { results, failed } = yield* place(memory);
    if (failed.length === 0) return fromResults(memory, results, 'greedy', rounds);
    let moved = false;
    for (const m of failed) {
      const r = results[m]!;
      const cap = memories[m]!.capacity!;
      const idx = membersOf(memory, m);
      const movable = (i: number): boolean => !pinned(problem, i) && inst.allowed[i]!.some((a, to) => a && (to > m || memories[to]!.readOnly === true));
      const above = idx.filter((i, j) => r.offsets[j]! + problem.buffers[i]!.size > cap && movable(i));
      const pool = above.length > 0 ? above : idx.filter(movable);
      if (pool.length === 0) continue;
      const rate = (i: number): number => inst.weight[i]! / problem.buffers[i]!.size;
      // One at a time while there is time; then every one above the capacity at once (always ends).
      const batch = now() - t0 > limit && above.length > 0 ? above : [pool.reduce((a, b) => (rate(b) < rate(a) ? b : a))];
      for (const i of batch) moved = demote(inst, memory, i) || moved;
    }
    if (!moved) {
      if (baseline !== undefined) return finish(baseline.memory, baseline.offsets, [], 'fill-fastest-first', rounds);
      return failure('unknown', 'no plan found that places every memory\'s buffers within its capacity', rounds);
    }
  }
}
