import { bounds } from '../problem/bounds.js';
import type { MethodResult, Plan, PlanStatus, Problem } from '../problem/types.js';
import { validateProblem } from '../problem/validate.js';
import { verifyPlan } from '../problem/verify.js';
import { partsToSolve, solveInParts, type PartSummary } from './decompose.js';
import { HEURISTIC_ORDER, KERNELS, isMethodName, isPortfolio, type MethodName, type Portfolio } from './methods.js';
import { Engine, type SearchProgress } from './wasm/engine.js';

export interface SolveOptions {
  /** A portfolio (`auto` default, `heuristic`, `search`, `exact`) or one method by name. */
  method?: MethodName | Portfolio;
  /**
   * Wall-clock cap of the whole solve, milliseconds (default 10000; 60000 for `exact`). The move and
   * node budgets normally end a solve first, which keeps plans deterministic; when the cap ends it
   * instead, the plan depends on the machine's speed.
   */
  timeLimitMs?: number;
  /** Seed of the local search (default 1). Same seed, same plan. */
  seed?: number;
  /**
   * Moves the local search tries at most (default 20000, with a budget of work that ends it sooner
   * where moves are costly; giving `iterations`, even 20000, removes that work budget).
   */
  iterations?: number;
  /**
   * Nodes the exact search explores at most (default 500000 for `auto` and `search`, with a budget of
   * work that ends it sooner where nodes are costly; giving `maxNodes` removes that work budget; no
   * limit for `exact`).
   */
  maxNodes?: number;
  /**
   * Whether `auto`, `search` and `exact` first split the problem at the steps no buffer crosses and
   * solve the parts apart (default true; src/solve/decompose.ts). false solves it as one piece.
   */
  split?: boolean;
  /** Called every few thousand nodes of the exact search. */
  onProgress?: (p: SearchProgress & { bound: number }) => void;
}

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
 * (~1-3.5 s on the machine the figures in the README come from) and the exact search (~4-7 s) before
 * the time cap would, so the plan still does not depend on the machine. An explicit `iterations` or
 * `maxNodes` lifts the matching one.
 */
const DEFAULT_LS_WORK = 400e6;
const DEFAULT_SEARCH_WORK = 3500e6;

const now = (): number => performance.now();

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

/**
 * Plans a problem: validates it, runs the chosen methods in WASM, keeps the lowest peak, checks
 * the plan with the independent verifier and labels it: optimal when it meets the live bound or the
 * exact search exhausted everything below it; infeasible when nothing fits the capacity (proven).
 * The portfolios that search (`auto`, `search`, `exact`) first split the problem at the steps no
 * buffer crosses and solve the parts apart (src/solve/decompose.ts).
 */
export function solve(problem: Problem, options: SolveOptions = {}): SolveResult {
  const parts = partsToSolve(problem, options);
  return parts ? solveInParts(problem, parts, options, solveWhole, finishPlan) : solveWhole(problem, options);
}

/** solve() on the problem as one piece. */
function solveWhole(problem: Problem, options: SolveOptions): SolveResult {
  const t0 = now();
  validateProblem(problem);
  const method = options.method ?? 'auto';
  if (!isPortfolio(method) && !isMethodName(method)) throw new Error(`unknown method "${String(method)}"`);
  const timeLimitMs = options.timeLimitMs ?? (method === 'exact' ? 60_000 : 10_000);
  const maxNodes = options.maxNodes ?? (method === 'exact' ? Infinity : DEFAULT_MAX_NODES);
  const deadline = t0 + timeLimitMs;
  const seed = options.seed ?? 1;
  const iterations = options.iterations ?? 20000;
  const lsWork = options.iterations === undefined ? DEFAULT_LS_WORK : Infinity;
  const searchWork = options.maxNodes === undefined && method !== 'exact' ? DEFAULT_SEARCH_WORK : Infinity;
  const cheap = bounds(problem);
  const { live, largest } = cheap;
  let bound = cheap.bound;
  let proof: string = cheap.proof;
  const capacity = problem.capacity;

  engine ??= new Engine();
  const eng = engine;
  eng.load(problem);
  const methods: MethodResult[] = [];
  let best: Best | undefined;
  const keep = (name: string, res: { offsets: number[]; peak: number }, t: number): void => {
    methods.push({ method: name, peak: res.peak, timeMs: now() - t });
    if (best === undefined || res.peak < best.peak) best = { offsets: res.offsets, peak: res.peak, method: name };
  };
  const runHeuristic = (name: MethodName, lsBudgetMs: number): void => {
    const t = now();
    const res =
      name === 'local-search'
        ? eng.localSearch(seed, bound, iterations, () => now() - t < lsBudgetMs, lsWork)
        : eng.run(KERNELS[name]);
    keep(name, res, t);
  };

  if (isMethodName(method)) {
    runHeuristic(method, timeLimitMs);
  } else if (method === 'search') {
    runHeuristic('greedy-size', Infinity);
  } else {
    for (const name of HEURISTIC_ORDER) {
      if (name === 'local-search' && best!.peak <= bound) continue;
      // The local search takes at most half the time left when a search may follow.
      runHeuristic(name, method === 'heuristic' ? deadline - now() : (deadline - now()) / 2);
    }
  }

  let searchNodes: number | undefined;
  const wantSearch = method === 'auto' || method === 'exact' || method === 'search';
  if (wantSearch && best!.peak > bound && !(capacity !== undefined && bound > capacity)) {
    const t = now();
    let phaseEnd = deadline;
    const more = (p: SearchProgress): boolean => {
      options.onProgress?.({ ...p, nodes: (searchNodes ?? 0) + p.nodes, bound });
      return now() < phaseEnd;
    };
    // Phases: the capacity when the heuristics did not meet it (the search then goes on down from each
    // plan it finds); else the lower bound itself with half the budget (tight instances are often met
    // exactly, and a plan there ends the solve), then down from the best plan.
    const phases: number[] = [];
    if (capacity !== undefined && best!.peak > capacity) phases.push(capacity);
    else phases.push(bound, -1);
    let found = false;
    let workDone = 0;
    for (let i = 0; i < phases.length && now() < deadline; i++) {
      const cap = phases[i] === -1 ? best!.peak - 1 : phases[i]!;
      const left = maxNodes - (searchNodes ?? 0);
      const workLeft = searchWork - workDone;
      if (left <= 0 || workLeft <= 0) break;
      const half = i < phases.length - 1;
      // With no node or work budget (`exact`) only time can split the budget: half of what is left.
      phaseEnd = half && left === Infinity && workLeft === Infinity ? now() + (deadline - now()) / 2 : deadline;
      const outcome = eng.search(cap, bound, more, half ? Math.ceil(left / 2) : left, half ? workLeft / 2 : workLeft);
      searchNodes = (searchNodes ?? 0) + outcome.nodes;
      workDone += outcome.work;
      if (outcome.plan) {
        keep('search', outcome.plan, t);
        found = true;
      }
      if (outcome.exhausted && outcome.provenAbove + 1 > bound) {
        bound = outcome.provenAbove + 1;
        proof = `exact search: no plan with peak <= ${outcome.provenAbove} (${searchNodes} nodes)`;
      }
      if (best!.peak <= bound) break;
    }
    if (!found) methods.push({ method: 'search', peak: NaN, timeMs: now() - t });
  }
  if (best === undefined) throw new Error('no method ran');
  const b = best as Best;

  const result = finishPlan(problem, b, { bound, proof, live, largest }, methods, t0);
  if (searchNodes !== undefined) result.searchNodes = searchNodes;
  return result;
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
    timeMs: now() - t0,
  };
  if (problem.capacity !== undefined) result.fits = best.peak <= problem.capacity;
  return result;
}
