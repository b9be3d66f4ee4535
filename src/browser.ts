/** The package as browsers see it: the whole API, and createSolver() on module Web Workers. */
export * from './index.js';
export { createSolver, type Solver, type SolverOptions, type WorkerSolveOptions } from './worker/browser.js';
