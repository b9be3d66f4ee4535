/** The package as Node sees it: the whole API, and createSolver() on worker_threads. */
export * from './index.js';
export { createSolver, type Solver, type SolverOptions, type WorkerSolveOptions } from './worker/node.js';
