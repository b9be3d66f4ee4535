/** createSolver() for browsers: solve() in module Web Workers, through comlink. */
import { wrap } from 'comlink';
import type { WorkerHandle } from './pool.js';
import type { WorkerApi } from './protocol.js';
import { solverOver, type Solver, type SolverOptions } from './solver.js';

export { crashWorker, type Solver, type SolverOptions, type WorkerSolveOptions } from './solver.js';

function spawnWebWorker(): WorkerHandle {
  // Written literally so that bundlers (Vite, webpack, Rollup plugins) find and emit the worker.
  const worker = new Worker(new URL('./browser-worker.js', import.meta.url), { type: 'module' });
  const listeners: ((reason: Error) => void)[] = [];
  let ended = false;
  const die = (reason: Error): void => {
    if (ended) return;
    ended = true;
    worker.terminate();
    for (const l of listeners) l(reason);
  };
  worker.addEventListener('error', (e: ErrorEvent) => {
    e.preventDefault();
    die(new Error(`arenapack: the solver worker crashed: ${e.message || 'it failed to load'}`));
  });
  worker.addEventListener('messageerror', () => die(new Error('arenapack: a message from the solver worker could not be read')));
  const api = wrap<WorkerApi>(worker);
  return {
    api,
    ready: () => api.ready(),
    onDeath: (l) => listeners.push(l),
    terminate: () => {
      ended = true;
      worker.terminate();
    },
    hold: () => undefined,
  };
}

/**
 * solve() in a pool of module Web Workers (default 2): the page never blocks, and a call can be
 * cancelled with an AbortSignal even deep in the exact search. Call close() when done.
 */
export function createSolver(options: SolverOptions = {}): Solver {
  return solverOver(spawnWebWorker, options, globalThis.navigator?.hardwareConcurrency ?? 1);
}
