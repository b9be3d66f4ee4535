import { proxy } from 'comlink';
import type { Problem } from '../problem/types.js';
import { partsToSolve, solveInPartsAsync, type PartAsk } from '../solve/decompose.js';
import { checkSeed, finishPlan, type SolveOptions, type SolveResult } from '../solve/solve.js';
import { fromWire, poisonsWorker } from './errors.js';
import { Pool, type Spawn } from './pool.js';
import type { CrashKind, WireSolveOptions } from './protocol.js';
import { canRace, closeLane, closeRace, createRace, laneStarted, type RaceWire } from './race-channel.js';
import type { RaceStats } from './race.js';
import { hasTies } from '../problem/relative.js';

/** solve()'s options, and a signal that cancels the call. */
export interface WorkerSolveOptions extends SolveOptions {
  /** Aborting rejects the call with an AbortError and ends (then replaces) its worker. */
  signal?: AbortSignal;
}

/** How many workers and how to start them. */
export interface SolverOptions {
  /** Workers that solve at once (default 2); each is started on first use. */
  size?: number;
  /**
   * Reads how many cores other processes keep busy (0 .. cores), asked when a solve that may race its
   * exact search starts (raceLanes): it races only on cores left free. Default in Node: the machine's
   * busy time less this process's since the last reading (node-load.ts); in a page: 0. It changes only
   * the time a solve takes, never its plan.
   */
  busy?: () => number;
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
/** The last race's statistics per solver (test and bench hook; see lastRace). */
const races = new WeakMap<Solver, RaceStats>();
/** Solvers whose races wait for their lanes to load before the first run (test hook; see awaitLanes). */
const awaiting = new WeakSet<Solver>();

/** Problems up to which a solve races its exact search (a lane holds a copy of the problem). */
export const RACE_MAX_BUFFERS = 100_000;

/**
 * How many lanes (workers besides the solving one) a race may take: the pool's other workers, at most
 * one per core that neither the solving worker nor other processes use: min(size, cores) - 1, and at
 * most round(cores - busy) - 1 where `busy` is the cores other processes kept busy lately (a core
 * counts as free when other processes use less than half of it). Racing on cores other processes use slows
 * the search down: two lanes sharing one core each get half of it, and the race's runs ahead are
 * partly wasted (issue #15: 0.5-0.9x of one worker with load average 4-7 on 2 cores).
 */
export function raceLanes(size: number, cores: number, busy: number): number {
  const free = Math.floor(cores - Math.max(0, busy) + 0.5);
  return Math.max(0, Math.min(Math.min(size, cores) - 1, free - 1));
}

/**
 * The lanes of a race for one solve of `problem` with `options` (the solve's own: a part's, a report
 * row's): the pool's other workers, at most raceLanes(size, cores, busy()) of them, as background jobs (only workers
 * nobody else asks for, given back when another call waits), each serving the race until `end()` closes
 * it; undefined when the solve would not race: one worker or one core, no core free (raceLanes), no SharedArrayBuffer, a method
 * without the exact search, no restarts (switches.restarts off: one run per cap, nothing to run at
 * once), a problem with gaps or aliases (planned through blocks), none or more than RACE_MAX_BUFFERS
 * buffers.
 */
function racing(pool: Pool, problem: Problem, options: SolveOptions, cores: number, busy: () => number, awaitLanes: boolean): { wire: RaceWire; end: () => void } | undefined {
  const method = options.method ?? 'auto';
  const n = problem.buffers.length;
  if (Math.min(pool.size, cores) < 2 || !canRace() || !(method === 'auto' || method === 'search' || method === 'exact')) return undefined;
  if (options.switches?.restarts === false) return undefined;
  if (n === 0 || n > RACE_MAX_BUFFERS || hasTies(problem)) return undefined;
  const lanes = raceLanes(pool.size, cores, busy());
  if (lanes < 1) return undefined;
  const wire: RaceWire = { ...createRace(lanes, n), ...(awaitLanes ? { awaitLanes } : {}) };
  const state = wire.lanes.map(() => ({ started: false, stop: new AbortController() }));
  let ended = false;
  // Asked for after the calls queued with this one (the other parts of a problem split in time), so
  // the lanes take only the workers those leave idle.
  queueMicrotask(() => {
    if (ended) return;
    wire.lanes.forEach((sab, l) => {
      pool
        .run(
          (api) => {
            state[l]!.started = true;
            laneStarted(wire, l);
            return api.lane(problem, sab, wire.doorbell);
          },
          state[l]!.stop.signal,
          // Another call waits for this worker: the lane leaves the race (the driver takes its run back).
          { preempt: () => closeLane(wire, l) },
        )
        // A lane that fails or dies leaves the race; the driver takes its run back.
        .catch(() => closeLane(wire, l));
    });
  });
  return {
    wire,
    end: () => {
      ended = true;
      closeRace(wire);
      // Lanes still queued leave the queue; running ones return on their own (aborting would end their worker).
      for (const lane of state) if (!lane.started) lane.stop.abort();
    },
  };
}

/**
 * Builds a Solver over any way of starting workers (Node's or the browser's) on a machine of `cores`
 * cores (Node: os.availableParallelism(); a page: navigator.hardwareConcurrency), which bounds the lanes
 * of a race: racing on one core only slows the search down. `busy` reads how many cores other
 * processes keep busy (Node: node-load.ts outsideLoadReader; a page cannot know: 0), asked when a
 * solve that may race starts (raceLanes). Whatever it says, the plan is the same: only the time changes.
 */
export function solverOver(spawn: Spawn, options: SolverOptions = {}, cores = 1, busy: () => number = options.busy ?? (() => 0)): Solver {
  const pool = new Pool(spawn, options.size ?? 2);
  const solver: Solver = {
    size: pool.size,
    solve(problem: Problem, opts: WorkerSolveOptions = {}): Promise<SolveResult> {
      // A bad seed is the caller's fault: refused here, as solve() refuses it, without a worker's time.
      try {
        checkSeed(opts.seed);
      } catch (e) {
        return Promise.reject(e);
      }
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
      /**
       * One solve in a free worker with `base` (its options but the time limit, read when it starts).
       * With more than one worker its exact search races in the workers left idle (src/worker/race.ts):
       * the same plan, sooner. The lanes are asked for once the solve has its worker, so they never
       * take the worker it waits for.
       */
      const one = (p: Problem, base: SolveOptions, optionsAtStart: () => SolveOptions): Promise<SolveResult> => {
        let race: ReturnType<typeof racing>;
        const solved = pool.run(async (api, recycle) => {
          race = racing(pool, p, base, cores, busy, awaiting.has(solver));
          const { onProgress, deadline, ...rest } = optionsAtStart();
          // A deadline crosses as the time left when the call starts (a call may wait for a worker).
          // On the real clock it crosses as its end too, so the time in transit counts (WireSolveOptions.endsAtEpochMs).
          const epoch = deadline?.toEpochMs();
          const wire: WireSolveOptions = deadline
            ? { ...rest, timeLimitMs: Math.min(rest.timeLimitMs ?? Infinity, deadline.leftMs()), ...(epoch !== undefined ? { endsAtEpochMs: epoch } : {}) }
            : rest;
          const outcome = await api.solve(p, wire, onProgress ? proxy(onProgress) : undefined, race?.wire);
          if (outcome.ok) {
            if (outcome.race !== undefined && outcome.race.searches > 0) races.set(solver, outcome.race);
            return outcome.result;
          }
          if (poisonsWorker(outcome.error)) recycle();
          throw fromWire(outcome.error);
        }, signal);
        return solved.finally(() => race?.end());
      };
      // The portfolios that search split the problem in time (src/solve/decompose.ts): with more than
      // one worker, the parts are solved at once. Each part whose budgets end it gets all the time left
      // when it starts (not a share), so other solves sharing the pool (plan --jobs) do not change it.
      let parts;
      try {
        parts = pool.size > 1 ? partsToSolve(problem, options) : undefined;
      } catch (e) {
        return Promise.reject(e);
      }
      if (parts === undefined) return settle(one(problem, options, () => options));
      const run = (ask: PartAsk, timeLimit: () => number | undefined): Promise<SolveResult> =>
        one(ask.problem, ask.options, () => {
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
 * Test hook: the solver's races start each search only once every lane has loaded the problem (or
 * left the race), so the lanes take part in even a short search whatever the machine's speed
 * (RaceWire.awaitLanes). Plans are unchanged; only when the runs start. Not for production: a solve
 * then waits for the lanes' workers.
 */
export function awaitLanes(solver: Solver): void {
  awaiting.add(solver);
}

/** Test and bench hook: what the solver's last raced search did (undefined before any). */
export function lastRace(solver: Solver): RaceStats | undefined {
  return races.get(solver);
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
