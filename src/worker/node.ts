/** createSolver() for Node: solve() in worker_threads workers, through comlink's Node adapter. */
import { wrap } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerHandle } from './pool.js';
import type { WorkerApi } from './protocol.js';
import { solverOver, type Solver, type SolverOptions } from './solver.js';
import { outsideLoadReader } from './node-load.js';

export { crashWorker, type Solver, type SolverOptions, type WorkerSolveOptions } from './solver.js';

/**
 * The worker's script. Built code (build/js, the bundles) has node-worker.js beside this file.
 * Run from the .ts sources (vitest, tsx), the worker loads node-worker.ts through tsx instead.
 *
 * The worker gets no `execArgv`: it then inherits the process's flags, Node leaving out on its own
 * those a worker cannot take (V8 and process options: --max-old-space-size, --expose-gc, --stack-size,
 * --title ...), where naming any of them in `execArgv` makes every `new Worker` throw
 * (ERR_WORKER_INVALID_EXEC_ARGV). The script is started from a line of code (`eval`) that imports it,
 * because an inherited --input-type (node --input-type=module -e ...) refuses a worker started from a
 * file; dynamic import() works in code of either input type.
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    const entry = new URL('./node-worker.js', import.meta.url).href;
    return new Worker(`import(${JSON.stringify(entry)})`, { eval: true });
  }
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsx = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const entry = new URL('./node-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((api) => api.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(boot, { eval: true });
}

function spawnNodeWorker(): WorkerHandle {
  const worker = startWorker();
  const listeners: ((reason: Error) => void)[] = [];
  let ended = false;
  const die = (reason: Error): void => {
    if (ended) return;
    ended = true;
    for (const l of listeners) l(reason);
  };
  worker.on('error', (e: Error) => die(new Error(`arenapack: the solver worker crashed: ${e.message}`)));
  worker.on('exit', (code: number) => die(new Error(`arenapack: the solver worker exited (code ${code})`)));
  worker.unref();
  const api = wrap<WorkerApi>(nodeEndpoint(worker));
  return {
    api,
    ready: () => api.ready(),
    onDeath: (l) => listeners.push(l),
    terminate: () => {
      ended = true;
      void worker.terminate();
    },
    hold: (busy) => (busy ? worker.ref() : worker.unref()),
  };
}

/**
 * solve() in a pool of worker threads (default 2): the main thread stays free, several problems
 * solve at once, and a call can be cancelled with an AbortSignal even deep in the exact search.
 * Call close() when done (idle workers do not keep the process alive). A solve races its exact search
 * in idle workers only on cores other processes leave free (raceLanes, read at the start of each solve).
 */
export function createSolver(options: SolverOptions = {}): Solver {
  return solverOver(spawnNodeWorker, options, availableParallelism(), options.busy ?? outsideLoadReader());
}
