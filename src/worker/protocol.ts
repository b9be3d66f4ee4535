import type { Problem } from '../problem/types.js';
import type { SolveOptions, SolveResult } from '../solve/solve.js';
import type { WireError } from './errors.js';
import type { RaceWire } from './race-channel.js';
import type { RaceStats } from './race.js';

/**
 * solve()'s options that cross to a worker: everything but the callback and the deadline (a clock),
 * which crosses as `endsAtEpochMs` when it is on the real clock.
 */
export type WireSolveOptions = Omit<SolveOptions, 'onProgress' | 'deadline'> & {
  /**
   * The caller's deadline on the timeline every thread shares (Deadline.toEpochMs, ms): the worker
   * ends by it, the time the problem took to cross (copying it out, waiting, copying it in) counted.
   * A time limit alone would start when the worker starts the solve.
   */
  endsAtEpochMs?: number;
};

/** One progress report of a running solve (see SolveOptions.onProgress). */
export type Progress = Parameters<NonNullable<SolveOptions['onProgress']>>[0];

/** A solve's outcome as it crosses back: a result, or the error it threw. */
export type WireOutcome = { ok: true; result: SolveResult; race?: RaceStats } | { ok: false; error: WireError };

/** How a test makes a worker die: an uncaught exception, or the worker ending itself. */
export type CrashKind = 'throw' | 'exit';

/** What a worker exposes through comlink. */
export interface WorkerApi {
  /** solve(); with `race`, its exact search raced with the lanes of `race` (src/worker/race.ts). */
  solve(problem: Problem, options: WireSolveOptions, onProgress?: (p: Progress) => void, race?: RaceWire): WireOutcome;
  /** Serves one lane of a race on `problem` until it closes (src/worker/race.ts serveLane). */
  lane(problem: Problem, lane: SharedArrayBuffer, doorbell: SharedArrayBuffer): void;
  /** Answers once the worker has loaded the solver and compiled its WASM: it can take calls at full speed (Pool). */
  ready(): true;
  /** Test hook: kills this worker (never answers). */
  crash(kind: CrashKind): Promise<never>;
}
