/**
 * Spilling: when the buffers together do not fit the capacity, a plan over two memories. A chosen
 * set stays on chip (bestKeptSet: the most weight whose live bytes fit at every step), placed within
 * the capacity by the same solve() and method; a set that cannot be placed is cut away and the choice
 * made again; the rest goes to a DDR arena, placed with reuse by the same solve() too. The plan is
 * checked by verifySpilledPlan. One procedure for the command line, workers and the page: it is
 * written as a generator of solve requests, driven synchronously (solve() inline) or asynchronously
 * (a pool of workers), so both give the same plan.
 */
import type { Memory, MemoryTier, PlanStatus, Problem } from '../problem/types.js';
import { hasTies } from '../problem/relative.js';
import { verifyPlan, verifySpilledPlan } from '../problem/verify.js';
import { blockIndexOf, mergeRectangles, type MergedRectangles } from './rectangles.js';
import { Deadline, defaultTimeLimitMs } from './deadline.js';
import { isMethodName } from './methods.js';
import { bounds } from '../problem/bounds.js';
import { plural } from '../format/plural.js';
import { solve, statusOf, type SolveOptions, type SolveResult } from './solve.js';
import { bestKeptSet, mustStay, spillKey, weightOf } from './spill-choice.js';
import { fillFastestFirstUntil } from './tiers/greedy.js';
import { tierInstance } from './tiers/instance.js';
import { tiersPlanner } from './tiers/planner.js';
import { timeLimitCuts } from './tiers/limit-cuts.js';

/** What spilling decided, beside the on-chip plan. */
export interface SpillInfo {
  /** memory[i]: where problem.buffers[i] lives; the plan's offsets[i] is within that memory's arena. */
  memory: Memory[];
  /** The on-chip capacity the kept set was placed within (the problem's, or what earlier subgraphs left). */
  capacity: number;
  /** Bytes of the DDR arena (the spilled buffers placed with reuse), and the method that placed them. */
  ddrPeak: number;
  ddrMethod: string;
  /** Ids of the spilled buffers, their bytes, and their weight: the DDR traffic spilling costs. */
  spilled: string[];
  spilledBytes: number;
  ddrTraffic: number;
  /**
   * optimal: no other placeable choice keeps more weight on chip (the choice search finished and
   * every better set it proposed was proven not to place); feasible: a valid choice, not proven best.
   */
  choice: 'optimal' | 'feasible';
  /**
   * How the set was chosen: the exact choice search, or the greedy fallback (why: `fallback`);
   * fill-fastest-first: the set that baseline keeps on chip (largest first, each on chip where it
   * fits), taken when the choice was not proven best and that set keeps more weight and places;
   * blocks: gaps or aliases whose blocks are not all rectangles, each block kept or spilled whole by
   * the tiers heuristic (spillBlocks).
   */
  how: 'search' | 'greedy' | 'fill-fastest-first' | 'blocks';
  /**
   * search: the choice round that placed (each earlier one failed to place and was cut away); greedy:
   * the placements the greedy fallback made (0 when out of time it kept, without a placement, the
   * buffers the plan of every buffer has below the capacity); fill-fastest-first: as the search or the
   * fallback it replaced; blocks: the tiers heuristic's rounds.
   */
  rounds: number;
  /** Sets the choice search proposed and had placed (0 for blocks). */
  tried: number;
  /**
   * Why the choice search gave way to the greedy fallback (set when `how` is `greedy`, or
   * `fill-fastest-first` after it): `time`, the time limit; `rounds`, its MAX_ROUNDS sets all failed
   * to place; `no-set`, it found no further set to propose.
   */
  fallback?: 'time' | 'rounds' | 'no-set';
  /**
   * Set when the time limit cut the greedy fallback short: every buffer above the capacity (in the
   * plan of every buffer, or in the fallback's last placement) spilled at once.
   */
  greedyCut?: boolean;
  /** The method asked for (`auto` by default): a single method's plan may keep less than a portfolio's. */
  method: string;
  /** The plan of every buffer in one arena, which did not fit. */
  whole: { peak: number; method: string; status: PlanStatus; bound: number };
}

/**
 * A plan as the outputs take it: solve()'s result, or after spilling (status `spilled`) the on-chip
 * plan (offsets of the DDR buffers are in the DDR arena; `peak`, `method`, `bound`, `gap`, `proof` are
 * the on-chip arena's) with `spill`. `liveBound`, `largest` and `methods` stay those of every buffer.
 * `spillFailure` says why no spill plan was found (then the plan is the one-arena plan, not fitting).
 */
export interface PlanResult extends SolveResult {
  spill?: SpillInfo;
  spillFailure?: string;
}

/** One solve the spill procedure asks for. */
export interface SolveRequest {
  problem: Problem;
  options: SolveOptions;
}

/** Choices (and placements) tried before the greedy fallback. */
const MAX_ROUNDS = 20;
/** Placements failed before the choice is made under a lowered capacity. */
const FAILURES_BEFORE_SHRINK = 5;

const now = (): number => performance.now();

/**
 * The problem of the buffers `idx` of `problem`: a subset of a valid problem is valid (ids unique, fixed
 * buffers apart), so its solves pass `validated` (SolveOptions) and skip validateProblem.
 */
const subProblem = (problem: Problem, idx: readonly number[], capacity?: number): Problem => ({
  buffers: idx.map((i) => problem.buffers[i]!),
  ...(capacity !== undefined ? { capacity } : {}),
});

/**
 * The spill procedure for `problem` under `capacity`, given `whole` (solve()'s plan of every buffer,
 * which does not fit). Yields the solves it needs; returns the plan. `options` are the user's (method,
 * seed, ...); `timeLimitMs` caps the whole procedure.
 */
export function* spillPlanner(problem: Problem, capacity: number, whole: SolveResult, options: SolveOptions): Generator<SolveRequest, PlanResult, SolveResult> {
  // Tied blocks spill whole: blocks that are rectangles as one buffer each (the choice below); other blocks
  // (gaps, concatenations whose inputs start apart) by the tiers planner over two memories, each block
  // counting only the bytes it holds live.
  if (hasTies(problem)) {
    const rectangles = mergeRectangles(problem);
    if (rectangles === undefined) return yield* spillBlocks(problem, capacity, whole, options);
    return yield* spillMerged(problem, rectangles, capacity, whole, options);
  }
  const t0 = now();
  // The end: the command's deadline when there is one (spillOptions passes it on), else timeLimitMs from now.
  const end = options.deadline?.within(options.timeLimitMs ?? Infinity) ?? Deadline.in(options.timeLimitMs ?? 10_000);
  const left = (): number => Math.max(50, end.leftMs());
  const method = options.method ?? 'auto';
  const n = problem.buffers.length;
  const all = problem.buffers.map((_, i) => i);
  const cuts = new Set<string>();
  let proven = true;
  /**
   * The longest one solve of the spill phase took so far (ms): what the next may cost. Before the
   * first, twice what greedy-size took on every buffer (a solve also reads, checks and verifies).
   */
  let solveMs = 2 * (whole.methods.find((m) => m.method === 'greedy-size')?.timeMs ?? 0);
  /** A solve the procedure needs, timed. */
  const timed = function* (request: SolveRequest): Generator<SolveRequest, SolveResult, SolveResult> {
    const t = now();
    const r = yield request;
    solveMs = Math.max(solveMs, now() - t);
    return r;
  };
  /**
   * Whether to stop trying sets and spill at once: the time is up, or too little is left for another
   * try and the two solves that end the procedure (the chip plan kept, the DDR arena), each costed
   * as the longest solve so far — a solve's first heuristic cannot be stopped once it started.
   */
  const hurry = (): boolean => end.passed() || end.leftMs() < 3 * solveMs;
  const place = function* (kept: boolean[]): Generator<SolveRequest, SolveResult | undefined, SolveResult> {
    const idx = all.filter((i) => kept[i]);
    if (idx.length === 0) return undefined;
    // Half of what is left after the two closing solves (see hurry()).
    return yield* timed({ problem: subProblem(problem, idx, capacity), options: { ...options, validated: true, method, timeLimitMs: Math.max(50, (end.leftMs() - 2 * solveMs) / 2) } });
  };
  // The choice's capacity: the real one, lowered by the excess once FAILURES_BEFORE_SHRINK placements
  // failed (fragmentation can need more than the live bytes; cutting one set at a time would creep
  // down by one buffer per round). From then on the choice is not proven best.
  let knapsack = capacity;
  let failures = 0;
  /** Sets the choice search had placed; why it gave way to the greedy fallback (see SpillInfo). */
  let tried = 0;
  let fallback: SpillInfo['fallback'] = 'rounds';
  let greedyCut = false;
  /** Set once the choice search gave way to the greedy fallback. */
  let inFallback = false;
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    if (hurry()) {
      fallback = 'time';
      break;
    }
    const choice = bestKeptSet(problem, knapsack, cuts);
    if (choice.kept === undefined) {
      if (round === 1 && choice.complete) {
        return { ...whole, spillFailure: mustStayFailure(problem, capacity, 'even the buffers that may not spill do not fit the capacity') };
      }
      fallback = 'no-set';
      break;
    }
    if (!choice.complete) proven = false;
    // Shrunk to nothing after failed placements (a method without reuse, such as naive, fails every set of
    // two): the greedy fallback keeps what the method itself places below the capacity instead.
    if (knapsack < capacity && !choice.kept.some((k, i) => k && !mustStay(problem, i))) {
      fallback = 'rounds';
      break;
    }
    tried = round;
    const chip = yield* place(choice.kept);
    if (chip === undefined || chip.fits) {
      if (proven) return yield* finish(choice.kept, chip, 'optimal', 'search', round);
      const best = yield* orBaseline(choice.kept, chip);
      return yield* finish(best.kept, best.chip, 'feasible', best.baseline ? 'fill-fastest-first' : 'search', round);
    }
    cuts.add(spillKey(choice.kept));
    // Not placed: proven impossible (infeasible) keeps the claim; a heuristic's failure does not.
    if (chip.status !== 'infeasible') proven = false;
    if (++failures >= FAILURES_BEFORE_SHRINK) {
      proven = false;
      knapsack = Math.max(0, knapsack - (chip.peak - capacity));
    }
  }
  inFallback = true;
  // The greedy fallback: spill, one at a time, the spillable buffer of least weight per byte among
  // those the current plan puts above the capacity, until the rest is placed within it.
  const greedyMethod = isMethodName(method) ? method : 'greedy-size';
  const kept = problem.buffers.map(() => true);
  // Out of time: the plan of every buffer already has a chip plan in it, the buffers it keeps below the
  // capacity (any subset of a valid plan is valid). Spill the rest at once, unless one must stay.
  if (hurry()) {
    const above = all.filter((i) => whole.offsets[i]! + problem.buffers[i]!.size > capacity);
    if (!above.some((i) => mustStay(problem, i))) {
      for (const i of above) kept[i] = false;
      greedyCut = true;
      // The DDR arena by the single greedy method too: a portfolio would split the spilled buffers in
      // time and solve every part (thousands at a million buffers).
      return yield* finish(kept, keptOfWhole(problem, whole, all.filter((i) => kept[i]), capacity), 'feasible', 'greedy', 0, greedyMethod);
    }
  }
  for (let round = 1; ; round++) {
    const idx = all.filter((i) => kept[i]);
    const chip = idx.length === 0 ? undefined : yield* timed({ problem: subProblem(problem, idx, capacity), options: { ...options, validated: true, method: greedyMethod, timeLimitMs: left() } });
    if (chip === undefined || chip.fits) {
      const best = yield* orBaseline(kept, chip);
      // Placements made: this one, unless nothing was left on chip to place.
      return yield* finish(best.kept, best.chip, 'feasible', best.baseline ? 'fill-fastest-first' : 'greedy', chip === undefined ? round - 1 : round);
    }
    const spillable = idx.filter((i) => !mustStay(problem, i));
    const above = idx.filter((i, k) => chip.offsets[k]! + problem.buffers[i]!.size > capacity && !mustStay(problem, i));
    const pool = above.length > 0 ? above : spillable;
    if (pool.length === 0) return { ...whole, spillFailure: mustStayFailure(problem, capacity, 'no plan found that keeps the buffers that may not spill within the capacity') };
    const rate = (i: number): number => weightOf(problem, i) / problem.buffers[i]!.size;
    // One at a time while there is time; then every one above the capacity at once (always ends).
    if (hurry() && above.length > 0) {
      for (const i of above) kept[i] = false;
      greedyCut = true;
    } else kept[pool.reduce((a, b) => (rate(b) < rate(a) ? b : a))] = false;
  }

  /**
   * A kept set not proven best, against the set the fill-fastest-first baseline keeps on chip
   * (src/solve/tiers/greedy.ts, the one memory tiers report beside their plan): that set, placed by
   * the same solve(), when it keeps more weight and places within the capacity; else `kept` as it is.
   * So the plan never keeps less than that baseline when both place, and two memories planned as
   * tiers (`--memory chip=C:0 --memory ddr:1`, which take the cheaper of the two) give this plan.
   */
  function* orBaseline(kept: boolean[], chip: SolveResult | undefined): Generator<SolveRequest, { kept: boolean[]; chip: SolveResult | undefined; baseline: boolean }, SolveResult> {
    // Not when the time is short: the baseline's set needs a placement of its own.
    if (hurry()) return { kept, chip, baseline: false };
    // Given up when the time becomes short (hurry()): a million buffers take seconds.
    const cut = fillFastestFirstUntil(tierInstance(problem, [{ name: 'chip', capacity, cost: 0 }, { name: 'ddr', cost: 1 }]), hurry);
    const base = cut === 'cut' ? undefined : cut;
    const keptWeight = (k: readonly boolean[]): number => all.reduce((s, i) => s + (k[i] ? weightOf(problem, i) : 0), 0);
    const baseKept = base?.memory.map((m) => m === 0);
    if (baseKept === undefined || keptWeight(baseKept) <= keptWeight(kept)) return { kept, chip, baseline: false };
    const placed = yield* place(baseKept);
    return placed === undefined || placed.fits ? { kept: baseKept, chip: placed, baseline: true } : { kept, chip, baseline: false };
  }

  /** The DDR arena and the plan over both memories, checked by the verifier. */
  function* finish(kept: boolean[], chip: SolveResult | undefined, choice: SpillInfo['choice'], how: SpillInfo['how'], rounds: number, ddrMethod = method): Generator<SolveRequest, PlanResult, SolveResult> {
    const spilledIdx = all.filter((i) => !kept[i]);
    const ddr = spilledIdx.length === 0 ? undefined : yield { problem: subProblem(problem, spilledIdx), options: { ...options, validated: true, method: ddrMethod, timeLimitMs: left() } };
    const memory: Memory[] = all.map((i) => (kept[i] ? 'chip' : 'ddr'));
    const offsets = new Array<number>(n).fill(0);
    all.filter((i) => kept[i]).forEach((i, k) => (offsets[i] = chip!.offsets[k]!));
    spilledIdx.forEach((i, k) => (offsets[i] = ddr!.offsets[k]!));
    const chipPeak = chip?.peak ?? 0;
    const ddrPeak = ddr?.peak ?? 0;
    const verdict = verifySpilledPlan(problem, memory, offsets, capacity, { chipPeak, ddrPeak });
    if (!verdict.valid) throw new Error(`internal error: the spilled plan is invalid:\n  ${verdict.errors.join('\n  ')}`);
    const spill: SpillInfo = {
      memory,
      capacity,
      ddrPeak,
      ddrMethod: ddr?.method ?? '-',
      spilled: spilledIdx.map((i) => problem.buffers[i]!.id),
      spilledBytes: spilledIdx.reduce((s, i) => s + problem.buffers[i]!.size, 0),
      ddrTraffic: spilledIdx.reduce((s, i) => s + weightOf(problem, i), 0),
      choice,
      how,
      rounds,
      tried,
      ...(inFallback ? { fallback } : {}),
      ...(greedyCut ? { greedyCut } : {}),
      method,
      whole: { peak: whole.peak, method: whole.method, status: whole.status, bound: whole.bound },
    };
    const result: PlanResult = {
      ...whole,
      offsets,
      peak: chipPeak,
      method: chip?.method ?? '-',
      status: 'spilled',
      bound: chip?.bound ?? 0,
      gap: chip?.gap ?? 0,
      proof: chip?.proof ?? 'nothing stays on chip',
      fits: true,
      timeMs: whole.timeMs + (now() - t0),
      spill,
    };
    if (inFallback && fallback === 'time') {
      result.notes = [...(whole.notes ?? []), `spill: the time limit ended the search for the set to keep after ${plural(tried, 'set')} tried; the buffers to spill were chosen greedily`];
    }
    return result;
  }
}

/**
 * The plan `whole` (of every buffer) restricted to the buffers `idx`, all below `capacity` there: the
 * on-chip plan of those buffers without a solve, labelled as finishPlan does (its bound the kept
 * buffers' own, src/problem/bounds.ts). It is not verified here: its one caller, the spill procedure's
 * finish(), verifies these very offsets of these very buffers right after (verifySpilledPlan, the plan
 * emitted), and a second sweep over a million buffers cost ~0.7 s of the time limit. undefined when
 * `idx` is empty.
 */
function keptOfWhole(problem: Problem, whole: SolveResult, idx: readonly number[], capacity: number): SolveResult | undefined {
  if (idx.length === 0) return undefined;
  const t0 = now();
  const sub = subProblem(problem, idx, capacity);
  const offsets = idx.map((i) => whole.offsets[i]!);
  let peak = 0;
  for (let k = 0; k < offsets.length; k++) peak = Math.max(peak, offsets[k]! + sub.buffers[k]!.size);
  const b = bounds(sub);
  if (peak < b.bound) throw new Error(`internal error: peak ${peak} below the proven bound ${b.bound} (${b.proof})`);
  return {
    offsets,
    peak,
    method: whole.method,
    status: statusOf(peak, b.bound, capacity),
    bound: b.bound,
    gap: b.bound > 0 ? (peak - b.bound) / b.bound : 0,
    liveBound: b.live,
    largest: b.largest,
    methods: [{ method: whole.method, peak, timeMs: 0 }],
    proof: b.proof,
    timeMs: now() - t0,
    fits: peak <= capacity,
  };
}

/**
 * spillPlanner on a tied problem whose blocks are all rectangles: the spill procedure on one buffer per
 * block (src/solve/rectangles.ts), every member where its block went, at its block's base plus its
 * delta. Each arena's part is verified against the tied problem (its aliases included).
 */
function* spillMerged(problem: Problem, m: MergedRectangles, capacity: number, whole: SolveResult, options: SolveOptions): Generator<SolveRequest, PlanResult, SolveResult> {
  const blockOf = blockIndexOf(problem, m);
  const wholeMerged: SolveResult = { ...whole, offsets: m.blocks.map((b) => whole.offsets[b.root]!) };
  const inner = yield* spillPlanner(m.merged, capacity, wholeMerged, options);
  if (inner.spill === undefined) return { ...inner, offsets: whole.offsets, peak: whole.peak };
  const spill = inner.spill;
  const memory = problem.buffers.map((_, i) => spill.memory[blockOf[i]!]!);
  const offsets = problem.buffers.map((_, i) => inner.offsets[blockOf[i]!]! + m.blocks[blockOf[i]!]!.members.find((x) => x.index === i)!.delta);
  for (const where of ['chip', 'ddr'] as const) {
    const idx = problem.buffers.map((_, i) => i).filter((i) => memory[i] === where);
    const part = subProblem(problem, idx);
    const verdict = verifyPlan(part, idx.map((i) => offsets[i]!));
    const top = where === 'chip' ? inner.peak : spill.ddrPeak;
    if (!verdict.valid || (idx.length > 0 && verdict.peak > top) || (where === 'chip' && verdict.peak > capacity)) {
      throw new Error(`internal error: the spilled plan of merged blocks is invalid (${where}):\n  ${verdict.errors.join('\n  ')}`);
    }
  }
  const spilled = problem.buffers.filter((_, i) => memory[i] === 'ddr').map((b) => b.id);
  return { ...inner, offsets, spill: { ...spill, memory, spilled }, liveBound: whole.liveBound, largest: whole.largest, methods: whole.methods };
}

/**
 * spillPlanner on a problem with gaps or aliases whose blocks are not all rectangles: each block (a root
 * with its aliases) stays on chip or spills whole, chosen by the tiers planner without GLPK
 * (src/solve/tiers/planner.ts) over two memories — on chip within `capacity` at cost 0 per byte, DDR at
 * cost 1, so its traffic cost is the spilled weight — with its per-step bound counting each block's live
 * bytes only: greedy by weight per byte, moves and swaps, each memory placed by solve() (the block
 * heuristics and block search), blocks above the capacity moved to DDR until the rest places, against
 * the fill-fastest-first baseline. The choice is `optimal` when its spilled weight meets that bound.
 * Blocks with a buffer that may not spill (or a fixed offset) stay on chip. Verified by verifySpilledPlan.
 */
function* spillBlocks(problem: Problem, capacity: number, whole: SolveResult, options: SolveOptions): Generator<SolveRequest, PlanResult, SolveResult> {
  const t0 = now();
  const memories: MemoryTier[] = [
    { name: 'chip', capacity, cost: 0 },
    { name: 'ddr', cost: 1 },
  ];
  // The last placement of the on-chip set, for its proof: the one the plan keeps unless the baseline won.
  let chipResult: SolveResult | undefined;
  const run = tiersPlanner({ buffers: problem.buffers }, memories, options, undefined, { firstFails: true });
  let step = run.next();
  while (!step.done) {
    const r: SolveResult = yield step.value;
    if (step.value.problem.capacity === capacity) chipResult = r;
    step = run.next(r);
  }
  const plan = step.value;
  if (plan.memory.length === 0) return { ...whole, spillFailure: plan.status === 'infeasible' ? 'even the buffers that may not spill do not fit the capacity' : (plan.failure ?? 'no plan found') };
  const memory: Memory[] = plan.memory.map((m) => (m === 0 ? 'chip' : 'ddr'));
  const chip = plan.usage[0]!;
  const ddr = plan.usage[1]!;
  const verdict = verifySpilledPlan(problem, memory, plan.offsets, capacity, { chipPeak: chip.used, ddrPeak: ddr.used });
  if (!verdict.valid) throw new Error(`internal error: the spilled plan of blocks is invalid:\n  ${verdict.errors.join('\n  ')}`);
  const spilledIdx = problem.buffers.flatMap((_, i) => (memory[i] === 'ddr' ? [i] : []));
  const same = chipResult !== undefined && chipResult.method === chip.method && chipResult.peak === chip.used;
  const spill: SpillInfo = {
    memory,
    capacity,
    ddrPeak: ddr.used,
    ddrMethod: ddr.method,
    spilled: spilledIdx.map((i) => problem.buffers[i]!.id),
    spilledBytes: spilledIdx.reduce((s, i) => s + problem.buffers[i]!.size, 0),
    ddrTraffic: spilledIdx.reduce((s, i) => s + weightOf(problem, i), 0),
    choice: plan.status === 'optimal' ? 'optimal' : 'feasible',
    how: plan.how === 'fill-fastest-first' ? 'fill-fastest-first' : 'blocks',
    rounds: plan.rounds,
    tried: 0,
    method: options.method ?? 'auto',
    whole: { peak: whole.peak, method: whole.method, status: whole.status, bound: whole.bound },
  };
  const gap = chip.bound > 0 ? (chip.used - chip.bound) / chip.bound : 0;
  return {
    ...whole,
    offsets: plan.offsets,
    peak: chip.used,
    method: chip.method,
    status: 'spilled',
    bound: chip.bound,
    gap,
    proof: same ? chipResult!.proof : chip.used <= chip.bound ? 'live bound of the blocks kept on chip' : 'none (the fill-fastest-first baseline placed them)',
    fits: true,
    timeMs: whole.timeMs + (now() - t0),
    notes: [
      ...(whole.notes ?? []),
      'spill: gaps or aliases whose blocks are not all rectangles: each block stays on chip or spills whole, chosen by the tiers heuristic (greedy by weight per byte, moves and swaps), proven best only when it meets the per-step bound of the blocks\' live bytes',
      // What the clock cut in the tiers heuristic (each names the time limit: the plan's limitCuts).
      ...timeLimitCuts(plan).map((c) => `spill (blocks): ${c}`),
    ],
    spill,
  };
}

/**
 * Why no set of buffers to spill can help (`why`), and, when some buffers' fixed offsets end above
 * `capacity` (the plainest cause: they can neither spill nor move), up to three of them by name.
 */
function mustStayFailure(problem: Problem, capacity: number, why: string): string {
  const above = problem.buffers.filter((b) => b.offset !== undefined && b.offset + b.size > capacity);
  if (above.length === 0) return why;
  const named = above.slice(0, 3).map((b) => `"${b.id}" at ${b.offset}..${b.offset! + b.size}`).join(', ');
  return `${why}: ${plural(above.length, 'buffer')} with a fixed offset ${above.length === 1 ? 'ends' : 'end'} above it (${named}${above.length > 3 ? ', ...' : ''})`;
}

/**
 * The spill phase's options after a solve of every buffer (`whole`) made with `options`: the same
 * method, seed and budgets, and the time the solve left of the limit (solve()'s default when none),
 * at least 100 ms: --time-limit covers both. With a `deadline` (the command's), what it leaves.
 */
export function spillOptions(options: SolveOptions, whole: SolveResult): SolveOptions {
  const left = options.deadline !== undefined ? options.deadline.leftMs() : (options.timeLimitMs ?? defaultTimeLimitMs(options.method)) - whole.timeMs;
  return { ...options, timeLimitMs: Math.max(100, Math.min(left, options.timeLimitMs ?? Infinity)) };
}

/**
 * The plan under the problem's capacity (or `capacity`): `whole` itself when it fits (or no capacity
 * is given), else the spilled plan. Runs the solves inline with `solveOne` (default solve()).
 */
export function planWithSpill(
  problem: Problem,
  whole: SolveResult,
  options: SolveOptions = {},
  capacity = problem.capacity,
  solveOne: (p: Problem, o: SolveOptions) => SolveResult = solve,
): PlanResult {
  if (capacity === undefined || whole.peak <= capacity) return whole;
  const run = spillPlanner(problem, capacity, whole, options);
  let step = run.next();
  while (!step.done) step = run.next(solveOne(step.value.problem, step.value.options));
  return step.value;
}

/** planWithSpill() with the solves done by `solveOne` (a pool of workers, say): the same plan. */
export async function planWithSpillAsync(
  problem: Problem,
  whole: SolveResult,
  options: SolveOptions,
  capacity: number | undefined,
  solveOne: (p: Problem, o: SolveOptions) => Promise<SolveResult>,
): Promise<PlanResult> {
  if (capacity === undefined || whole.peak <= capacity) return whole;
  const run = spillPlanner(problem, capacity, whole, options);
  let step = run.next();
  while (!step.done) step = run.next(await solveOne(step.value.problem, step.value.options));
  return step.value;
}
