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
 * placed, buffers above a capacity moved down a tier until all place. GLPK stopped by its time limit
 * (it has no budget of work) before a proof is set aside: the heuristic plans, the same on every machine. The lower bound is the LP
 * relaxation, the per-step bound, or GLPK's optimum when every cut was proven. The plan is checked
 * by verifyTieredPlan; the fill-fastest-first baseline is computed too, and taken when it costs less.
 *
 * Written as a generator of solve requests, like spillPlanner, so it runs inline or on workers alike.
 */
import { tiersInfeasibility, unitTooLarge } from './infeasibility.js';
import { liveBound } from '../../problem/bounds.js';
import { hasTies } from '../../problem/relative.js';
import type { MemoryTier, Problem } from '../../problem/types.js';
import { validateMemories } from '../../problem/validate.js';
import { verifyTieredPlan } from '../../problem/verify.js';
import { blockIndexOf, mergeRectangles, spreadOffsets, type MergedRectangles } from '../rectangles.js';
import type { PlanResult, SolveRequest } from '../spill.js';
import type { SolveOptions, SolveResult } from '../solve.js';
import type { TierChoice, TierCut } from '../ilp/tiers.js';
import { demoteAll, fillFastestFirst, fillFastestFirstUntil, firstFitInto, greedyByDensity, improveAssignment, type BaselinePlan } from './greedy.js';
import { alignIn, bufferMemory, buffersIn, costOf, stepBound, tierInstance, type TierInstance } from './instance.js';
import { maxOf } from '../../problem/extent.js';
import { Deadline } from '../deadline.js';
import { bandsOpen, bandsPlan } from './bands.js';
import { plural } from '../../format/plural.js';

/** One memory of a tiered plan, as the outputs show it. */
export interface TierUsage {
  name: string;
  /** Bytes of the memory; absent when unbounded. */
  capacity?: number;
  /** Cost per byte of traffic. */
  cost: number;
  /**
   * Bytes of its arena (the peak of the buffers placed there; 0 when none, and for a read-only memory: no
   * arena). Without a plan (TieredPlan.memory empty) this and the counts below are 0, meaning nothing: the
   * outputs show '-' (report) and null (JSON) then (src/export/tiers.ts).
   */
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
  | 'fill-fastest-first'
  /** the time limit left too little for the others: one arena cut into the memories by address (./bands.ts) */
  | 'bands'
  /** no plan, proven before any search by a simple fact (./infeasibility.ts): a buffer larger than every memory it may use, a step over the memories' capacities; rounds 0 */
  | 'checked';

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
  /** Traffic cost of the fill-fastest-first baseline (Infinity when it finds no plan, or was cut). */
  baselineCost: number;
  /**
   * Set when the time limit cut the baseline short (it may take BASELINE_SHARE of the time left): no
   * baseline then, unless the heuristic found no plan, when the baseline is run to its end after all
   * (the only plan left; the limit may then be exceeded).
   */
  baselineCut?: true;
  /**
   * What else the clock cut or decided, one line each (the bands, GLPK left out or stopped at its time
   * limit, the local search stopped early, a placement whose phases the time limit ended, the rounds'
   * end): the plan may then differ from one machine to another. Absent when nothing was: the plan is
   * then the same on every machine (every other end is a budget of work or a count).
   */
  limitCuts?: string[];
  /**
   * With a read-only memory (weights in flash): the bytes copied from it into other memories before
   * the run — the buffers that may live in a read-only memory but were put elsewhere. Absent otherwise.
   */
  copyInBytes?: number;
  /** Why there is no plan, when there is none. */
  failure?: string;
  /**
   * Without a plan (the planner's own failures): what is known of each buffer i of the problem.
   * `allowed[i]`: the indices into `memories` it may use (its own `memories` and pinning; for a buffer
   * aliased to others, the memories where the whole group may go). `reason[i]`: set when this buffer
   * (or the group of aliased buffers it is in) alone is why no plan exists — larger than every memory
   * it may use (src/solve/tiers/infeasibility.ts unitTooLarge); undefined otherwise.
   */
  unplaced?: { allowed: number[][]; reason: (string | undefined)[] };
  /** Wall time, milliseconds. */
  timeMs: number;
}

/** GLPK's side of the exact solve, bound to a loaded GLPK (planTiers in ./index.ts), on the planner's instance. */
export interface TierExact {
  /** GLPK's assignment within `timeLimitMs`: outcome `feasible` or `unknown` when it stopped before a proof (its time ran out). */
  choose(inst: TierInstance, cuts: readonly TierCut[], timeLimitMs: number): TierChoice;
  /** The LP relaxation's optimum (Infinity: infeasible); undefined when GLPK's time ran out before it. */
  relaxed(inst: TierInstance, timeLimitMs: number): number | undefined;
}

/**
 * What the caller of tiersPlanner knows or lends it. `spill`: the spill procedure (src/solve/spill.ts
 * spillPlanner, passed in so that the two modules do not import each other), for fit's case; without
 * it that case is planned as any other. `firstFails`: every buffer in the first memory is known not to
 * place (the spill procedure's own case), so that solve is not asked for.
 */
export interface TiersKnown {
  spill?: (problem: Problem, capacity: number, whole: SolveResult, options: SolveOptions) => Generator<SolveRequest, PlanResult, SolveResult>;
  firstFails?: boolean;
}

/** The note of the rounds when the time limit came before every memory placed and closeInLast was not open. */
const DEMOTED_AT_ONCE = 'the time limit came before every memory placed: every buffer above a capacity was moved down a memory at once, not one at a time';

/**
 * Buffers the heuristic's rounds may place (each round places every buffer once) while a memory that
 * does not place gives up one unit a round (the least traffic per byte); past it, every unit above its
 * capacity moves down at once, so the rounds end soon. A budget of work, not the clock: the same rounds
 * on every machine. Before it the clock decided ("while there is time"): 2,000 buffers over three
 * memories under --time-limit 30 ran one round after another (~2 s each) until the limit.
 */
const ONE_AT_A_TIME_PLACEMENTS = 10_000;

/**
 * Units past which GLPK's assignment (a MIP) is not asked: at 2,000 buffers over three memories it found
 * no assignment in 18 s (its LP bound still is: a count, not the clock, as GLPK_TIERS_MAX_NONZEROS).
 */
const GLPK_MIP_MAX_UNITS = 1500;

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

/**
 * Coefficients of GLPK's tiers models (the capacity rows' entries, once per memory) past which the
 * planner does not build them (see tiersPlanner): about 0.6 s of GLPK for the LP bound at this size.
 */
export const GLPK_TIERS_MAX_NONZEROS = 500_000;

/** Coefficients of the capacity rows of GLPK's tiers models: each live set's entries, once per memory. */
function glpkNonzeros(inst: TierInstance): number {
  let entries = 0;
  for (const set of inst.sets) entries += set.length;
  return entries * inst.memories.length;
}

/**
 * Milliseconds of GLPK per coefficient of its tiers models (glpkNonzeros), an estimate measured here
 * (8,000 buffers over 3 memories, 197,049 coefficients: about 1 s for the LP bound on a loaded 2-core
 * machine): GLPK cannot be stopped, so its models are left out when this estimate exceeds
 * GLPK_SHARE of the time left.
 */
const GLPK_MS_PER_NONZERO = 0.005;
/** The share of the time left GLPK's models may be expected to take (GLPK_MS_PER_NONZERO). */
const GLPK_SHARE = 0.25;
/**
 * Milliseconds per buffer kept back from the search for the work after it: the last rounds of
 * placements, the verifier, the report (10^5 buffers over 2 memories: about 1 s; 8,000 over 3: a
 * few rounds of 0.1 s; measured on a loaded 2-core machine), at most half the time left.
 */
const FINISH_MS_PER_BUFFER = 0.02;
/** The share of the time left the local search over assignments (improveAssignment) may take. */
const IMPROVE_SHARE = 0.5;

/** The share of the time left the fill-fastest-first baseline may take before it is given up. */
const BASELINE_SHARE = 0.3;

/**
 * Milliseconds per buffer the heuristic's way takes from the instance to the verified plan (the live
 * sets and rows, the bound, the greedy assignment and its local search, a round of placements, the
 * buffers above a capacity first fit into the last memory, the verifier), an estimate measured here:
 * 10^5 buffers over 3 memories, 8.4 s under --cpu-prof on a loaded 2-core machine. When the time left
 * is below this estimate, the planner cuts one arena into bands instead (./bands.ts).
 */
export const HEURISTIC_MS_PER_BUFFER = 0.085;
/**
 * Milliseconds the heuristic's way takes whatever the size, beside HEURISTIC_MS_PER_BUFFER: GLPK loaded for
 * it, the first solves' start. Measured here: 8,000 buffers over three memories under --time-limit 1.2
 * ran the heuristic's way with ~0.85 s left for 0.68 s estimated, and ended at 1.50-1.58 s.
 */
export const HEURISTIC_FIXED_MS = 600;

/** What the heuristic's way is estimated to take at `n` buffers (ms): HEURISTIC_FIXED_MS + n x HEURISTIC_MS_PER_BUFFER. */
export const heuristicEstimateMs = (n: number): number => HEURISTIC_FIXED_MS + n * HEURISTIC_MS_PER_BUFFER;
/** Buffers below which the heuristic's way always runs (its rounds take a fraction of a second there). */
export const BANDS_MIN_BUFFERS = 4096;

/** 2. (asked first) Fit's case: two memories, on chip then an unbounded, dearer DDR; nothing pinned by name or aligned by memory. */
function isFitCase(problem: Problem, memories: readonly MemoryTier[], known: TiersKnown, tied: boolean): boolean {
  const k = memories.length;
  return known.spill !== undefined && !tied && k === 2 && memories[1]!.capacity === undefined && memories[0]!.cost < memories[1]!.cost && (memories[0]!.align ?? 1) === 1 && (memories[1]!.align ?? 1) === 1 && problem.buffers.every((b) => b.memories === undefined);
}

/**
 * 0. Whether the planner cuts one arena into bands (./bands.ts): outside fit's case (which keeps to the
 * limit on its own) and without gaps or aliases, from BANDS_MIN_BUFFERS buffers, when the time left
 * before `given` is below what the heuristic's way takes at this size (heuristicEstimateMs; 10^5
 * buffers over three memories took 2.8 x a 3 s limit), and bandsOpen. The clock decides this, so the
 * plan may then differ from one machine to another (the report says so).
 */
function bandsAhead(problem: Problem, memories: readonly MemoryTier[], given: Deadline, fitCase: boolean, tied: boolean): boolean {
  const n = problem.buffers.length;
  return !fitCase && !tied && n >= BANDS_MIN_BUFFERS && heuristicEstimateMs(n) > given.leftMs() && bandsOpen(problem, memories);
}

/**
 * Whether tiersPlanner(problem, memories, options, _, known) would, asked now, start by cutting one arena into
 * bands (bandsAhead): it then needs no GLPK, which planTiers does not load (its module and WASM: time the
 * limit counts). Memories are assumed valid (validateMemories).
 */
export function tiersTakeBands(problem: Problem, memories: readonly MemoryTier[], options: SolveOptions, known: TiersKnown): boolean {
  const tied = hasTies(problem);
  if (tied) return false;
  const given = options.deadline?.within(options.timeLimitMs ?? Infinity) ?? Deadline.in(options.timeLimitMs ?? 10_000);
  return bandsAhead(problem, memories, given, isFitCase(problem, memories, known, tied), tied);
}

/**
 * The end of a solve asked with `options`, as solve() takes them (`timeLimitMs` from now, or the deadline
 * when earlier), on the deadline's clock; undefined without either (no clock ends it).
 */
function solveEnd(options: SolveOptions): Deadline | undefined {
  if (options.deadline === undefined) return options.timeLimitMs === undefined ? undefined : Deadline.in(options.timeLimitMs);
  return options.deadline.within(options.timeLimitMs ?? Infinity);
}

/**
 * Why the clock ended some part of a solve that ended by `end` (solveEnd), or undefined when it did not:
 * solve() notes a phase the time limit left out or a decode it cut (a note naming the time limit), says
 * the clock stopped its local search or search (clockStopped), or came back at or after its end (so
 * anything else timed is caught too). Otherwise it ended by its budgets: the same on every machine.
 */
function clockEnded(result: SolveResult, end: Deadline | undefined): string | undefined {
  const note = (result.notes ?? []).find((line) => line.includes('time limit'));
  if (note !== undefined) return note;
  if (result.clockStopped === true) return 'a local search or the exact search stopped by the clock';
  return end !== undefined && end.passed() ? 'it ran until its time was up' : undefined;
}

/** Passes on the solves of `run` and returns its value; `ended(why)` for each solve the clock ended part of (clockEnded). */
function* watched<T>(run: Generator<SolveRequest, T, SolveResult>, ended: (why: string) => void): Generator<SolveRequest, T, SolveResult> {
  let step = run.next();
  while (!step.done) {
    const end = solveEnd(step.value.options);
    const result = yield step.value;
    const why = clockEnded(result, end);
    if (why !== undefined) ended(why);
    step = run.next(result);
  }
  return step.value;
}

/** The units in memory m, ascending. */
const unitsIn = (memory: readonly number[], m: number): number[] => memory.flatMap((x, u) => (x === m ? [u] : []));

/**
 * The tiers procedure for `problem` over `memories` (fastest first; checked by validateMemories).
 * Yields the solves it needs; returns the plan (throws an InputError for bad memories). `options`
 * are the user's (method, seed, ...); the procedure ends by `deadline` (the command's, on its clock:
 * every call with the same deadline shares it) or `timeLimitMs` from the call, whichever is earlier
 * (default 10 s). `exact`: GLPK's assignment (without it: the heuristic). `known`: see TiersKnown.
 */
export function* tiersPlanner(
  problem: Problem,
  memories: readonly MemoryTier[],
  options: SolveOptions = {},
  exact?: TierExact,
  known: TiersKnown = {},
): Generator<SolveRequest, TieredPlan, SolveResult> {
  validateMemories(problem, memories);
  const tied = hasTies(problem);
  if (tied) {
    const rectangles = mergeRectangles(problem);
    if (rectangles !== undefined) return yield* mergedTiers(problem, rectangles, memories, options, exact, known);
  }
  const t0 = now();
  const n = problem.buffers.length;
  // The end of the procedure: the command's deadline when there is one (its clock), else timeLimitMs
  // from now; less the time kept for the work after the search (FINISH_MS_PER_BUFFER).
  const given = options.deadline?.within(options.timeLimitMs ?? Infinity) ?? Deadline.in(options.timeLimitMs ?? 10_000);
  const deadline = given.before(Math.min(n * FINISH_MS_PER_BUFFER, given.leftMs() / 2));
  // What a solve or GLPK may take at most; the solves also end by the deadline (passed on in `options`).
  const left = (): number => Math.max(50, deadline.leftMs());
  options = { ...options, deadline };
  const limitCuts: string[] = [];
  const k = memories.length;
  const fitCase = isFitCase(problem, memories, known, tied);
  // 0. Outside fit's case (which keeps to the limit on its own), when the time left is below what the
  // heuristic's way takes at this size: one arena cut into the memories by address (bandsAhead).
  if (bandsAhead(problem, memories, given, fitCase, tied)) {
    const whole = yield { problem: { buffers: problem.buffers }, options: { ...options, method: 'greedy-size', deadline: given, validated: true } };
    const cut = `the time limit left too little for the heuristic over memories at ${n} buffers (about ${(heuristicEstimateMs(n) / 1000).toFixed(1)} s): one arena placed by ${whole.method}, cut into the memories by address`;
    // Buffers then move up into the faster memories in half the time left (the time kept for the end aside).
    const raiseEnd = deadline.share(0.5);
    const bands = bandsPlan(problem, memories, whole, cut, t0, () => raiseEnd.passed());
    if (bands !== undefined) return bands;
    // A bounded last memory that the top of the arena does not fit: the heuristic's way, in the time left.
    limitCuts.push(`the time limit left too little for the heuristic over memories at ${n} buffers, but one arena cut into the memories by address did not fit ${memories[k - 1]!.name}'s capacity: the heuristic ran in the time left`);
  }
  const inst = tierInstance(problem, memories);
  // GLPK cannot be stopped while it loads a model, and runs on past its own limit: on a large instance
  // its models alone take longer than any time limit (10^5 buffers: 6 s for the LP bound), so the
  // heuristic plans it alone (a count, not the clock: the same plan on every machine); below that
  // count, when they would take more than GLPK_SHARE of the time left (the report says so).
  if (exact !== undefined && glpkNonzeros(inst) > GLPK_TIERS_MAX_NONZEROS) exact = undefined;
  if (exact !== undefined && glpkNonzeros(inst) * GLPK_MS_PER_NONZERO > deadline.leftMs() * GLPK_SHARE) {
    exact = undefined;
    limitCuts.push(`GLPK's assignment and LP bound left out: its models (${glpkNonzeros(inst)} coefficients) would take longer than the time limit leaves`);
  }
  let bound = stepBound(inst);
  if (exact !== undefined && bound < Infinity) {
    const relaxed = exact.relaxed(inst, left() / 8);
    if (relaxed === undefined) limitCuts.push("GLPK's LP bound was left unfinished: its time ran out (the lower bound is the per-step one)");
    else bound = Math.max(bound, relaxed);
  }
  // The baseline may take BASELINE_SHARE of the time left (10^5 buffers: seconds); past it, none.
  const baseEnd = deadline.share(BASELINE_SHARE);
  const base = fillFastestFirstUntil(inst, () => baseEnd.passed());
  let baseline = base === 'cut' ? undefined : base;
  const cutNote = base === 'cut' ? { baselineCut: true as const } : {};
  let baselineCost = baseline === undefined ? Infinity : costOf(inst, baseline.unitMemory);
  /**
   * The baseline when the heuristic has no plan: the one computed, or, when the limit cut it, the
   * whole baseline now (a plan whenever it finds one, on any machine; past the limit if need be).
   */
  const fallback = (): BaselinePlan | undefined => {
    if (base === 'cut' && baseline === undefined) {
      baseline = fillFastestFirst(inst);
      if (baseline !== undefined) baselineCost = costOf(inst, baseline.unitMemory);
    }
    return baseline;
  };

  /** Memories whose placement the clock ended part of (said once each in limitCuts). */
  const clockPlaced = new Set<number>();
  /**
   * Places every memory's set (`round`: which assignment, for the notes); the results (undefined for an
   * empty memory) and the memories that did not fit. A placement the clock ended part of is said in limitCuts.
   */
  function* place(memory: readonly number[], round: number, share = 2 * k): Generator<SolveRequest, { results: (SolveResult | undefined)[]; failed: number[] }, SolveResult> {
    const results: (SolveResult | undefined)[] = [];
    for (let m = 0; m < k; m++) {
      const idx = buffersIn(inst, memory, m);
      // A read-only memory plans no arena: its buffers stay where they are.
      if (idx.length === 0 || memories[m]!.readOnly === true) {
        results.push(undefined);
        continue;
      }
      // validateMemories checked the problem and the memories: the sub-problems are valid (alignments the memory's).
      const request: SolveRequest = { problem: memoryProblem(inst, m, idx), options: { ...options, validated: true, timeLimitMs: left() / share } };
      const end = solveEnd(request.options);
      const result = yield request;
      const why = clockEnded(result, end);
      if (why !== undefined && !clockPlaced.has(m)) {
        clockPlaced.add(m);
        limitCuts.push(`the time limit ended part of the placement of ${idx.length === n && n > 1 ? 'every buffer' : plural(idx.length, 'buffer')} in ${memories[m]!.name} (round ${round}: ${why})`);
      }
      results.push(result);
    }
    return { results, failed: results.flatMap((r, m) => (r !== undefined && r.fits === false ? [m] : [])) };
  }

  const failure = (status: 'infeasible' | 'unknown', why: string, rounds: number, how: TiersHow = exact !== undefined ? 'glpk' : 'greedy'): TieredPlan => ({
    memories: [...memories],
    memory: [],
    offsets: [],
    usage: memories.map((mem) => ({ name: mem.name, ...(mem.capacity !== undefined ? { capacity: mem.capacity } : {}), cost: mem.cost, used: 0, bound: 0, method: '-', buffers: 0, bytes: 0, traffic: 0 })),
    cost: Infinity,
    bound: status === 'infeasible' ? Infinity : bound,
    gap: Infinity,
    status,
    how,
    rounds,
    baselineCost,
    ...cutNote,
    ...(limitCuts.length > 0 ? { limitCuts } : {}),
    failure: why,
    unplaced: {
      allowed: inst.unitOf.map((u) => memories.flatMap((_, m) => (inst.allowed[u]![m] ? [m] : []))),
      reason: inst.unitOf.map((u) => (alone !== undefined && alone.unit === u ? alone.reason : undefined)),
    },
    timeMs: now() - t0,
  });
  // A buffer larger than every memory it may use, or a step over all of them together: named before any search.
  const alone = unitTooLarge(inst);
  const certain = tiersInfeasibility(inst);
  if (certain !== undefined) return failure('infeasible', certain, 0, 'checked');

  /** A read-only memory's row: no arena (offsets 0, not planned); its buffers are read in place. */
  const readOnlyPlaced = (idx: readonly number[]): { method: string; bound: number; peak: number } => ({ method: idx.length > 0 ? 'in place' : '-', bound: 0, peak: 0 });

  /** The plan from each unit's memory, each buffer's offset there and the memories' placements, checked by the verifier. */
  const finish = (unitMemory: number[], offsets: number[], placed: { method: string; bound: number; peak: number }[], how: TiersHow, rounds: number, cut?: string): TieredPlan => {
    let cost = costOf(inst, unitMemory);
    if (baseline !== undefined && (baselineCost < cost || how === 'fill-fastest-first')) {
      // The baseline found a cheaper plan (or the only one): take it; it is checked like any other.
      unitMemory = baseline.unitMemory;
      offsets = baseline.offsets;
      cost = baselineCost;
      how = 'fill-fastest-first';
      placed = memories.map((_, m) => {
        const idx = buffersIn(inst, unitMemory, m);
        const sub = memoryProblem(inst, m, idx);
        if (memories[m]!.readOnly === true) return readOnlyPlaced(idx);
        return { method: 'fill-fastest-first', bound: liveBound(sub), peak: maxOf(idx.map((i) => offsets[i]! + problem.buffers[i]!.size), 0) };
      });
    }
    // `cut`: what the limit cut in making this plan; said too when the baseline cost less and is kept
    // (the heuristic's plan, not cut, might have cost less still: the clock decided).
    const cuts = cut === undefined ? limitCuts : [...limitCuts, how === 'fill-fastest-first' ? `${cut}; the fill-fastest-first baseline cost less and was kept` : cut];
    const memory = bufferMemory(inst, unitMemory);
    const verdict = verifyTieredPlan(problem, memories, memory, offsets, placed.map((p) => p.peak));
    if (!verdict.valid) throw new Error(`internal error: the tiered plan is invalid:\n  ${verdict.errors.join('\n  ')}`);
    const proven = cost <= bound * (1 + 1e-12) + 1e-9;
    if (proven) bound = Math.min(bound, cost);
    const readOnly = memories.some((mem) => mem.readOnly === true);
    const copyIn = problem.buffers.reduce((s, b, i) => s + (inst.allowed[inst.unitOf[i]!]!.some((a, m) => a && memories[m]!.readOnly === true) && memories[memory[i]!]!.readOnly !== true ? b.size : 0), 0);
    return {
      memories: [...memories],
      memory,
      offsets,
      usage: memories.map((mem, m) => {
        const idx = buffersIn(inst, unitMemory, m);
        return {
          name: mem.name,
          ...(mem.capacity !== undefined ? { capacity: mem.capacity } : {}),
          cost: mem.cost,
          used: placed[m]!.peak,
          bound: placed[m]!.bound,
          method: placed[m]!.method,
          buffers: idx.length,
          bytes: idx.reduce((s, i) => s + problem.buffers[i]!.size, 0),
          traffic: idx.reduce((s, i) => s + (problem.buffers[i]!.weight ?? problem.buffers[i]!.size), 0),
        };
      }),
      cost,
      bound,
      gap: proven ? 0 : bound > 0 ? (cost - bound) / bound : Infinity,
      status: proven ? 'optimal' : 'feasible',
      how,
      rounds,
      baselineCost,
      ...cutNote,
      ...(cuts.length > 0 ? { limitCuts: cuts } : {}),
      ...(readOnly ? { copyInBytes: copyIn } : {}),
      timeMs: now() - t0,
    };
  };

  /** finish() from placement results. */
  const fromResults = (memory: number[], results: readonly (SolveResult | undefined)[], how: TiersHow, rounds: number): TieredPlan => {
    const offsets = new Array<number>(n).fill(0);
    const placed = memories.map((_, m) => {
      const r = results[m];
      const idx = buffersIn(inst, memory, m);
      if (memories[m]!.readOnly === true) return readOnlyPlaced(idx);
      idx.forEach((i, j) => (offsets[i] = r!.offsets[j]!));
      return { method: r?.method ?? '-', bound: r?.bound ?? 0, peak: r?.peak ?? 0 };
    });
    return finish(memory, offsets, placed, how, rounds);
  };

  // 1. Everything in the first memory, when it is the cheapest and every buffer may live there. Outside fit's
  // case (which reports the lowest peak of that solve) not when the live bound is above its capacity: no plan
  // of them all fits it then, and the solve would only say so (10^5 buffers: ~1.5 s of the time limit).
  const firstCapacity = memories[0]!.capacity;
  const firstHopeless = !fitCase && firstCapacity !== undefined && liveBound(problem) > firstCapacity;
  const firstCheapest = known.firstFails !== true && !firstHopeless && inst.cost.every((c) => c >= inst.cost[0]!) && inst.allowed.every((a) => a[0]);
  let whole: SolveResult | undefined;
  if (firstCheapest) {
    // Every buffer in one arena: the solve --capacity runs first (all the time there is, as there).
    const all = inst.units.map(() => 0);
    const { results, failed } = yield* place(all, 1, 1);
    if (failed.length === 0) return fromResults(all, results, 'all-first', 1);
    whole = results[0];
  }

  // 2. Fit's case (fitCase above).
  if (fitCase && whole !== undefined && known.spill !== undefined) {
    let spillClock: string | undefined;
    const plan = yield* watched(known.spill({ buffers: problem.buffers, capacity: memories[0]!.capacity! }, memories[0]!.capacity!, whole, { ...options, timeLimitMs: left() }), (why) => (spillClock ??= why));
    if (spillClock !== undefined) limitCuts.push(`the time limit ended part of a placement of the spill procedure (${spillClock})`);
    if (plan.spill?.fallback === 'time') limitCuts.push('the spill procedure\'s choice search was stopped by the time limit: its greedy fallback chose what stays in the first memory');
    if (plan.spill?.greedyCut === true) limitCuts.push('the spill procedure\'s greedy fallback was cut by the time limit: every buffer above the capacity went to the second memory at once');
    if (plan.spill === undefined) return failure(plan.spillFailure?.startsWith('even') ? 'infeasible' : 'unknown', plan.spillFailure ?? 'no plan', 1);
    const memory = plan.spill.memory.map((x) => (x === 'chip' ? 0 : 1));
    if (plan.spill.choice === 'optimal') bound = Math.max(bound, costOf(inst, memory));
    const ddr = unitsIn(memory, 1);
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

  // 3. GLPK's assignment, each memory placed; cuts for the sets that do not place (up to GLPK_MIP_MAX_UNITS units).
  let rounds = 0;
  if (exact !== undefined && inst.units.length <= GLPK_MIP_MAX_UNITS) {
    const cuts: TierCut[] = [];
    let provenCuts = true;
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      rounds = round;
      // Most of the time goes to the assignment: placements mostly end by their budgets, not the clock.
      const glpkMs = left() * 0.6;
      const choice = exact.choose(inst, cuts, glpkMs);
      if (choice.outcome === 'infeasible') {
        if (provenCuts) return failure('infeasible', round === 1 ? 'no assignment of the buffers fits the memories\' capacities at every step' : 'no assignment left places in every memory (each was proven not to)', round);
        break;
      }
      if (choice.outcome !== 'optimal' || choice.memory === undefined) {
        // GLPK stopped at its time limit: what it has then depends on the machine's speed, so it is set
        // aside, and the heuristic (budgets of work, the same plan on every machine) plans instead.
        const had = choice.memory !== undefined ? 'an assignment not proven the least cost, set aside' : 'no assignment';
        limitCuts.push(`GLPK's assignment (round ${round}) stopped at its time limit (${(glpkMs / 1000).toFixed(1)} s) with ${had}: the heuristic planned`);
        break;
      }
      if (choice.outcome === 'optimal' && provenCuts) bound = Math.max(bound, choice.cost);
      const { results, failed } = yield* place(choice.memory, round);
      if (failed.length === 0) return fromResults(choice.memory, results, 'glpk', round);
      for (const m of failed) {
        cuts.push({ memory: m, units: unitsIn(choice.memory, m) });
        if (results[m]!.status !== 'infeasible') provenCuts = false;
      }
      if (deadline.passed()) {
        limitCuts.push(`the time limit ended GLPK's rounds after round ${round} (its assignment did not place in every memory): the heuristic planned`);
        break;
      }
    }
  }

  // 4. The heuristic: greedy by traffic per byte, local search, then move buffers above a capacity down a tier until every memory places.
  const memory = greedyByDensity(inst);
  if (memory === undefined) {
    const only = fallback();
    if (only !== undefined) return finish(only.unitMemory, only.offsets, [], 'fill-fastest-first', rounds);
    return failure('unknown', 'no assignment found that fits the memories\' capacities at every step', rounds);
  }
  const improveEnd = deadline.share(IMPROVE_SHARE);
  if (improveAssignment(inst, memory, undefined, () => improveEnd.passed()) === 'cut') {
    limitCuts.push('the local search over memories (moves and swaps) stopped early: the time limit was reached');
  }
  /**
   * The end of the rounds when the time limit has come, or what is left of it is less than a round
   * takes, and some memories did not place (`failed`; `when` says which, the note's start):
   * each failed memory keeps the buffers of this round's placement that lie within its capacity, at
   * their offsets (a part of a valid placement is one), and the buffers above it go to the last memory,
   * first fit among the buffers placed there (firstFitInto): a valid plan at the cost of one
   * pass, where more rounds (each places every memory again: ~1.5 s at 10^5 buffers) would run past
   * the limit. Undefined when that is not open: the last memory read-only, or bounded and not holding
   * them within its capacity, gaps or aliases
   * (units of several buffers), or a buffer to move that is pinned or may not live there; the rounds
   * then go on (demoting every buffer above a capacity at once, as before), unless the baseline has a
   * plan: the best verified plan there is, taken then (said in limitCuts).
   */
  const closeInLast = (unitMemory: number[], results: readonly (SolveResult | undefined)[], failed: readonly number[], when: string): TieredPlan | undefined => {
    const last = k - 1;
    if (tied || memories[last]!.readOnly === true) return undefined;
    const offsets = new Array<number>(n).fill(0);
    const kept: number[][] = [];
    const moved: number[] = [];
    for (let m = 0; m < k; m++) {
      const idx = buffersIn(inst, unitMemory, m);
      const r = results[m];
      if (r !== undefined) idx.forEach((i, j) => (offsets[i] = r.offsets[j]!));
      if (!failed.includes(m)) {
        kept.push(idx);
        continue;
      }
      // A failed memory keeps its buffers within the capacity; those above it move.
      const cap = memories[m]!.capacity!;
      const within: number[] = [];
      for (const i of idx) (offsets[i]! + problem.buffers[i]!.size <= cap ? within : moved).push(i);
      kept.push(within);
    }
    if (moved.some((i) => inst.pinned[inst.unitOf[i]!] || !inst.allowed[inst.unitOf[i]!]![last])) return undefined;
    const memory = unitMemory.slice();
    for (const i of moved) memory[inst.unitOf[i]!] = last;
    const lastPeak = firstFitInto(inst, last, kept[last]!, moved, offsets);
    // A bounded last memory must hold them all (else the rounds go on).
    if (lastPeak > (memories[last]!.capacity ?? Infinity)) return undefined;
    const placed = memories.map((mem, m) => {
      const r = results[m];
      if (mem.readOnly === true) return readOnlyPlaced(kept[m]!);
      if (m === last) {
        // The bound of what was placed there still holds for more buffers; the live bound of them all may be higher.
        const all = buffersIn(inst, memory, m);
        return { method: moved.length > 0 ? `${r?.method ?? '-'} + first fit` : r?.method ?? '-', bound: Math.max(r?.bound ?? 0, liveBound(memoryProblem(inst, m, all))), peak: lastPeak };
      }
      if (!failed.includes(m)) return { method: r?.method ?? '-', bound: r?.bound ?? 0, peak: r?.peak ?? 0 };
      // Fewer buffers than the placement's: its bound no longer holds; theirs does.
      return { method: r!.method, bound: liveBound(memoryProblem(inst, m, kept[m]!)), peak: maxOf(kept[m]!.map((i) => offsets[i]! + problem.buffers[i]!.size), 0) };
    });
    const names = failed.map((m) => memories[m]!.name);
    const where = names.length === 1 ? `${names[0]}'s capacity` : `the capacities of ${names.join(' and ')}`;
    return finish(memory, offsets, placed, 'greedy', rounds, `${when}: ${moved.length === 1 ? 'the buffer' : `the ${moved.length} buffers`} above ${where} went to ${memories[last]!.name}, placed first fit among those there`);
  };

  for (;;) {
    rounds++;
    const roundStart = deadline.now();
    const { results, failed } = yield* place(memory, rounds);
    if (failed.length === 0) return fromResults(memory, results, 'greedy', rounds);
    // A hard end: the deadline has come, or what is left of it is less than this round took (the next
    // one, placing every memory again, would end past it).
    const roundMs = deadline.now() - roundStart;
    if (deadline.passed() || deadline.leftMs() < roundMs) {
      const when = deadline.passed()
        ? 'the time limit came before every memory placed'
        : `the time limit left less than a round of placements takes (${(roundMs / 1000).toFixed(2)} s) before every memory placed`;
      const closed = closeInLast(memory, results, failed, when);
      if (closed !== undefined) return closed;
      // Not open (see closeInLast): the best verified plan there is, the baseline's, when it has one.
      if (baseline !== undefined) {
        limitCuts.push(`${when}: the fill-fastest-first baseline's plan, as the buffers above a capacity could not all go to the last memory`);
        return finish(baseline.unitMemory, baseline.offsets, [], 'fill-fastest-first', rounds);
      }
    }
    let moved = false;
    for (const m of failed) {
      const r = results[m]!;
      const cap = memories[m]!.capacity!;
      const idx = buffersIn(inst, memory, m);
      const movable = (u: number): boolean => !inst.pinned[u] && inst.allowed[u]!.some((a, to) => a && (to > m || memories[to]!.readOnly === true));
      // The units with a buffer above the capacity (each once, ascending).
      const above = [...new Set(idx.filter((i, j) => r.offsets[j]! + problem.buffers[i]!.size > cap).map((i) => inst.unitOf[i]!))].sort((x, y) => x - y).filter(movable);
      const pool = above.length > 0 ? above : unitsIn(memory, m).filter(movable);
      if (pool.length === 0) continue;
      const rate = (u: number): number => inst.weight[u]! / inst.size[u]!;
      // One at a time within a budget of work (ONE_AT_A_TIME_PLACEMENTS: the same rounds on every machine),
      // or, should the time limit come first, until then; after it every one above the capacity at once (always ends).
      const budgetSpent = rounds * n > ONE_AT_A_TIME_PLACEMENTS;
      const atOnce = (budgetSpent || deadline.passed()) && above.length > 0;
      if (atOnce && !budgetSpent && !limitCuts.includes(DEMOTED_AT_ONCE)) limitCuts.push(DEMOTED_AT_ONCE);
      const batch = atOnce ? above : [pool.reduce((a, b) => (rate(b) < rate(a) ? b : a))];
      moved = demoteAll(inst, memory, batch) || moved;
    }
    if (!moved) {
      const only = fallback();
      if (only !== undefined) return finish(only.unitMemory, only.offsets, [], 'fill-fastest-first', rounds);
      return failure('unknown', 'no plan found that places every memory\'s buffers within its capacity', rounds);
    }
  }
}

/**
 * tiersPlanner on a problem with gaps or aliases whose blocks are all rectangles (src/solve/rectangles.ts):
 * the same planner on one buffer per block — its weight the sum of its members' (each one's traffic), its
 * memories those every member may use and whose alignment every member's offset from the base keeps —
 * so GLPK's rows, the bounds, fit's case (the spill procedure, as `--capacity` takes it) and the baseline
 * are those of plain buffers, and what they prove holds for the blocks. Every member lives where its block
 * went, at its block's base plus its offset from it; the plan is checked by verifyTieredPlan on the tied
 * problem (its aliases included).
 */
function* mergedTiers(problem: Problem, m: MergedRectangles, memories: readonly MemoryTier[], options: SolveOptions, exact: TierExact | undefined, known: TiersKnown): Generator<SolveRequest, TieredPlan, SolveResult> {
  const bs = problem.buffers;
  const merged: Problem = {
    buffers: m.merged.buffers.map((b, k) => {
      const block = m.blocks[k]!;
      const keeps = (mem: MemoryTier): boolean => block.members.every((x) => x.delta % (mem.align ?? 1) === 0);
      const out = { ...b, weight: block.members.reduce((s, x) => s + (bs[x.index]!.weight ?? bs[x.index]!.size), 0) };
      if (memories.every(keeps)) return out;
      // validateMemories made sure some memory keeps them all.
      const names = (b.memories ?? memories.filter((mem) => mem.readOnly !== true).map((mem) => mem.name)).filter((name) => keeps(memories.find((mem) => mem.name === name)!));
      return { ...out, memories: names };
    }),
  };
  const plan = yield* tiersPlanner(merged, memories, options, exact, known);
  if (plan.memory.length === 0) return plan;
  const blockOf = blockIndexOf(problem, m);
  const memory = bs.map((_, i) => plan.memory[blockOf[i]!]!);
  const { offsets } = spreadOffsets(problem, m, plan.offsets);
  const verdict = verifyTieredPlan(problem, memories, memory, offsets, plan.usage.map((u) => u.used));
  if (!verdict.valid) throw new Error(`internal error: the tiered plan of merged blocks is invalid:\n  ${verdict.errors.join('\n  ')}`);
  const usage = plan.usage.map((u, k) => {
    const idx = bs.flatMap((_, i) => (memory[i] === k ? [i] : []));
    return { ...u, buffers: idx.length, bytes: idx.reduce((s, i) => s + bs[i]!.size, 0) };
  });
  return { ...plan, memory, offsets, usage };
}
