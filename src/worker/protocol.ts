import type { Problem } from '../problem/types.js';
import type { SolveOptions, SolveResult } from '../solve/solve.js';
import type { WireError } from './errors.js';

/** solve()'s options that cross to a worker: everything but the callback and the deadline (a clock). */
export type WireSolveOptions = Omit<SolveOptions, 'onProgress' | 'deadline'>;

/** One progress report of a running solve (see SolveOptions.onProgress). */
export type Progress = Parameters<NonNullable<SolveOptions['onProgress']>>[0];

/** A solve's outcome as it crosses back: a result, or the error it threw. */
export type WireOutcome = { ok: true; result: SolveResult } | { ok: false; error: WireError };

/** How a test makes a worker die: an uncaught exception, or the worker ending itself. */
export type CrashKind = 'throw' | 'exit';

/** What a worker exposes through comlink. */
export interface WorkerApi {
  solve(problem: Problem, options: WireSolveOptions, onProgress?: (p: Progress) => void): WireOutcome;
  /** Test hook: kills this worker (never answers). */
  crash(kind: CrashKind): Promise<never>;
}
