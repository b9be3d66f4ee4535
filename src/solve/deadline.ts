/** A clock in milliseconds: `performance.now()` unless a test injects its own. */
export type Clock = () => number;

const performanceClock: Clock = () => performance.now();

/**
 * One point in time by which a whole command must end. It is made once, when the command starts,
 * and handed to every phase (reading, the heuristics, the local search, the exact search, the
 * spill choice); each asks it how much time is left instead of starting a limit of its own, so the
 * phases together keep to `--time-limit`.
 */
export class Deadline {
  /**
   * @param endMs the end, in the clock's milliseconds
   * @param clock where time is read (tests pass a fake one: no test waits on the real clock)
   */
  constructor(
    readonly endMs: number,
    readonly clock: Clock = performanceClock,
  ) {}

  /** A deadline `ms` milliseconds from now on `clock`. */
  static in(ms: number, clock: Clock = performanceClock): Deadline {
    return new Deadline(clock() + ms, clock);
  }

  /**
   * A deadline `ms` milliseconds after the process started: performance.now() counts from the
   * process's time origin, so a command's limit holds from its very start (Node's startup and the
   * loading of the modules included), as a user timing the command sees it.
   */
  static sinceStart(ms: number): Deadline {
    return new Deadline(ms, performanceClock);
  }

  /**
   * A deadline at `epochMs` on the timeline every thread shares (performance.timeOrigin +
   * performance.now(), ms): how a deadline crosses to a worker, whose performance.now() counts from
   * its own start (see toEpochMs).
   */
  static atEpoch(epochMs: number): Deadline {
    return new Deadline(epochMs - performance.timeOrigin, performanceClock);
  }

  /**
   * This deadline on the timeline every thread shares (ms; see atEpoch), or undefined when it is on a
   * clock of its own (a test's): only a deadline on the real clock can cross to a worker so.
   */
  toEpochMs(): number | undefined {
    return this.clock === performanceClock ? performance.timeOrigin + this.endMs : undefined;
  }

  /** Now, on this deadline's clock (ms). */
  now(): number {
    return this.clock();
  }

  /** Milliseconds left; 0 once passed. */
  leftMs(): number {
    return Math.max(0, this.endMs - this.clock());
  }

  /** Whether the end has come. */
  passed(): boolean {
    return this.clock() >= this.endMs;
  }

  /** The earlier of this deadline and `ms` milliseconds from now (same clock). */
  within(ms: number): Deadline {
    return new Deadline(Math.min(this.endMs, this.clock() + ms), this.clock);
  }

  /** This deadline moved `ms` milliseconds earlier (same clock). */
  before(ms: number): Deadline {
    return new Deadline(this.endMs - ms, this.clock);
  }

  /** A deadline `share` (0..1) of the time left from now: a phase that must leave time to the next. */
  share(share: number): Deadline {
    return this.within(this.leftMs() * share);
  }
}

/**
 * The part of the time left that the search for the lowest peak may take when a proven bound is above
 * the capacity (no plan fits): its plan is only the one-arena figure reported beside the spilled plan,
 * and the spill phase that follows (CLI, page, planModel) needs the rest of the time.
 */
export const OUT_OF_REACH_SHARE = 0.25;

/**
 * The deadline of a search for the lowest peak: `end` itself, or OUT_OF_REACH_SHARE of the time left
 * when the proven `bound` (bytes) is above the `capacity` (no plan fits; a spill phase follows).
 */
export function lowestPeakDeadline(end: Deadline, capacity: number | undefined, bound: number): Deadline {
  return capacity !== undefined && bound > capacity ? end.share(OUT_OF_REACH_SHARE) : end;
}

/** The time limit of a solve when none is given (ms): 60 s for `exact`, which exists to prove, else 10 s. */
export function defaultTimeLimitMs(method: string | undefined): number {
  return method === 'exact' ? 60_000 : 10_000;
}
