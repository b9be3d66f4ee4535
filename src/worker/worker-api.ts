import { releaseProxy, type Remote } from 'comlink';
import { solve, solveWithSearch, type SolveOptions } from '../solve/solve.js';
import { Deadline } from '../solve/deadline.js';
import { compileEngine, Engine } from '../solve/wasm/engine.js';
import { closeRace, type RaceWire } from './race-channel.js';
import { racingSearch, serveLane } from './race.js';
import { toWire } from './errors.js';
import type { CrashKind, Progress, WireOutcome, WireSolveOptions, WorkerApi } from './protocol.js';
import type { Problem } from '../problem/types.js';

/** Progress goes out at most this often (ms): each report is a message to the page or process. */
const PROGRESS_EVERY_MS = 50;

/** The engine a worker serves racing lanes with (solve() keeps its own). */
let laneEngine: Engine | undefined;

/**
 * The solver as a worker serves it: solve() unchanged, its errors flattened so that they arrive
 * whole. `exit` ends the worker (process.exit in Node, close() in a browser).
 */
export function workerApi(exit: () => void): WorkerApi {
  return {
    solve(problem: Problem, options: WireSolveOptions, onProgress?: (p: Progress) => void, race?: RaceWire): WireOutcome {
      let last = -Infinity;
      let lastPhase: Progress['phase'] | undefined;
      const forward = onProgress
        ? (p: Progress): void => {
            const t = performance.now();
            // A new phase always goes out (the caller shows what runs); within one, at most every 50 ms.
            if (p.phase === lastPhase && t - last < PROGRESS_EVERY_MS) return;
            last = t;
            lastPhase = p.phase;
            // Fire and forget: the proxied call answers with a promise nobody needs.
            void Promise.resolve(onProgress(p)).catch(() => undefined);
          }
        : undefined;
      // The caller's deadline on this thread's clock: the time the problem took to arrive is counted.
      const { endsAtEpochMs, ...plain } = options;
      const base: SolveOptions = endsAtEpochMs !== undefined ? { ...plain, deadline: Deadline.atEpoch(endsAtEpochMs) } : plain;
      const opts = forward ? { ...base, onProgress: forward } : base;
      try {
        if (race === undefined) return { ok: true, result: solve(problem, opts) };
        const racing = racingSearch(race);
        return { ok: true, result: solveWithSearch(problem, opts, racing.search), race: racing.stats };
      } catch (e) {
        return { ok: false, error: toWire(e) };
      } finally {
        // The lanes return as soon as the solve is over (the caller closes them too).
        if (race !== undefined) closeRace(race);
        // Closes the callback's channel, so the caller's side holds no open port.
        (onProgress as Remote<(p: Progress) => void> | undefined)?.[releaseProxy]();
      }
    },
    lane(problem: Problem, lane: SharedArrayBuffer, doorbell: SharedArrayBuffer): void {
      laneEngine ??= new Engine();
      serveLane(laneEngine, problem, lane, doorbell);
    },
    ready(): true {
      compileEngine();
      return true;
    },
    crash(kind: CrashKind): Promise<never> {
      if (kind === 'exit') exit();
      else
        setTimeout(() => {
          throw new Error('arenapack worker: crash requested by a test');
        });
      return new Promise<never>(() => undefined);
    },
  };
}
