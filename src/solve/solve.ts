import { alignedLiveBound, largestBuffer, liveBound } from '../problem/bounds.js';
import type { MethodResult, Plan, PlanStatus, Problem } from '../problem/types.js';
import { validateProblem } from '../problem/validate.js';
import { verifyPlan } from '../problem/verify.js';
import { HEURISTIC_ORDER, KERNELS, isMethodName, isPortfolio, type MethodName, type Portfolio } from './methods.js';
import { Engine, type SearchProgress } from './wasm/engine.js';

export interface SolveOptions {
  /** A portfolio (`auto` default, `heuristic`, `search`, `exact`) or one method by name. */
  method?: MethodName | Portfolio;
  /** Wall-clock limit of the whole solve, milliseconds (default 2000; 60000 for `exact`). */
  timeLimitMs?: number;
  /** Seed of the local search (default 1). Same seed, same plan. */
  seed?: number;
  /** Moves the local search tries at most (default 20000). */
  iterations?: number;
  /** Nodes the exact search explores at most (default: no limit but the time). */
  maxNodes?: number;
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
}

let engine: Engine | undefined;

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
 */
export function solve(problem: Problem, options: SolveOptions = {}): SolveResult {
  const t0 = now();
  validateProblem(problem);
  const method = options.method ?? 'auto';
  if (!isPortfolio(method) && !isMethodName(method)) throw new Error(`unknown method "${String(method)}"`);
  const timeLimitMs = options.timeLimitMs ?? (method === 'exact' ? 60_000 : 2000);
  const deadline = t0 + timeLimitMs;
  const seed = options.seed ?? 1;
  const iterations = options.iterations ?? 20000;
  const live = liveBound(problem);
  const largest = largestBuffer(problem);
  const aligned = alignedLiveBound(problem);
  let bound = Math.max(live, aligned, largest);
  let proof = bound === live ? 'live bound' : bound === aligned ? 'live bound with alignment' : 'largest buffer';
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
        ? eng.localSearch(seed, bound, iterations, () => now() - t < lsBudgetMs)
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
      // The local search takes at most a fifth of the budget when a search may follow.
      runHeuristic(name, method === 'heuristic' ? deadline - now() : (deadline - now()) / 5);
    }
  }

  let searchNodes: number | undefined;
  const wantSearch = method === 'auto' || method === 'exact' || method === 'search';
  if (wantSearch && best!.peak > bound && !(capacity !== undefined && bound > capacity)) {
    const t = now();
    // First make it fit the capacity when the heuristics did not, then lower the peak.
    const cap = capacity !== undefined && best!.peak > capacity ? capacity : best!.peak - 1;
    const outcome = eng.search(
      cap,
      bound,
      (p) => {
        options.onProgress?.({ ...p, bound });
        return now() < deadline;
      },
      options.maxNodes,
    );
    searchNodes = outcome.nodes;
    if (outcome.plan) keep('search', outcome.plan, t);
    else methods.push({ method: 'search', peak: NaN, timeMs: now() - t });
    if (outcome.exhausted && outcome.provenAbove + 1 > bound) {
      bound = outcome.provenAbove + 1;
      proof = `exact search: no plan with peak <= ${outcome.provenAbove} (${outcome.nodes} nodes)`;
    }
  }
  if (best === undefined) throw new Error('no method ran');
  const b = best as Best;

  const verdict = verifyPlan(problem, b.offsets, b.peak);
  if (!verdict.valid) {
    throw new Error(`internal error: ${b.method} produced an invalid plan:\n  ${verdict.errors.join('\n  ')}`);
  }
  // A plan can only undercut the bound if the bound were wrong: never label such a plan optimal.
  if (b.peak < bound) throw new Error(`internal error: peak ${b.peak} below the proven bound ${bound} (${proof})`);
  const status = statusOf(b.peak, bound, capacity);
  const result: SolveResult = {
    offsets: b.offsets,
    peak: b.peak,
    method: b.method,
    status,
    bound,
    gap: bound > 0 ? (b.peak - bound) / bound : 0,
    liveBound: live,
    largest,
    methods,
    proof,
    timeMs: now() - t0,
  };
  if (searchNodes !== undefined) result.searchNodes = searchNodes;
  if (capacity !== undefined) result.fits = b.peak <= capacity;
  return result;
}
