/**
 * Decomposition before any search: a problem whose buffers fall into groups that never live at the
 * same time is solved group by group ("parts"), and the parts' plans are put side by side.
 *
 * Why it is sound. Two buffers interact only when they overlap in time, so the connected components
 * of the time-overlap graph can be placed independently. For intervals these components are exactly
 * the runs of buffers between the *time cuts* — steps that no buffer crosses (a buffer [s, e) crosses
 * t when s < t < e) — so one sweep over the starts finds them. Each part keeps offsets from 0, as if
 * alone: parts never overlap in time, so their plans never collide, and because nothing is shifted,
 * fixed offsets and alignments stay exactly as the part's plan has them. The peak of the whole is the
 * max of the parts' peaks; a lower bound of a part is a lower bound of the whole (the whole contains
 * the part), so the best bound is the max of the parts' bounds. The whole is proven optimal exactly
 * when that max bound reaches the max peak: parts below the max need no proof at all.
 *
 * Why it pays (issue #15): the exact search restarts with one static buffer order for the whole
 * problem; when one part fits only under one order and another only under another, no restart fits
 * both. Solved apart, each part gets its own orders, restarts and budgets.
 */
import { bounds } from '../problem/bounds.js';
import { indicesByKey } from '../problem/sweep.js';
import type { Buffer, MethodResult, Problem, Step } from '../problem/types.js';
import { hasTies } from '../problem/relative.js';
import { validateProblem } from '../problem/validate.js';
import { Deadline, defaultTimeLimitMs, OUT_OF_REACH_SHARE, type Clock } from './deadline.js';
import { HEURISTIC_ORDER, type MethodName } from './methods.js';
import type { SolveOptions, SolveResult } from './solve.js';

/** A group of buffers independent of every other group: no buffer of it overlaps one outside it in time. */
export interface Part {
  /** Indices into `problem.buffers`, increasing. */
  indices: number[];
  /** First step of the part (its earliest start). */
  start: Step;
  /** Step after its last one (its latest end); the next part starts at or after it. */
  end: Step;
}

/**
 * Splits a problem at every step no buffer crosses: the connected components of its time-overlap
 * graph, in time order. One part (all indices) when nothing splits; none for no buffers.
 * Deterministic: depends only on the buffers' ranges and order.
 */
export function splitInTime(problem: Problem): Part[] {
  const bs = problem.buffers;
  const n = bs.length;
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    start[i] = bs[i]!.start;
    end[i] = bs[i]!.end;
  }
  const order = indicesByKey(start);
  // Each buffer's part, found in start order over typed arrays; the parts' index lists are then
  // filled in index order (increasing, without a sort). A million buffers in one part: ~0.8 s -> ~0.1 s.
  const partOf = new Uint32Array(n);
  const parts: Part[] = [];
  let cur: Part | undefined;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    // [start, end) ranges that touch (end == start) do not overlap: the step between them is a cut.
    if (cur === undefined || start[i]! >= cur.end) {
      cur = { indices: [], start: start[i]!, end: end[i]! };
      parts.push(cur);
    }
    partOf[i] = parts.length - 1;
    if (end[i]! > cur.end) cur.end = end[i]!;
  }
  if (parts.length === 1) {
    const all = new Array<number>(n);
    for (let i = 0; i < n; i++) all[i] = i;
    parts[0]!.indices = all;
    return parts;
  }
  for (let i = 0; i < n; i++) parts[partOf[i]!]!.indices.push(i);
  return parts;
}

/**
 * The parts to solve apart, or undefined to solve the problem as one piece: only the portfolios that
 * search (`auto`, `search`, `exact`) split, unless `split` is false, and only a problem of 2 parts or
 * more. Validates the problem first (InputError, as solve() throws it) unless the caller did (`validated`).
 */
export function partsToSolve(problem: Problem, options: SolveOptions, validated = false): Part[] | undefined {
  const method = options.method ?? 'auto';
  if (options.split === false || !(method === 'auto' || method === 'search' || method === 'exact')) return undefined;
  if (!validated) validateProblem(problem);
  // Aliases tie buffers across parts: solve.ts plans such problems whole (their blocks' rectangles may split).
  if (hasTies(problem)) return undefined;
  const parts = splitInTime(problem);
  return parts.length > 1 ? parts : undefined;
}

/** What one part's solve gave, as the result's `parts` lists it. */
export interface PartSummary {
  /** Buffers in the part. */
  buffers: number;
  /** Steps [start, end) the part spans. */
  start: Step;
  end: Step;
  /** The part's own peak (bytes) and a proven lower bound on it (bytes). */
  peak: number;
  bound: number;
  /** The method whose plan the part kept, and what proves its bound. */
  method: string;
  proof: string;
  /** Exact-search nodes over every solve of the part. */
  searchNodes: number;
  /** Wall time of every solve of the part, milliseconds. */
  timeMs: number;
}

/** solve.ts's finishPlan (passed in, so that the two modules do not import each other). */
export type FinishPlan = (
  problem: Problem,
  best: { offsets: number[]; peak: number; method: string },
  proven: { bound: number; proof: string; live: number; largest: number },
  methods: MethodResult[],
  t0: number,
) => SolveResult;

/** One solve of the whole (a single heuristic) or of a part the plan of parts asks for. */
export interface PartAsk {
  problem: Problem;
  options: SolveOptions;
  /**
   * How the driver sets the solve's `timeLimitMs` when it starts (see partTimeLimit): the parts weigh
   * their buffers; 0 for the single heuristics, which take no time limit.
   */
  weight: number;
  /**
   * Only time ends this solve's search (`exact` with no `maxNodes`): it gets a share of the time left
   * by weight, so that one hard part cannot take all of it. Otherwise budgets end it and it gets all
   * the time left, less `reserveMs`.
   */
  timeOnly: boolean;
  /**
   * Milliseconds this solve leaves to the solves after it in its batch and to the closing of the
   * whole (its verifier): about what a greedy decode of those buffers costs (see partsPlan). 0 when
   * nothing follows.
   */
  reserveMs: number;
}

/**
 * The plan of parts as a sequence of batches: it yields the solves it needs (the solves of one batch are
 * independent and may run at once, in any order), receives their results in the same order, and
 * returns the combined, verified result. solveInParts runs it inline, the worker pool in parallel.
 */
export type PartsPlan = Generator<PartAsk[], SolveResult, SolveResult[]>;

/**
 * Time limit of a solve of a part that starts now (ms, at least 1): all the time left to the deadline
 * (the caller takes off what the solves after it need, PartAsk.reserveMs). Each part gets the whole
 * of it, not a share, so the node and work budgets end the parts' solves as
 * they would end a problem of its own, and the plan does not depend on the machine's speed, on how many
 * parts run at once, or on other files' solves sharing the pool (`plan --jobs`). Only when the deadline
 * itself is reached first (a time-capped solve) does the time a part gets matter.
 */
export function timeLeft(deadline: number, now: number = performance.now()): number {
  return Math.max(1, deadline - now);
}

/**
 * Time limit of a solve that starts now (ms, at least 1): all the time left to `deadline` less the
 * ask's `reserveMs` (timeLeft) when budgets end it, the report's rows too; when only time does (`timeOnly`), that time shared by
 * weight (buffers) among the solves of its batch not yet started (`weightLeft`, this one's included),
 * `running` of which run at once, so that time a part does not use passes on to the later ones. The
 * plan of such a solve depends on the machine's speed anyway (the `exact` search without a budget).
 */
export function partTimeLimit(deadline: number, ask: PartAsk, weightLeft: number, running: number, now: number = performance.now()): number {
  if (!ask.timeOnly || ask.weight === 0) return timeLeft(deadline - ask.reserveMs, now);
  return Math.max(1, (deadline - ask.reserveMs - now) * Math.min(1, (running * ask.weight) / Math.max(ask.weight, weightLeft)));
}

/**
 * The one end of a solve with these options started now: its time limit from now, or its `deadline`
 * (the command's) when that is earlier (as solve() reads them), on the deadline's clock when it has one.
 * Every solve of the parts, the report's rows and the closing verifier share it.
 */
export function deadlineOf(options: SolveOptions, clock: Clock = options.deadline?.clock ?? (() => performance.now())): Deadline {
  const limit = options.timeLimitMs ?? (options.deadline !== undefined ? Infinity : defaultTimeLimitMs(options.method));
  return new Deadline(Math.min(clock() + limit, options.deadline?.endMs ?? Infinity), clock);
}

/** The name the combined plan goes by in the report. */
export const DECOMPOSED = 'decomposed';

/** Id of the floor buffer added to a part, made unique among the part's ids (see floorId). */
const FLOOR_ID = '\u0000floor';

/** FLOOR_ID, with '+' appended until no buffer of the part has it (a user may name a buffer so). */
function floorId(buffers: readonly Buffer[]): string {
  const ids = new Set(buffers.map((b) => b.id));
  let id = FLOOR_ID;
  while (ids.has(id)) id += '+';
  return id;
}

/**
 * The part as a problem of its own, with a *floor*: one extra buffer of `floor` bytes alone at a step
 * after the part. Every plan of it then has peak >= floor, so the portfolio stops as soon as the
 * part's own buffers reach the floor (a level the whole needs anyway, or the capacity that is the
 * first goal) instead of searching below it, with no option added to solve(). A bound B it proves
 * with B > floor is a bound of the part alone (peak' = max(floor, peak) >= B > floor forces peak >= B).
 * The floor buffer takes the part's common alignment, so the aligned live bound still applies.
 *
 * The part problem is re-validated by solve(), so it must stay valid: the floor's id is unique in the
 * part (floorId); it lives at the step after the part, or, when that step is past 2^53-1, the step
 * before it (a part that ends there is not the first, so that step is safe); and when the part's
 * bytes plus the floor would pass 2^53-1 (the total validateProblem allows), no floor is added (the
 * part is then searched down to its own bound: slower, as sound).
 */
function withFloor(problem: Problem, part: Part, floor: number, capacity: number | undefined): Problem {
  const buffers: Buffer[] = part.indices.map((i) => problem.buffers[i]!);
  const a = buffers[0]!.align ?? 1;
  const common = buffers.every((b) => (b.align ?? 1) === a && b.offset === undefined);
  const total = buffers.reduce((t, b) => t + b.size, 0);
  if (floor > 0 && Number.isSafeInteger(total + floor)) {
    const at = part.end < Number.MAX_SAFE_INTEGER ? part.end : part.start - 1;
    buffers.push({ id: floorId(buffers), size: floor, start: at, end: at + 1, ...(common && a > 1 ? { align: a } : {}) });
  }
  return capacity === undefined ? { buffers } : { buffers, capacity };
}

/** A part while it is solved: what its summary will say, and the offsets of its best plan. */
interface PartState extends Pick<PartSummary, 'peak' | 'bound' | 'method' | 'proof' | 'searchNodes' | 'timeMs'> {
  part: Part;
  /** Cheap bound of the part alone. */
  cheap: number;
  offsets: number[];
}

/**
 * Plans a problem part by part (`parts` from splitInTime, more than one) with the portfolio
 * `options.method` (`auto`, `search` or `exact`), then combines and verifies the whole plan.
 *
 * - The report rows: the single-shot heuristics on the whole problem (the baselines keep their
 *   meaning; `naive` is still "no reuse at all"), then the combined plan as `decomposed`. The plan
 *   kept is the lowest of these (on equal peaks the earlier row). When one of them already meets the
 *   lower bound, nothing is split (the plan is then the one solve() of the whole would give).
 * - Pass 1: each part in time order, with the floor G = the largest cheap bound among the parts, or
 *   the capacity when one is given (the first goal is then to fit it). A part gets all the time left
 *   (partTimeLimit): the node and work budgets of `auto` and `search` (and a caller's `maxNodes` and
 *   `iterations`) apply to each part as they would to a problem of its own, and end its solve. Only
 *   `exact` without `maxNodes`, which nothing but time ends, shares the time left by buffers.
 * - Pass 2 (with a capacity, once every part fits it): the part holding the max peak P is solved
 *   again under capacity P - 1 with the floor at the best bound B, each part at most once: a lower
 *   plan lowers the max; a proof that nothing fits P - 1 proves the whole optimal at P; a part that
 *   gets neither ends the pass (the max can no longer go down).
 * - When a cheap bound already exceeds the capacity, the result is infeasible; the parts are solved as without a capacity (the lowest peak).
 * - Bound: the max over parts of what each proves of itself (its cheap bound, or a search proof above
 *   its floor). Status from finishPlan: optimal only if that max reaches the combined peak.
 * Deterministic as solve() is: the parts, their order, their options and the number of solves depend
 * only on the input (the time matters only when the deadline, not a budget, ends a part's solve).
 */
export function solveInParts(problem: Problem, parts: Part[], options: SolveOptions, solve: (p: Problem, o: SolveOptions) => SolveResult, finishPlan: FinishPlan): SolveResult {
  const end = deadlineOf(options);
  const t0 = end.now();
  const steps = partsPlan(problem, parts, options, finishPlan, t0, end);
  let next = steps.next([]);
  while (!next.done) {
    const asks = next.value;
    let weightLeft = asks.reduce((w, a) => w + a.weight, 0);
    next = steps.next(
      asks.map((a) => {
        const t = partTimeLimit(end.endMs, a, weightLeft, 1, end.now());
        weightLeft -= a.weight;
        // Every solve (the rows too) ends by the one deadline, on its clock (a test's fake clock drives them all).
        return solve(a.problem, { ...a.options, deadline: end, timeLimitMs: t });
      }),
    );
  }
  return next.value;
}

/**
 * solveInParts with the solves of each batch run at once by `run` (a pool of `workers` workers, say,
 * possibly shared with other solves): `run(ask, timeLimit)` calls `timeLimit()` when the solve starts,
 * for its `timeLimitMs`. The parts' problems and budgets are those solveInParts gives, so where budgets,
 * not time, end the solves, the plan is the same byte for byte.
 */
export async function solveInPartsAsync(
  problem: Problem,
  parts: Part[],
  options: SolveOptions,
  run: (ask: PartAsk, timeLimit: () => number) => Promise<SolveResult>,
  finishPlan: FinishPlan,
  workers: number,
): Promise<SolveResult> {
  const end = deadlineOf(options, () => performance.now());
  const t0 = end.now();
  const steps = partsPlan(problem, parts, options, finishPlan, t0, end);
  let next = steps.next([]);
  while (!next.done) {
    const asks = next.value;
    let weightLeft = asks.reduce((w, a) => w + a.weight, 0);
    const limitOf = (a: PartAsk): number => {
      const t = partTimeLimit(end.endMs, a, weightLeft, workers);
      weightLeft -= a.weight;
      return t;
    };
    const results = await Promise.all(asks.map((a) => run(a, () => limitOf(a))));
    next = steps.next(results);
  }
  return next.value;
}

/**
 * The steps of solveInParts (see there), for any driver: inline, or the parts in parallel workers.
 * `end` is the one deadline every solve shares (deadlineOf(options) when not given); the driver gives
 * each solve its time from it (partTimeLimit). How the time is shared, when it is short:
 * - the rows: greedy-size first, alone; the other rows only as many as fit in half the time left,
 *   each costed as greedy-size took (the others are left out, and a note says so);
 * - each part's solve leaves (reserveMs) twice what greedy-size on the whole took, pro rata to the
 *   buffers of the parts after it in its batch, plus half of it for the closing verifier: a later part
 *   is never left without the time of its first plan;
 * - pass 2 runs only while the deadline has not passed.
 * Where budgets end every solve before the deadline, none of this changes the plan.
 */
export function* partsPlan(problem: Problem, parts: Part[], options: SolveOptions, finishPlan: FinishPlan, t0: number, end: Deadline = deadlineOf(options)): PartsPlan {
  const method = options.method ?? 'auto';
  const notes: string[] = [];
  /** Set when the clock stopped a part's local search or search (SolveResult.clockStopped). */
  let clockStopped = false;
  const withNotes = (r: SolveResult): SolveResult => {
    if (notes.length > 0) r.notes = [...(r.notes ?? []), ...notes];
    return r;
  };

  // The report's rows: the single-shot heuristics on the whole problem, as the portfolio runs them.
  const names: MethodName[] = method === 'search' ? ['greedy-size'] : HEURISTIC_ORDER.filter((m) => m !== 'local-search');
  const methods: MethodResult[] = [];
  let best: { offsets: number[]; peak: number; method: string } | undefined;
  // The rows plan `problem` itself, which solve() validated (or its caller did) before splitting it.
  const row = (name: MethodName): PartAsk => ({ problem, options: { method: name, validated: true }, weight: 0, timeOnly: false, reserveMs: 0 });
  const takeRows = (rows: readonly SolveResult[], of: readonly MethodName[]): void =>
    rows.forEach((r, i) => {
      const name = of[i]!;
      methods.push({ method: name, peak: r.peak, timeMs: r.timeMs });
      if (best === undefined || r.peak < best.peak) best = { offsets: r.offsets, peak: r.peak, method: name };
    });
  const firstRow = yield [row(names[0]!)];
  takeRows(firstRow, names.slice(0, 1));
  // The whole's cheap bounds (src/problem/bounds.ts), as the first row found them: a single heuristic's
  // solve proves nothing more (no search, no sub-instance bound), so its bound and proof are bounds(problem)'s,
  // without a second sweep over every buffer here.
  const r0 = firstRow[0]!;
  const cheap = { bound: r0.bound, proof: r0.proof, live: r0.liveBound, largest: r0.largest };
  // A capacity below the cheap bound is out of reach: the parts go for the lowest peak instead.
  const capacity = problem.capacity !== undefined && cheap.bound > problem.capacity ? undefined : problem.capacity;
  /** What one greedy decode of every buffer costs (ms), about: greedy-size's row. */
  const greedyMs = methods[0]!.timeMs;
  // The other rows, as many as fit in half the time left (the parts need the rest), each costed as greedy-size.
  const rest = names.slice(1);
  const room = greedyMs > 0 ? Math.floor(end.leftMs() / 2 / greedyMs) : rest.length;
  const others = rest.slice(0, Math.max(0, Math.min(rest.length, room)));
  for (const name of rest.slice(others.length)) notes.push(`${name} left out: the time limit was reached`);
  if (others.length > 0) takeRows(yield others.map(row), others);

  // A heuristic that meets the lower bound leaves nothing to search. A bound above the capacity proves
  // it infeasible, but the parts are still solved for the lowest peak, as without a capacity: that is
  // the one-arena figure reported beside the spilled plan (issue #10).
  if (best!.peak <= cheap.bound) {
    return withNotes(finishPlan(problem, best!, { bound: cheap.bound, proof: cheap.proof, live: cheap.live, largest: cheap.largest }, methods, t0));
  }
  // A capacity out of reach: the parts take a share of the time left, the spill that follows the rest.
  // Each part's solve leaves that rest (reserveMs), as it leaves room for the verifier.
  const spillReserveMs = capacity !== problem.capacity && Number.isFinite(end.leftMs()) ? end.leftMs() * (1 - OUT_OF_REACH_SHARE) : 0;
  if (spillReserveMs > 0) end = end.before(spillReserveMs);
  /** The time to leave after a solve: the first plans of `buffers` more buffers (twice their share of greedyMs), and the closing verifier. */
  const reserveFor = (buffers: number): number => (2 * greedyMs * buffers) / Math.max(1, problem.buffers.length) + greedyMs / 2;

  // Too little time left for the parts' first plans (a decode of every buffer again): the rows' plan stands.
  if (end.leftMs() < reserveFor(problem.buffers.length)) {
    notes.push(`the ${parts.length} parts split in time left out: the time limit was reached`);
    return withNotes(finishPlan(problem, best!, { bound: cheap.bound, proof: cheap.proof, live: cheap.live, largest: cheap.largest }, methods, t0));
  }
  const states: PartState[] = parts.map((part) => {
    const c = bounds({ buffers: part.indices.map((i) => problem.buffers[i]!) });
    return { part, cheap: c.bound, offsets: [], peak: Infinity, bound: c.bound, method: '', proof: c.proof, searchNodes: 0, timeMs: 0 };
  });
  // The whole's cheap bound can exceed every part's (never for intervals alone: kept for safety).
  let bestBound = Math.max(cheap.bound, ...states.map((s) => s.cheap));
  // Nodes of the solves done, and of each one running (progress lines add them up).
  let nodesDone = 0;
  const running = new Map<PartState, number>();

  // Only time ends the search of `exact` without maxNodes (as in solve()); budgets end every other.
  const timeOnly = method === 'exact' && options.maxNodes === undefined;
  /** The solve of one part with a floor and a capacity (the driver sets its time limit). */
  const ask = (s: PartState, floor: number, cap: number | undefined, after = 0): PartAsk => {
    const { onProgress, timeLimitMs: _whole, deadline: _end, ...rest } = options;
    const report = onProgress
      ? (p: Parameters<typeof onProgress>[0]): void => {
          running.set(s, p.nodes);
          let nodes = nodesDone;
          for (const n of running.values()) nodes += n;
          // The time since the whole solve started (each part's solve counts from its own start).
          onProgress({ ...p, nodes, bound: bestBound, elapsedMs: performance.now() - t0 });
        }
      : undefined;
    return { problem: withFloor(problem, s.part, floor, cap), options: { ...rest, method, split: false, ...(report ? { onProgress: report } : {}) }, weight: s.part.indices.length, timeOnly, reserveMs: reserveFor(after) + spillReserveMs };
  };
  /** Takes a part's result: keeps a lower plan and a stronger proof. */
  const take = (s: PartState, r: SolveResult, floor: number, cap: number | undefined): 'lower' | 'proven' | 'none' => {
    running.delete(s);
    const n = s.part.indices.length;
    const offsets = r.offsets.slice(0, n);
    let peak = 0;
    s.part.indices.forEach((i, k) => (peak = Math.max(peak, offsets[k]! + problem.buffers[i]!.size)));
    s.searchNodes += r.searchNodes ?? 0;
    nodesDone += r.searchNodes ?? 0;
    if (r.clockStopped === true) clockStopped = true;
    s.timeMs += r.timeMs;
    let outcome: 'lower' | 'proven' | 'none' = 'none';
    if (peak < s.peak) {
      s.offsets = offsets;
      s.peak = peak;
      s.method = r.method;
      outcome = 'lower';
    }
    // Only a bound above the floor speaks about the part itself (see withFloor).
    if (r.bound > floor && r.bound > s.bound) {
      s.bound = r.bound;
      s.proof = r.proof;
      if (cap !== undefined && r.bound > cap) outcome = 'proven';
    }
    if (s.bound > bestBound) bestBound = s.bound;
    return outcome;
  };

  // Pass 1: every part (one batch), to the capacity when given, else to the floor every plan needs.
  const floor1 = capacity !== undefined ? Math.max(capacity, bestBound) : bestBound;
  // Each part leaves the first plans of the parts after it their time (reserveFor).
  let after = problem.buffers.length;
  const first = yield states.map((s) => ask(s, floor1, capacity, (after -= s.part.indices.length)));
  states.forEach((s, i) => take(s, first[i]!, floor1, capacity));

  // Pass 2: lower the max while the part holding it improves.
  if (capacity !== undefined && floor1 > bestBound) {
    // At most one try per part (a count, not the clock, ends the pass: the plan must not depend on speed).
    const tried = new Set<PartState>();
    while (tried.size < states.length && !end.passed()) {
      const top = Math.max(...states.map((s) => s.peak));
      if (top > capacity || top <= bestBound) break;
      const s = states.find((x) => x.peak === top)!;
      if (tried.has(s)) break;
      tried.add(s);
      const floor = bestBound;
      const [r] = yield [ask(s, floor, top - 1)];
      if (take(s, r!, floor, top - 1) !== 'lower') break;
    }
  }

  const offsets = new Array<number>(problem.buffers.length).fill(0);
  let peak = 0;
  for (const s of states) {
    s.part.indices.forEach((i, k) => (offsets[i] = s.offsets[k]!));
    peak = Math.max(peak, s.peak);
  }
  const timeMs = states.reduce((t, s) => t + s.timeMs, 0);
  methods.push({ method: DECOMPOSED, peak, timeMs });
  if (peak < best!.peak) best = { offsets, peak, method: DECOMPOSED };

  // What proves the bound: the whole's cheap bound when it is the best, else the part that proves more.
  const holder = states.find((s) => s.bound === bestBound);
  const proof =
    bestBound === cheap.bound || holder === undefined
      ? `${cheap.proof} (${parts.length} parts split in time)`
      : `part ${states.indexOf(holder) + 1} of ${parts.length} (steps ${holder.part.start}..${holder.part.end}): ${holder.proof}`;
  if (end.passed()) notes.push('the time limit was reached while the parts were planned: the later ones got only what was left');
  const result = withNotes(finishPlan(problem, best!, { bound: bestBound, proof, live: cheap.live, largest: cheap.largest }, methods, t0));
  const searchNodes = states.reduce((t, s) => t + s.searchNodes, 0);
  if (searchNodes > 0) result.searchNodes = searchNodes;
  if (clockStopped) result.clockStopped = true;
  result.parts = states.map((s) => ({
    buffers: s.part.indices.length,
    start: s.part.start,
    end: s.part.end,
    peak: s.peak,
    bound: s.bound,
    method: s.method,
    proof: s.proof,
    searchNodes: s.searchNodes,
    timeMs: s.timeMs,
  }));
  return result;
}
