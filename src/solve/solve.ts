import { largestBuffer, liveBound } from '../problem/bounds.js';
import type { MethodResult, Plan, PlanStatus, Problem } from '../problem/types.js';
import { validateProblem } from '../problem/validate.js';
import { verifyPlan } from '../problem/verify.js';
import { AUTO_ORDER, KERNELS, isMethodName, type MethodName } from './methods.js';
import { Engine } from './wasm/engine.js';

export interface SolveOptions {
  /** One method by name, or `auto` (default): every heuristic, the best plan kept. */
  method?: MethodName | 'auto';
  /** Wall-clock cap on the local search, milliseconds (default 1000). */
  timeLimitMs?: number;
  /** Seed of the local search (default 1). Same seed, same plan. */
  seed?: number;
  /** Moves the local search tries at most (default 20000). */
  iterations?: number;
}

/** A plan together with what was tried and what is proven. */
export interface SolveResult extends Plan {
  /** Max over steps of the bytes live at that step. */
  liveBound: number;
  /** The largest single buffer. */
  largest: number;
  /** Each method that ran: its peak and time. */
  methods: MethodResult[];
  /** Whether the plan fits the problem's capacity; absent without a capacity. */
  fits?: boolean;
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

/**
 * Plans a problem: validates it, runs the chosen methods in WASM, keeps the lowest peak, checks
 * the plan with the independent verifier and labels it (optimal when it meets the live bound).
 */
export function solve(problem: Problem, options: SolveOptions = {}): SolveResult {
  const t0 = now();
  validateProblem(problem);
  const method = options.method ?? 'auto';
  if (method !== 'auto' && !isMethodName(method)) {
    throw new Error(`unknown method "${String(method)}"`);
  }
  const timeLimitMs = options.timeLimitMs ?? 1000;
  const seed = options.seed ?? 1;
  const iterations = options.iterations ?? 20000;
  const live = liveBound(problem);
  const largest = largestBuffer(problem);
  const bound = Math.max(live, largest);

  engine ??= new Engine();
  engine.load(problem);
  const wanted = method === 'auto' ? AUTO_ORDER : [method];
  const methods: MethodResult[] = [];
  let best: { offsets: number[]; peak: number; method: MethodName } | undefined;
  for (const name of wanted) {
    if (name === 'local-search' && method === 'auto' && best !== undefined && best.peak <= bound) continue;
    const t = now();
    const res =
      name === 'local-search'
        ? engine.localSearch(seed, bound, iterations, () => now() - t < timeLimitMs)
        : engine.run(KERNELS[name]);
    methods.push({ method: name, peak: res.peak, timeMs: now() - t });
    if (best === undefined || res.peak < best.peak) best = { offsets: res.offsets, peak: res.peak, method: name };
  }
  if (best === undefined) throw new Error('no method ran');

  const verdict = verifyPlan(problem, best.offsets, best.peak);
  if (!verdict.valid) {
    throw new Error(`internal error: ${best.method} produced an invalid plan:\n  ${verdict.errors.join('\n  ')}`);
  }
  const status = statusOf(best.peak, bound, problem.capacity);
  const result: SolveResult = {
    offsets: best.offsets,
    peak: best.peak,
    method: best.method,
    status,
    bound,
    gap: bound > 0 ? (best.peak - bound) / bound : 0,
    liveBound: live,
    largest,
    methods,
    timeMs: now() - t0,
  };
  if (problem.capacity !== undefined) result.fits = best.peak <= problem.capacity;
  return result;
}
