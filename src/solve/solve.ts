import { bounds } from '../problem/bounds.js';
import { planGranularity, roundUpToGranularity } from '../problem/granularity.js';
import type { MethodResult, Plan, PlanStatus, Problem } from '../problem/types.js';
import { InputError } from '../problem/errors.js';
import { blocksOf, hasTies } from '../problem/relative.js';
import { validateCapacity, validateProblem } from '../problem/validate.js';
import { verifyPlan } from '../problem/verify.js';
import { partsToSolve, solveInParts, type PartSummary } from './decompose.js';
import { HEURISTIC_ORDER, KERNELS, isMethodName, isPortfolio, type MethodName, type Portfolio } from './methods.js';
import { Deadline, defaultTimeLimitMs, lowestPeakDeadline, type Clock } from './deadline.js';
import { scaleLimit } from './scale.js';
import { BLOCKS_MAX_RECTS, envelopeOf, fromBases, placeBlocks, solveBlocks } from './blocks.js';
import { mergeRectangles, spreadOffsets, type MergedRectangles } from './rectangles.js';
import { BLOCKS_EXACT_MAX_RECTS, DEFAULT_BLOCK_NODES, DEFAULT_BLOCK_WORK, searchBlocks } from './blocks-exact.js';
import { DEFAULT_MAX_PAIRS, Engine, type DecodeKernel, type SearchOutcome, type SearchProgress } from './wasm/engine.js';
import { resolveSwitches, type SearchSwitches } from './switches.js';
import { subInstanceBound } from './sub-bound.js';
import { plural } from '../format/plural.js';

export interface SolveOptions {
  /** A portfolio (`auto` default, `heuristic`, `search`, `exact`) or one method by name. */
  method?: MethodName | Portfolio;
  /**
   * Wall-clock cap of the whole solve, milliseconds (default 10000; 60000 for `exact`). The move and
   * node budgets normally end a solve first, which keeps plans deterministic; when the cap ends it
   * instead, the plan depends on the machine's speed.
   */
  timeLimitMs?: number;
  /**
   * Seed of the local search (default 1), an integer from 0 to MAX_SEED (2^32 - 1: its generator takes
   * 32 bits). Same seed, same plan. Any other value throws a RangeError (checkSeed).
   */
  seed?: number;
  /**
   * Moves the local search tries at most (default 20000, with a budget of work that ends it sooner
   * where moves are costly; giving `iterations`, even 20000, removes that work budget). When the
   * problem is split in time (`split`), it applies to each part's solve, not to the whole.
   */
  iterations?: number;
  /**
   * Nodes the exact search explores at most (default 500000 for `auto` and `search`, with a budget of
   * work that ends it sooner where nodes are costly; giving `maxNodes` removes that work budget; no
   * limit for `exact`). When the problem is split in time (`split`), it applies to each part's solve
   * (and to each of pass 2's solves), so the whole may explore up to it times the solves made.
   */
  maxNodes?: number;
  /**
   * Whether `auto`, `search` and `exact` first split the problem at the steps no buffer crosses and
   * solve the parts apart (default true; src/solve/decompose.ts). false solves it as one piece.
   */
  split?: boolean;
  /**
   * Called when the solve starts and at each change of phase (heuristics, local search, search), then
   * about every PROGRESS_EVERY_MS of the local search and every few thousand nodes of the search.
   * Nothing the callback does changes the plan.
   */
  onProgress?: (p: SolveProgress) => void;
  /**
   * The end of the whole command this solve is a phase of (with `timeLimitMs`, the earlier one
   * counts), and the clock every time check reads. The CLI makes one when it starts and hands what is
   * left to each phase. It does not cross to a worker: createSolver() sends the milliseconds left
   * when the call starts, as `timeLimitMs`.
   */
  deadline?: Deadline;
  /**
   * Pairs of buffers overlapping in time up to which the engine keeps them in memory (8 bytes a pair;
   * default 2^24, 128 MiB). Past it the heuristics run from sorted views in O(n) memory, with the
   * same plans, and the exact search is left out (a note says so).
   */
  maxPairs?: number;
  /**
   * The exact search's techniques, each a named switch (src/solve/switches.ts; all on by default, which
   * is the search as it always ran). Off, a switch makes the search slower, never wrong: for ablations.
   * Throws a RangeError on an empty or unknown list of static orders.
   */
  switches?: Partial<SearchSwitches>;
  /**
   * The caller has checked this very problem with validateProblem and not changed it since, but for
   * its capacity (checked here again): solve() then skips its own validateProblem (about a second at
   * a million buffers; the CLI's readProblem validates what it reads). It holds for the problem given,
   * not for the problems solve() makes of it (parts, rectangles), which it checks as always.
   */
  validated?: boolean;
  /**
   * When the plan found does not meet the bound, the time left goes to the sub-instance bound
   * (src/solve/sub-bound.ts, its default node budgets) to raise the bound: the proven optimum of the
   * buffers live in a window around the heaviest steps. Default false: on MiniMalloc's challenging
   * instances it never beat the live bound, at seconds a problem (see the README's benchmarks).
   */
  subInstanceBound?: boolean;
}

/** What a running solve is doing: the single-shot heuristics, the local search, or the exact search. */
export type SolvePhase = 'heuristics' | 'local search' | 'search';

/**
 * One progress report of a solve: its phase, milliseconds since the solve started (`elapsedMs`), the
 * search's nodes so far (0 before it), the best peak found so far (bytes) and the lower bound.
 */
export interface SolveProgress extends SearchProgress {
  phase: SolvePhase;
  bound: number;
}

/** The local search reports at most this often (ms). */
export const PROGRESS_EVERY_MS = 100;

/** A plan together with what was tried and what is proven. */
export interface SolveResult extends Plan {
  /** Max over steps of the bytes live at that step. */
  liveBound: number;
  /** The largest single buffer. */
  largest: number;
  /** Each method that ran: its peak and time. */
  methods: MethodResult[];
  /** What proves the bound (and so the status). */
  proof: string;
  /** Whether the plan fits the problem's capacity; absent without a capacity. */
  fits?: boolean;
  /** Nodes the exact search explored, when it ran. */
  searchNodes?: number;
  /**
   * What was left out or cut short, and why: methods that do not scale to the problem's size, and
   * phases the time limit ended before they started. Absent when nothing was.
   */
  notes?: string[];
  /**
   * Set when the clock (the time limit or a deadline) stopped a local search or the exact search before
   * its budgets of moves, nodes and work did: the plan may then differ from one machine to another (the
   * tiers planner says so). A phase the clock left out, or a decode it cut, is a note instead.
   */
  clockStopped?: true;
  /** Wall time of the whole solve, milliseconds. */
  timeMs: number;
  /** When the problem was split in time and solved part by part (src/solve/decompose.ts): each part. */
  parts?: PartSummary[];
}

let engine: Engine | undefined;

/** The exact search's default node budget in `auto` and `search`: about a second on 200 buffers. */
const DEFAULT_MAX_NODES = 500_000;
/**
 * Default budgets of work (elementary steps, counted the same on every machine) that go with the
 * default move and node budgets: on problems whose moves or nodes are costly they end the local search
 * (at most ~1.5 s on the 2-core machine the README's figures come from, ~2.5 s with both cores busy)
 * and the exact search (~3 s, ~5 s busy) well before the default 10 s cap would, so the plan does not
 * depend on the machine or on how many solves share it (`--jobs`). An explicit `iterations` or
 * `maxNodes` lifts the matching one.
 */
const DEFAULT_LS_WORK = 150e6;
const DEFAULT_SEARCH_WORK = 1500e6;
/**
 * Bytes of the exact search's memory up to which a unit of its work costs what it cost on the problems
 * DEFAULT_SEARCH_WORK was set on (~2.2 ns here: MiniMalloc's instances, the model corpus): searchUnitCost.
 */
const SEARCH_CACHED_BYTES = 256 * 1024;

/**
 * What a unit of the exact search's work costs on a problem of `buffers` buffers with `pairs` pairs of
 * them overlapping in time, as a multiple of its cost on the problems DEFAULT_SEARCH_WORK was set on:
 * 1 while the search's memory (8 bytes a pair, 64 a buffer) is at most SEARCH_CACHED_BYTES, then one
 * more for each doubling (a node reads every buffer of its part, out of cache on larger problems). The
 * default work budget is divided by it, so that the budget, not the clock, ends the search there too:
 * the same plan on every machine. Depends on the input alone. Measured here (ns a unit, 2 cores, a
 * helper running): MiniMalloc's A, D, K 2.1-2.5 (cost 1); 700-3,000 buffers with ~200-250 pairs each
 * 5.8-9.7, i.e. 2.5-4.2 times that (modelled 3.2-5.6); 5,000-10,000 buffers with 30-100 pairs each
 * 10.3-12.0, 4.5-5.2 times (modelled 4.3-5.1). Before
 * it, 2,000 buffers live within 60 steps searched 8 s, until the 10 s clock (issue #10: a different plan
 * each run and with --jobs).
 */
export function searchUnitCost(buffers: number, pairs: number): number {
  const bytes = 8 * pairs + 64 * buffers;
  return bytes <= SEARCH_CACHED_BYTES ? 1 : 1 + Math.log2(bytes / SEARCH_CACHED_BYTES);
}

/**
 * The local search is left out when one move may cost more than this share of its work budget (a
 * move re-places up to the whole order): it could try only a handful of moves. Deterministic: the
 * cost is the greedy decode's work, counted by the engine.
 */
const LS_MIN_MOVES = 20;

/**
 * The time the end of a command takes (the verifier's sweep, the report's), as a multiple of the time
 * from the solve's start to its first heuristic (the bounds' sweep, loading the engine: passes over the
 * buffers as those are): a decode cut by the time limit stops that long before the end. Measured at
 * 10^6 buffers (`npm run bench -- scale`, bench/scale-case.ts's phases): bounds and load ~1.3 s, the
 * verifier and the report ~1.1 s; the spill phase after them (a good plan: few buffers to spill) ~1.5 s.
 */
const FINISH_PER_PREP = 1;
/**
 * How much longer the end is when the spill phase follows (FINISH_PER_PREP times this). Measured at
 * 10^6 buffers under a capacity of 80% of the live bound (`npm run bench -- limits`, node --cpu-prof):
 * bounds and load 1.2 s; after the decode, the verifier 0.9 s, the spill phase 2.4 s (its verifier
 * 1.0 s, the kept part's bounds 0.7 s, the DDR arena's solve) and the report 0.7 s: 4.0 s, so 4 (it
 * was 2: the command ended ~2 s past its limit).
 */
const SPILL_FINISH_FACTOR = 4;

const isDecodeKernel = (k: string): k is DecodeKernel => k === 'inorder' || k === 'greedySize' || k === 'greedyConflicts';

const performanceClock: Clock = () => performance.now();

/** The time limit of a solve that gives none (ms): 60 s for `exact`, else 10 s. */
export { defaultTimeLimitMs } from './deadline.js';

/** Labels a plan by what is proven about it. */
export function statusOf(peak: number, bound: number, capacity?: number): PlanStatus {
  if (capacity !== undefined) {
    if (bound > capacity) return 'infeasible';
    if (peak > capacity) return 'unknown';
  }
  return peak === bound ? 'optimal' : 'feasible';
}

interface Best {
  offsets: number[];
  peak: number;
  method: string;
}

/** The largest seed of the local search: its generator takes a 32-bit unsigned seed (a larger one would be cut to 32 bits). */
export const MAX_SEED = 2 ** 32 - 1;

/**
 * Checks a solve's seed (undefined: the default, 1): an integer from 0 to MAX_SEED, as `--seed` takes.
 * Throws a RangeError naming the value otherwise (1.5, -1, 2^32, NaN, a string would be cut or
 * turned into another seed by the generator, giving a plan that no other seed names).
 */
export function checkSeed(seed: unknown): void {
  if (seed === undefined) return;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    const shown = typeof seed === 'string' ? JSON.stringify(seed) : String(seed);
    throw new RangeError(`solve(): seed must be an integer from 0 to ${MAX_SEED} (the local search's generator takes 32 bits), not ${shown}`);
  }
}

/**
 * Plans a problem: validates it, runs the chosen methods in WASM, keeps the lowest peak, checks
 * the plan with the independent verifier and labels it: optimal when it meets the live bound or the
 * exact search exhausted everything below it; infeasible when nothing fits the capacity (proven).
 * The portfolios that search (`auto`, `search`, `exact`) first split the problem at the steps no
 * buffer crosses and solve the parts apart (src/solve/decompose.ts). Throws an InputError on a problem
 * that is not valid (validateProblem), a RangeError on a seed outside 0..MAX_SEED (checkSeed).
 */
export function solve(problem: Problem, options: SolveOptions = {}): SolveResult {
  return solveWithSearch(problem, options, inlineSearch);
}

/**
 * How the exact search runs on a loaded engine: Engine.search's arguments, its outcome. The same
 * outcome, run for run, whoever drives the restarts (inline here; raced by workers in src/worker/race.ts).
 */
export type ExactSearch = (
  eng: Engine,
  cap: number,
  target: number,
  more: (p: SearchProgress) => boolean,
  maxNodes: number,
  maxWork: number,
  switches: Readonly<SearchSwitches>,
) => SearchOutcome;

/** The exact search run by the engine itself, one run after another. */
export const inlineSearch: ExactSearch = (eng, cap, target, more, maxNodes, maxWork, switches) => eng.search(cap, target, more, maxNodes, maxWork, switches);

/**
 * solve() with the exact search of a problem not split in time run by `search` (a problem split in
 * time, or planned through blocks, searches inline). Internal: the workers' racing uses it.
 */
export function solveWithSearch(problem: Problem, options: SolveOptions, search: ExactSearch): SolveResult {
  checkSeed(options.seed);
  if (options.validated === true) validateCapacity(problem);
  else validateProblem(problem);
  // `validated` stands for `problem` alone: the problems made of it below are checked as always.
  const { validated: _v, ...inner } = options;
  const parts = partsToSolve(problem, inner, true);
  if (parts === undefined) return solveWhole(problem, inner, true, search);
  // The report's rows solve `problem` itself (validated above); the parts are problems of their own.
  return solveInParts(problem, parts, inner, (p, o) => solveWhole(p, o, p === problem), finishPlan);
}

/** solve() on the problem as one piece; `validated`: the caller has validated it (a million buffers: ~1 s saved). */
function solveWhole(problem: Problem, options: SolveOptions, validated = false, search: ExactSearch = inlineSearch): SolveResult {
  const clock = options.deadline?.clock ?? performanceClock;
  const now = clock;
  const t0 = now();
  if (!validated) validateProblem(problem);
  const method = options.method ?? 'auto';
  if (!isPortfolio(method) && !isMethodName(method)) throw new Error(`unknown method "${String(method)}"`);
  // Given a deadline and no time limit, the deadline alone ends the solve (the CLI's --time-limit).
  const timeLimitMs = options.timeLimitMs ?? (options.deadline !== undefined ? Infinity : defaultTimeLimitMs(method));
  const maxNodes = options.maxNodes ?? (method === 'exact' ? Infinity : DEFAULT_MAX_NODES);
  // One end for every phase below: the time limit from now, or the command's deadline if earlier.
  const end = new Deadline(Math.min(t0 + timeLimitMs, options.deadline?.endMs ?? Infinity), clock);
  const seed = options.seed ?? 1;
  const iterations = options.iterations ?? 20000;
  const lsWork = options.iterations === undefined ? DEFAULT_LS_WORK : Infinity;
  // (Divided by what a unit costs on this problem, once the engine has it loaded: searchUnitCost.)
  let searchWork = options.maxNodes === undefined && method !== 'exact' ? DEFAULT_SEARCH_WORK : Infinity;
  const cheap = bounds(problem);
  const { live, largest } = cheap;
  let bound = cheap.bound;
  let proof: string = cheap.proof;
  const capacity = problem.capacity;
  const notes: string[] = [];
  const switches = resolveSwitches(options.switches);
  if (hasTies(problem)) return solveTied(problem, options, { bound, proof, live, largest }, end, t0, clock);

  engine ??= new Engine();
  const eng = engine;
  const maxPairs = options.maxPairs ?? DEFAULT_MAX_PAIRS;
  eng.load(problem, maxPairs);
  searchWork /= searchUnitCost(problem.buffers.length, eng.conflictPairs());
  const methods: MethodResult[] = [];
  let best: Best | undefined;
  /** Whether the local search waits for the search (switches.searchFirst). */
  let lsAfterSearch = false;
  /** Work of one greedy decode of the whole order (see LS_MIN_MOVES), once greedy-size has run. */
  let decodeWork: number | undefined;
  /** Wall time greedy-size took (ms), once it has run: what another single-shot heuristic may cost. */
  let greedyMs: number | undefined;
  const keep = (name: string, res: { offsets: number[]; peak: number }, t: number): void => {
    methods.push({ method: name, peak: res.peak, timeMs: now() - t });
    if (best === undefined || res.peak < best.peak) best = { offsets: res.offsets, peak: res.peak, method: name };
  };
  /** Set when the time limit cut a decode short: nothing else runs then. */
  let cut = false;
  /** Set when the clock stopped the local search or the search (SolveResult.clockStopped). */
  let clockStopped = false;
  let phase: SolvePhase | undefined;
  let reported = -Infinity;
  /** A progress report now when the phase changes, else at most every PROGRESS_EVERY_MS. */
  const report = (next: SolvePhase): void => {
    if (options.onProgress === undefined) return;
    const t = now();
    if (next === phase && t - reported < PROGRESS_EVERY_MS) return;
    phase = next;
    reported = t;
    options.onProgress({ phase: next, nodes: 0, elapsedMs: t - t0, bound, ...(best !== undefined ? { best: best.peak } : {}) });
  };
  report('heuristics');
  /**
   * What the end of the solve and of the command (the verifier, the report) may cost: a decode stops
   * this long before the end. Estimated from the time from the solve's start to its first heuristic
   * (the bounds' sweep and loading the engine: passes over the buffers as those are), see FINISH_PER_PREP.
   */
  let finishReserveMs: number | undefined;
  const runHeuristic = (name: MethodName, until: Deadline): void => {
    const t = now();
    // A capacity below the bound: the spill phase follows (a chip plan, a DDR arena, their checks).
    finishReserveMs ??= (t - t0) * FINISH_PER_PREP * (capacity !== undefined && capacity < bound ? SPILL_FINISH_FACTOR : 1);
    const w = eng.placeWork();
    report(name === 'local-search' ? 'local search' : 'heuristics');
    const more = (): boolean => {
      report('local search');
      if (!until.passed()) return true;
      clockStopped = true;
      return false;
    };
    let res: { offsets: number[]; peak: number };
    if (name === 'local-search') res = eng.localSearch(seed, bound, iterations, more, lsWork);
    else if (isDecodeKernel(KERNELS[name])) {
      // A decode looks at the clock between chunks; it stops early enough to leave the verifier and
      // the report their time (finishReserveMs), and then still returns a plan (the rest stacked).
      const stopAt = until.before(finishReserveMs!);
      // Without the conflict graph (a million buffers), largest-first orders decode as a wave along
      // time (Engine.decode): the same plan, with what each placement reads still in cache.
      const kernel = KERNELS[name] as DecodeKernel;
      const d = eng.decode(kernel, () => !stopAt.passed(), kernel !== 'inorder' && !eng.canSearch());
      if (d.placed < d.total) {
        cut = true;
        notes.push(`${name} cut by the time limit after ${d.placed} of ${plural(d.total, 'buffer')}: the rest stacked above them by size class`);
      }
      res = d;
    } else res = eng.run(KERNELS[name]);
    if (name === 'greedy-size') {
      decodeWork = eng.placeWork() - w;
      greedyMs = now() - t;
    }
    keep(name, res, t);
  };

  // Hints: a first plan that takes each buffer's hint where it is free; another method replaces it only
  // with a strictly lower peak.
  if (isPortfolio(method) && problem.buffers.some((b) => b.hint !== undefined)) {
    if (problem.buffers.length > BLOCKS_MAX_RECTS) {
      notes.push(`greedy-size-hints left out: more than ${BLOCKS_MAX_RECTS} buffers (it is O(n^2))`);
    } else {
      const t = now();
      keep('greedy-size-hints', placeBlocks(problem, 'blocks-greedy-size'), t);
    }
  }
  if (isMethodName(method)) {
    runHeuristic(method, end);
  } else if (method === 'search') {
    runHeuristic('greedy-size', end);
  } else {
    for (const name of HEURISTIC_ORDER) {
      if (name === 'local-search' && best!.peak <= bound) continue;
      if (name === 'local-search' && !switches.localSearch) {
        notes.push('local-search left out: switched off (switches.localSearch)');
        continue;
      }
      const why = scaleLimit(name, eng.conflictPairs(), eng.canSearch());
      if (why !== undefined && best !== undefined) {
        notes.push(`${name} left out: ${why}`);
        continue;
      }
      if (name === 'local-search' && decodeWork !== undefined && decodeWork * LS_MIN_MOVES > lsWork) {
        notes.push(`local-search left out: one move can cost ${decodeWork.toExponential(1)} steps of work, over 1/${LS_MIN_MOVES} of its budget`);
        continue;
      }
      if (best !== undefined && (end.passed() || cut)) {
        notes.push(`${name} left out: the time limit was reached`);
        continue;
      }
      // A single-shot heuristic cannot be stopped once started: one that would end past the limit
      // (it costs about what greedy-size's decode did) is left out instead. Local search stops itself.
      if (name !== 'local-search' && greedyMs !== undefined && greedyMs > end.leftMs()) {
        notes.push(`${name} left out: it would end past the time limit (greedy-size took ${(greedyMs / 1000).toFixed(1)} s, ${(end.leftMs() / 1000).toFixed(1)} s were left)`);
        continue;
      }
      // Under a capacity the heuristics miss, the search goes to the capacity whatever plan the local
      // search finds short of it (its path does not depend on that plan): the local search then runs
      // after the search, and only when the search found no plan within the capacity (switches.searchFirst).
      if (name === 'local-search' && searchesFirst(method, switches, capacity, bound, best!.peak, eng.canSearch())) {
        lsAfterSearch = true;
        continue;
      }
      // A heuristic takes at most half the time left when a search may follow (not without the
      // conflict graph, which the search needs: a million buffers).
      runHeuristic(name, method === 'heuristic' || !eng.canSearch() ? end : end.share(0.5));
    }
  }

  let searchNodes: number | undefined;
  const wantSearch = method === 'auto' || method === 'exact' || method === 'search';
  // A capacity below the bound is proven out of reach: the search then goes for the lowest peak, as a
  // run without a capacity does, so the one-arena figure a report gives beside the spilled plan is the
  // plain run's (issue #10), not the single-shot heuristics' alone.
  const searchCapacity = capacity !== undefined && bound > capacity ? undefined : capacity;
  // Then the search and the local search after it take a share of the time left (the spill needs the rest).
  const reach = lowestPeakDeadline(end, capacity, bound);
  if (wantSearch && best!.peak > bound) {
    if (!eng.canSearch()) {
      notes.push(
        `search left out: ${eng.conflictPairs()} pairs of buffers overlap in time, more than the ${maxPairs} its conflict graph may hold`,
      );
    } else if (end.passed() || cut) {
      notes.push('search left out: the time limit was reached');
    } else {
      const granularity = planGranularity(problem);
      // When only time ends the search, a tenth of it stays for the local search that may follow.
      const timeOnly = maxNodes === Infinity && searchWork === Infinity;
      const searchEnd = lsAfterSearch && timeOnly ? reach.share(0.9) : reach;
      const r = runSearch(eng, search, options, { bound, switches, best: best!, capacity: searchCapacity, maxNodes, searchWork, end: searchEnd, keep, now, t0, granularity });
      searchNodes = r.nodes;
      if (r.clockStopped) clockStopped = true;
      if (r.proof !== undefined && r.proof.bound > bound) {
        bound = r.proof.bound;
        const multiple = bound > r.proof.above + 1 ? `, and every plan's peak is a multiple of ${granularity}` : '';
        proof = `exact search: no plan with peak <= ${r.proof.above}${multiple} (${plural(r.proof.nodes, 'node')})`;
      }
      if (!r.found) methods.push({ method: 'search', peak: NaN, timeMs: r.timeMs });
    }
  }
  if (lsAfterSearch && best!.peak > bound && !(capacity !== undefined && best!.peak <= capacity)) {
    if (reach.passed()) notes.push('local-search left out: the time limit was reached');
    else runHeuristic('local-search', reach);
  }
  if (best === undefined) throw new Error('no method ran');
  const b = best as Best;
  if (options.subInstanceBound === true && b.peak > bound && !end.passed()) {
    const sub = subInstanceBound(problem, { from: bound, upper: b.peak, stop: () => end.passed() });
    if (sub.raised) ({ bound, proof } = sub);
  }

  const result = finishPlan(problem, b, { bound, proof, live, largest }, methods, t0, clock);
  if (searchNodes !== undefined) result.searchNodes = searchNodes;
  if (notes.length > 0) result.notes = notes;
  if (clockStopped) result.clockStopped = true;
  return result;
}

/**
 * solve() on a problem with gaps or aliases (src/problem/relative.ts): the block heuristics on the blocks'
 * real shapes, then solve() itself on their bounding rectangles (envelopeOf: every plain method, the exact
 * search included, gaps unused) until `end`; the lowest peak is kept, the block heuristics' on ties. The
 * status rests on the live bound of live bytes: what the search proves about the rectangles does not hold
 * for the blocks.
 */
function solveTied(
  problem: Problem,
  options: SolveOptions,
  proven: { bound: number; proof: string; live: number; largest: number },
  end: Deadline,
  t0: number,
  clock: Clock,
): SolveResult {
  const rectangles = mergeRectangles(problem);
  if (rectangles !== undefined) return solveMerged(problem, rectangles, options, end, t0, clock);
  const blocks = blocksOf(problem);
  const rects = envelopeOf(problem, blocks);
  const collide = fixedRectanglesCollide(rects);
  // The block heuristics are O(n^2): past BLOCKS_MAX_RECTS the rectangles alone plan, unless they cannot.
  const large = blocks.reduce((s, b) => s + b.rects.length, 0) > BLOCKS_MAX_RECTS && !collide;
  const found = large ? undefined : solveBlocks(problem, blocks, clock, () => end.passed());
  const methods = found?.methods ?? [];
  let best = found?.best;
  const notes = found?.notes ?? [`block heuristics left out: more than ${BLOCKS_MAX_RECTS} live runs (they are O(n^2))`];
  if (best !== undefined && end.passed()) {
    notes.push('rectangles left out: the time limit was reached');
  } else if (collide) {
    notes.push('rectangles left out: fixed blocks share steps and bytes as rectangles (only in their gaps or windows)');
  } else {
    const t = clock();
    const env = solve(rects, { ...options, timeLimitMs: undefined, deadline: end, onProgress: undefined });
    const name = `rectangles: ${env.method}`;
    methods.push({ method: name, peak: env.peak, timeMs: clock() - t });
    if (best === undefined || env.peak < best.peak) best = { ...fromBases(problem, blocks, env.offsets), method: name };
    for (const n of env.notes ?? []) notes.push(`rectangles: ${n}`);
  }
  // The exact search over the blocks' real shapes (src/solve/blocks-exact.ts), below the best plan.
  const method = options.method ?? 'auto';
  let searchNodes: number | undefined;
  let { bound, proof } = proven;
  const nRects = blocks.reduce((s, b) => s + b.rects.length, 0);
  const wantSearch = method === 'auto' || method === 'search' || method === 'exact';
  // A capacity below the bound does not stop it: the lowest peak is still the one-arena figure (see solveWhole).
  if (wantSearch && best !== undefined && best.peak > bound) {
    if (nRects > BLOCKS_EXACT_MAX_RECTS) {
      notes.push(`block search left out: more than ${BLOCKS_EXACT_MAX_RECTS} live runs`);
    } else if (end.passed()) {
      notes.push('block search left out: the time limit was reached');
    } else {
      const t = clock();
      const maxNodes = options.maxNodes ?? (method === 'exact' ? Infinity : DEFAULT_BLOCK_NODES);
      const maxWork = options.maxNodes === undefined && method !== 'exact' ? DEFAULT_BLOCK_WORK : Infinity;
      // A capacity out of reach: a share of the time left, as in solveWhole (the spill needs the rest).
      const reach = lowestPeakDeadline(end, problem.capacity, bound);
      const out = searchBlocks(blocks, { target: best.peak - 1, bound, maxNodes, maxWork, stop: () => reach.passed() });
      searchNodes = out.nodes;
      methods.push({ method: 'blocks-exact', peak: out.plan?.peak ?? NaN, timeMs: clock() - t });
      if (out.plan !== undefined && out.plan.peak < best.peak) best = { ...fromBases(problem, blocks, out.plan.bases), method: 'blocks-exact' };
      if (out.exhausted && out.provenAbove! + 1 > bound) {
        bound = out.provenAbove! + 1;
        proof = `block search: no plan with peak <= ${out.provenAbove} (${plural(out.nodes, 'node')})`;
      } else if (!out.exhausted && best.peak > bound) {
        const why = out.nodes >= maxNodes ? 'its node budget' : out.work >= maxWork ? 'its budget of work' : 'the time limit';
        notes.push(`block search stopped after ${plural(out.nodes, 'node')} (${why}), its tree not exhausted`);
      }
    }
  }
  notes.unshift(
    'gaps or aliases: each root with its aliases is planned as one block, by the block heuristics and the block search on its real shape and by every other method on its bounding rectangle (gaps unused there)',
  );
  const result = finishPlan(problem, best!, { ...proven, bound, proof }, methods, t0, clock);
  if (searchNodes !== undefined) result.searchNodes = searchNodes;
  result.notes = notes;
  return result;
}

/**
 * solve() on a tied problem whose blocks are all rectangles (src/solve/rectangles.ts): solve() itself on
 * one buffer per block — every method, the exact search and splitting in time included — and each
 * member's offset from its block's base. The merged problem is the same problem, so its bound, proof and
 * status stand for this one; the plan is verified against the tied problem.
 */
function solveMerged(problem: Problem, m: MergedRectangles, options: SolveOptions, end: Deadline, t0: number, clock: Clock): SolveResult {
  const inner = solve(m.merged, { ...options, timeLimitMs: undefined, deadline: end });
  const { offsets, peak } = spreadOffsets(problem, m, inner.offsets);
  const verdict = verifyPlan(problem, offsets, peak);
  if (!verdict.valid) throw new Error(`internal error: ${inner.method} produced an invalid plan of merged blocks:\n  ${verdict.errors.join('\n  ')}`);
  if (peak !== inner.peak) throw new Error(`internal error: merged blocks reach ${peak}, their plan ${inner.peak}`);
  const note = `aliases: ${plural(m.blocks.filter((b) => b.members.length > 1).length, 'tied block')}, each a rectangle, planned as one buffer each (${plural(m.merged.buffers.length, 'buffer')})`;
  return { ...inner, offsets, peak, timeMs: clock() - t0, notes: [note, ...(inner.notes ?? [])] };
}

/** Whether the rectangles' problem is refused by validateProblem (fixed rectangles that collide). */
function fixedRectanglesCollide(rects: Problem): boolean {
  try {
    validateProblem(rects);
    return false;
  } catch (e) {
    if (e instanceof InputError) return true;
    throw e;
  }
}

/**
 * Whether the local search of a portfolio waits until after the search (switches.searchFirst): with a
 * capacity the best single-shot plan exceeds and the bound does not, the search goes to the capacity
 * whatever plan the local search finds short of it, so the local search only delays the first fit
 * (issue #15: 0.5-1.9 s of each challenging instance's 1.3-4.6 s). It then runs only when the search
 * found no plan within the capacity, for the best plan short of it.
 */
function searchesFirst(method: string, switches: SearchSwitches, capacity: number | undefined, bound: number, peak: number, canSearch: boolean): boolean {
  const searches = method === 'auto' || method === 'exact';
  return searches && switches.searchFirst && canSearch && capacity !== undefined && peak > capacity && bound <= capacity;
}

/** What the exact search phases of solve() found. */
interface SearchPhases {
  nodes: number;
  found: boolean;
  /**
   * Set when a run exhausted its tree: no plan has peak <= `above` (found after `nodes` nodes in all),
   * so none below `bound`: above + 1 rounded up to the plans' granularity (src/problem/granularity.ts).
   */
  proof?: { above: number; bound: number; nodes: number };
  /** Whether the clock stopped a run (its `more` said no) before its budgets did. */
  clockStopped: boolean;
  timeMs: number;
}

/**
 * The exact search phases of solve(): the capacity when the heuristics did not meet it (the search then
 * goes on down from each plan it finds); else the lower bound itself with half the budget (tight
 * instances are often met exactly, and a plan there ends the solve), then down from the best plan.
 * Every phase ends by `end` at the latest.
 */
function runSearch(
  eng: Engine,
  search: ExactSearch,
  options: SolveOptions,
  ctx: {
    bound: number;
    switches: SearchSwitches;
    best: Best;
    capacity: number | undefined;
    maxNodes: number;
    searchWork: number;
    end: Deadline;
    keep: (name: string, res: { offsets: number[]; peak: number }, t: number) => void;
    now: Clock;
    /** When the solve started (the clock's ms): progress reports time since then. */
    t0: number;
    /** Every plan's peak is a multiple of this (planGranularity): a proof at c bounds by c + 1 rounded up to it. */
    granularity: number;
  },
): SearchPhases {
  const { capacity, maxNodes, searchWork, end, now } = ctx;
  let bound = ctx.bound;
  let bestPeak = ctx.best.peak;
  const t = now();
  let nodes = 0;
  let proof: { above: number; bound: number; nodes: number } | undefined;
  let phaseEnd = end;
  let clockStopped = false;
  const more = (p: SearchProgress): boolean => {
    options.onProgress?.({ ...p, phase: 'search', nodes: nodes + p.nodes, bound, elapsedMs: now() - ctx.t0 });
    if (!phaseEnd.passed()) return true;
    clockStopped = true;
    return false;
  };
  options.onProgress?.({ phase: 'search', nodes: 0, bound, best: bestPeak, elapsedMs: t - ctx.t0 });
  const phases: number[] = [];
  if (capacity !== undefined && bestPeak > capacity) phases.push(capacity);
  else phases.push(bound, -1);
  let found = false;
  let workDone = 0;
  for (let i = 0; i < phases.length && !end.passed(); i++) {
    const cap = phases[i] === -1 ? bestPeak - 1 : phases[i]!;
    const left = maxNodes - nodes;
    const workLeft = searchWork - workDone;
    if (left <= 0 || workLeft <= 0) break;
    const half = i < phases.length - 1;
    // With no node or work budget (`exact`) only time can split the budget: half of what is left.
    phaseEnd = half && left === Infinity && workLeft === Infinity ? end.share(0.5) : end;
    const outcome = search(eng, cap, bound, more, half ? Math.ceil(left / 2) : left, half ? workLeft / 2 : workLeft, ctx.switches);
    nodes += outcome.nodes;
    workDone += outcome.work;
    if (outcome.plan) {
      ctx.keep('search', outcome.plan, t);
      bestPeak = Math.min(bestPeak, outcome.plan.peak);
      found = true;
    }
    const proven = roundUpToGranularity(outcome.provenAbove + 1, ctx.granularity);
    if (outcome.exhausted && proven > bound) {
      bound = proven;
      proof = { above: outcome.provenAbove, bound: proven, nodes };
    }
    if (bestPeak <= bound) break;
  }
  return { nodes, found, ...(proof !== undefined ? { proof } : {}), clockStopped, timeMs: now() - t };
}

/**
 * The end of every solve (this one and GLPK's): the independent verifier on the plan kept, the bound
 * checked against it, the status and gap, and whether it fits the capacity.
 */
export function finishPlan(
  problem: Problem,
  best: { offsets: number[]; peak: number; method: string },
  proven: { bound: number; proof: string; live: number; largest: number },
  methods: MethodResult[],
  t0: number,
  clock: Clock = performanceClock,
): SolveResult {
  const { bound, proof } = proven;
  const verdict = verifyPlan(problem, best.offsets, best.peak);
  if (!verdict.valid) {
    throw new Error(`internal error: ${best.method} produced an invalid plan:\n  ${verdict.errors.join('\n  ')}`);
  }
  // A plan can only undercut the bound if the bound were wrong: never label such a plan optimal.
  if (best.peak < bound) throw new Error(`internal error: peak ${best.peak} below the proven bound ${bound} (${proof})`);
  const result: SolveResult = {
    offsets: best.offsets,
    peak: best.peak,
    method: best.method,
    status: statusOf(best.peak, bound, problem.capacity),
    bound,
    gap: bound > 0 ? (best.peak - bound) / bound : 0,
    liveBound: proven.live,
    largest: proven.largest,
    methods,
    proof,
    timeMs: clock() - t0,
  };
  if (problem.capacity !== undefined) result.fits = best.peak <= problem.capacity;
  return result;
}
