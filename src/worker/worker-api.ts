import { releaseProxy, type Remote } from 'comlink';
import { solve } from '../solve/solve.js';
import { toWire } from './errors.js';
import type { CrashKind, Progress, WireOutcome, WireSolveOptions, WorkerApi } from './protocol.js';
import type { Problem } from '../problem/types.js';

/** Progress goes out at most this often (ms): each report is a message to the page or process. */
const PROGRESS_EVERY_MS = 50;

/**
 * The solver as a worker serves it: solve() unchanged, its errors flattened so that they arrive
 * whole. `exit` ends the worker (process.exit in Node, close() in a browser).
 */
export function workerApi(exit: () => void): WorkerApi {
  return {
    solve(problem: Problem, options: WireSolveOptions, onProgress?: (p: Progress) => void): WireOutcome {
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
      try {
        return { ok: true, result: solve(problem, forward ? { ...options, onProgress: forward } : options) };
      } catch (e) {
        return { ok: false, error: toWire(e) };
      } finally {
        // Closes the callback's channel, so the caller's side holds no open port.
        (onProgress as Remote<(p: Progress) => void> | undefined)?.[releaseProxy]();
      }
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
