import { proxy } from 'comlink';
import type { Problem } from '../problem/types.js';
import { partsToSolve, solveInPartsAsync, type PartAsk } from '../solve/decompose.js';
import { finishPlan, type SolveOptions, type SolveResult } from '../solve/solve.js';
import { fromWire, poisonsWorker } from './errors.js';
import { Pool, type Spawn } from './pool.js';
import type { CrashKind, WireSolveOptions } from './protocol.js';

/** solve()'s options, and a signal that cancels the call. */
export interface WorkerSolveOptions extends SolveOptions {
  /** Aborting rejects the call with an AbortError and ends (then replaces) its worker. */
  signal?: AbortSignal;
}

/** How many workers and how to start them. */
export interface SolverOptions {
  /** Workers that solve at once (default 2); each is started on first use. */
  size?: number;
}

/** solve() behind a small pool of workers: same problem, same options, same plan, but async. */
export interface Solver {
  /** Plans the problem in a free worker (or when one frees up); rejects with solve()'s errors. */
  solve(problem: Problem, options?: WorkerSolveOptions): Promise<SolveResult>;
  /** Number of workers in the pool. */
  readonly size: number;
  /** Terminates every worker; calls still running or waiting reject. */
  close(): void;
}

const pools = new WeakMap<Solver, Pool>();

/** Builds a Solver over any way of starting workers (Node's or the browser's). */
export function solverOver(spawn: Spawn, options: SolverOptions = {}): Solver {
  const pool = new Pool(spawn, options.size ?? 2);
  const solver: Solver = {
    size: pool.size,
    solve(problem: Problem, opts: WorkerSolveOptions = {}): Promise<SolveResult> {
      const { signal, onProgress: callerProgress, ...rest } = opts;
      // Progress reaches the caller with the time since this call (a part may wait for a worker), and
      // never once the call was aborted or has settled (reports already sent may still be queued).
      const started = performance.now();
      let settled = false;
      const onProgress = callerProgress
        ? (p: Parameters<typeof callerProgress>[0]): void => {
            if (settled || signal?.aborted === true) return;
            callerProgress({ ...p, elapsedMs: performance.now() - started });
          }
        : undefined;
      const options: SolveOptions = onProgress ? { ...rest, onProgress } : rest;
      const settle = <T>(p: Promise<T>): Promise<T> =>
        p.finally(() => {
          settled = true;
        });
      /** One solve in a free worker; its options are read when it starts. */
      const one = (p: Problem, optionsAtStart: () => SolveOptions): Promise<SolveResult> =>
        pool.run(async (api, recycle) => {
          const { onProgress, deadline, ...rest } = optionsAtStart();
          // A deadline crosses as the time left when the call starts (a call may wait for a worker).
          const wire: WireSolveOptions = deadline ? { ...rest, timeLimitMs: Math.min(rest.timeLimitMs ?? Infinity, deadline.leftMs()) } : rest;
          const outcome = await api.solve(p, wire, onProgress ? proxy(onProgress) : undefined);
          if (outcome.ok) return outcome.result;
          if (poisonsWorker(outcome.error)) recycle();
          throw fromWire(outcome.error);
        }, signal);
      // The portfolios that search split the problem in time (src/solve/decompose.ts): with more than
      // one worker, the parts are solved at once. Each part whose budgets end it gets all the time left
      // when it starts (not a share), so other solves sharing the pool (plan --jobs) do not change it.
      let parts;
      try {
        parts = pool.size > 1 ? partsToSolve(problem, options) : undefined;
      } catch (e) {
        return Promise.reject(e);
      }
      if (parts === undefined) return settle(one(problem, () => options));
      const run = (ask: PartAsk, timeLimit: () => number | undefined): Promise<SolveResult> =>
        one(ask.problem, () => {
          const t = timeLimit();
          return t === undefined ? ask.options : { ...ask.options, timeLimitMs: t };
        });
      return settle(solveInPartsAsync(problem, parts, options, run, finishPlan, pool.size));
    },
    close(): void {
      pool.close();
    },
  };
  pools.set(solver, pool);
  return solver;
}

/**
 * Test hook: makes one worker of the pool die (an uncaught exception, or exiting), as a crash in
 * WASM or an out-of-memory would. The returned promise rejects with the crash.
 */
export function crashWorker(solver: Solver, kind: CrashKind): Promise<never> {
  const pool = pools.get(solver);
  if (!pool) throw new Error('not a solver made by createSolver()');
  return pool.run((api) => api.crash(kind));
}
