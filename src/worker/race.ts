/**
 * Racing the exact search in several workers (issue #15, "use the cores"), with the plan the search
 * gives inline, byte for byte.
 *
 * The exact search is a sequence of independent runs (src/solve/restarts.ts: the three static orders,
 * node limits that double). Inline, run j starts when run j - 1 ends. Racing, the worker that solves the
 * problem (the *driver*) and the *lanes* (other workers of the pool that hold the same problem) run the
 * runs that follow at once, each taking the lowest-numbered run nobody has taken, and the driver
 * *commits* the results strictly in order: run j counts only once runs 0..j-1 are committed, and only
 * if it was asked exactly as the inline search would have asked it. The first run that finds a plan or
 * exhausts its tree wins, being the lowest-numbered; the runs after it are cancelled (and none after a
 * run answered that ends the segment is started). So the outcome is the inline one whatever the
 * timing: the waiting this needs is for the lower-numbered runs.
 *
 * Why the asks match: a later run's node limit assumes that the runs before it stop at their node limits,
 * which is the way the sequence goes on (a run that finds, exhausts or stops ends the segment or
 * the search, and the runs after it are discarded; a run stopped by its work cap, switches.workCap, counts
 * fewer nodes, and under a finite node budget the runs after it are then asked again). Its work budget is the work the whole search has
 * left, known only once the runs before it are committed: a run is started with the budget then known (an
 * upper bound), and told its exact budget when the runs before it commit (Engine.limitWork, at its next
 * tick). A run whose work passed its exact budget before it learnt it is run again with it.
 *
 * Lanes use idle workers only (the pool's background jobs, given back when another call waits), so
 * racing never delays other solves; the driver never waits for a lane to load the problem: with no lane
 * ready, it runs every run itself, as inline, and hands runs to lanes as they become ready.
 */
import type { Problem } from '../problem/types.js';
import { Restarts, type RunAsk, type RunResult } from '../solve/restarts.js';
import type { ExactSearch } from '../solve/solve.js';
import { Engine, type SearchOutcome, type SearchProgress } from '../solve/wasm/engine.js';
import { ANSWERED, ASKED, CLOSED, FAILED, LaneCells, PENDING, READY, STARTING, type RaceWire } from './race-channel.js';

/** How long a blocked worker waits before it looks at the time and its cells again (ms). */
const WAIT_MS = 20;

/** What a race did, for tests and benches (timing-dependent: never part of a plan). */
export interface RaceStats {
  /** Exact searches raced (solve() searches up to twice; none when the heuristics settle the problem). */
  searches: number;
  /** Runs committed, and of those, run by lanes. */
  committed: number;
  byLanes: number;
  /** Runs asked again (their work passed the exact budget first), and runs stopped as useless (after one that ends the segment). */
  rerun: number;
  cancelled: number;
  /** Milliseconds the driver waited for lanes' answers (every run it could take was taken). */
  answerWaitMs: number;
}

/** A run in flight or answered: its place in the schedule and how it was asked. */
interface Flight {
  /** Which search() of the solve it belongs to. */
  search: number;
  segment: number;
  index: number;
  ask: RunAsk;
  /** Set once the run is known to be useless (see racingSearch's `end`): its answer is dropped. */
  cancelled?: boolean;
}

/**
 * The exact search raced by the lanes of `wire` (the driver's side; see the module's comment). Returns
 * an ExactSearch for solve() and the race's statistics so far.
 */
export function racingSearch(wire: RaceWire): { search: ExactSearch; stats: RaceStats } {
  const lanes = wire.lanes.map((sab) => new LaneCells(sab, wire.doorbell));
  const bell = new Int32Array(wire.doorbell);
  const stats: RaceStats = { searches: 0, committed: 0, byLanes: 0, rerun: 0, cancelled: 0, answerWaitMs: 0 };
  /** The run each lane holds (solve() searches more than once: a lane may still hold a cancelled run of an earlier search). */
  const flights: (Flight | undefined)[] = lanes.map(() => undefined);
  let searches = 0;
  const search: ExactSearch = (eng, cap, target, more, maxNodes, maxWork, switches) => {
    eng.prepareSearch();
    const t0 = performance.now();
    const runs = new Restarts(eng.size, cap, target, maxNodes, maxWork, switches);
    const current = ++searches;
    stats.searches = searches;
    /** Results waiting for the runs before them, by index (current segment). */
    const answers = new Map<number, { flight: Flight; result: RunResult; byLane: boolean }>();
    let mine: Flight | undefined;
    let timeUp = false;
    /** The driver's own run is past its exact work budget: it will be run again. */
    let doomed = false;

    const progress = (runNodes: number): boolean => {
      const best = runs.plan?.peak;
      const p: SearchProgress = { nodes: runs.nodes + runNodes, ...(best !== undefined ? { best } : {}), elapsedMs: performance.now() - t0 };
      if (!more(p)) timeUp = true;
      return !timeUp;
    };
    const taken = (index: number): boolean =>
      answers.has(index) || mine?.index === index || flights.some((f) => f !== undefined && f.search === current && f.segment === runs.segment && f.index === index);
    /**
     * The lowest run of the segment answered that ends it (a plan, an exhausted tree, a stop): the
     * runs after it are never committed, whatever the runs before it give (Infinity: none yet).
     */
    const end = (): number => {
      let e = Infinity;
      for (const [i, a] of answers) if (i < e && (a.result.state !== 3 || a.result.stopped)) e = i;
      return e;
    };
    /** The lowest run of the segment nobody has taken, with its ask; undefined when there is none to take. */
    const nextFree = (): Flight | undefined => {
      const last = end();
      for (let i = runs.next; i < last; i++) {
        if (taken(i)) continue;
        const ask = runs.ask(i);
        return ask === undefined ? undefined : { search: current, segment: runs.segment, index: i, ask };
      }
      return undefined;
    };
    /** Tells every run in flight its exact work budget once the runs before it are committed. */
    const tellBudgets = (): void => {
      const exact = runs.ask(runs.next);
      if (exact === undefined) return;
      lanes.forEach((lane, l) => {
        const f = flights[l];
        if (f !== undefined && f.search === current && f.segment === runs.segment && f.index === runs.next && f.ask.work !== exact.work) lane.setTrueWork(exact.work);
      });
      if (mine !== undefined && mine.segment === runs.segment && mine.index === runs.next && mine.ask.work !== exact.work) {
        // Below it, the run goes on as if asked with it; past it, it is run again (stopped now).
        if (eng.runWork() < exact.work) {
          eng.limitWork(exact.work);
          mine.ask = { ...mine.ask, work: exact.work };
        } else {
          doomed = true;
        }
      }
    };
    /** Commits the answers in order; cancels what a commit makes useless. */
    const commit = (): void => {
      for (;;) {
        if (runs.done !== undefined) return;
        const a = answers.get(runs.next);
        if (a === undefined) break;
        answers.delete(runs.next);
        const exact = runs.ask(runs.next)!;
        const same =
          a.flight.ask.cap === exact.cap &&
          a.flight.ask.order === exact.order &&
          a.flight.ask.mask === exact.mask &&
          a.flight.ask.limit === exact.limit &&
          a.flight.ask.stopAt === exact.stopAt;
        if (!same || (a.flight.ask.work !== exact.work && a.result.work >= exact.work)) {
          stats.rerun++;
          continue; // not the inline run: taken again (nextFree)
        }
        const segment = runs.segment;
        runs.take(a.result);
        stats.committed++;
        if (a.byLane) stats.byLanes++;
        if (runs.done !== undefined || runs.segment !== segment) {
          answers.clear();
          lanes.forEach((lane, l) => {
            if (flights[l] !== undefined && flights[l]!.search === current && flights[l]!.segment === segment) {
              lane.cancel();
              stats.cancelled++;
            }
          });
        }
      }
      tellBudgets();
    };
    /** Reads the lanes' answers and hands free lanes the next runs. */
    const pump = (): void => {
      lanes.forEach((lane, l) => {
        const state = lane.state();
        // A lane that left the race (its worker died) gives its run back.
        if (state === CLOSED) flights[l] = undefined;
        if (state !== ANSWERED) return;
        const f = flights[l];
        const result = lane.result(eng.size);
        flights[l] = undefined;
        if (f === undefined) {
          lane.move(ANSWERED, READY);
          return;
        }
        // A lane told its exact budget in time ran as if asked with it (the one for run `next`).
        if (lane.told()) f.ask = { ...f.ask, work: runs.ask(f.index)?.work ?? f.ask.work };
        if (result !== undefined && !f.cancelled && f.search === current && f.segment === runs.segment && runs.done === undefined && f.index >= runs.next) {
          answers.set(f.index, { flight: f, result, byLane: true });
        }
        // A lane whose run failed (out of memory, say) is not asked again.
        lane.move(ANSWERED, result === undefined ? CLOSED : READY);
      });
      commit();
      if (runs.done !== undefined) return;
      // Runs after one that ends the segment are stopped: the lanes take the runs still needed.
      const last = end();
      lanes.forEach((lane, l) => {
        const f = flights[l];
        if (f !== undefined && !f.cancelled && f.search === current && f.segment === runs.segment && f.index > last) {
          f.cancelled = true;
          lane.cancel();
          stats.cancelled++;
        }
      });
      lanes.forEach((lane, l) => {
        if (flights[l] !== undefined || lane.state() !== READY) return;
        const f = nextFree();
        if (f !== undefined && lane.ask(f.ask)) flights[l] = f;
      });
    };

    try {
      for (;;) {
        pump();
        if (runs.done !== undefined) break;
        const f = nextFree();
        if (f === undefined) {
          // Every run the budget allows is in flight at a lane: wait for one.
          const rung = Atomics.load(bell, 0);
          if (!progress(0)) {
            runs.finish(false);
            break;
          }
          if (lanes.some((lane, l) => flights[l] !== undefined && lane.state() === ASKED)) {
            const w = performance.now();
            Atomics.wait(bell, 0, rung, WAIT_MS);
            stats.answerWaitMs += performance.now() - w;
          }
          continue;
        }
        mine = f;
        doomed = false;
        let useless = false;
        const result = eng.searchRun(f.ask, (runNodes) => {
          if (!progress(runNodes)) return false;
          pump();
          // Stop when a run before it won (a new segment, or the end), when one before it was answered
          // that ends the segment (this one is then never needed), or when it is to be asked again.
          if (runs.done === undefined && runs.segment === f.segment && end() < f.index) useless = true;
          return runs.done === undefined && runs.segment === f.segment && !doomed && !useless;
        });
        mine = undefined;
        if (doomed && !timeUp) {
          stats.rerun++;
          continue;
        }
        if (timeUp) {
          // Ended by the time limit (as inline, the plan then depends on the machine's speed).
          if (f.index === runs.next && runs.segment === f.segment && runs.done === undefined) {
            runs.take({ ...result, stopped: true });
          } else if (runs.done === undefined) {
            runs.finish(false);
          }
          break;
        }
        if (useless) {
          stats.cancelled++;
          continue;
        }
        if (runs.done === undefined && runs.segment === f.segment) answers.set(f.index, { flight: f, result, byLane: false });
      }
    } finally {
      lanes.forEach((lane, l) => {
        if (flights[l] !== undefined) lane.cancel();
      });
    }
    return runs.done!;
  };
  return { search, stats };
}

/**
 * The lane's side (a worker of the pool): loads the problem, then runs what the driver asks until the
 * race closes. `engine` is the lane's own engine (not solve()'s). Never throws: a lane that cannot load
 * the problem says FAILED, and a run that throws is answered as failed (the driver runs it itself).
 */
export function serveLane(engine: Engine, problem: Problem, sab: SharedArrayBuffer, doorbell: SharedArrayBuffer): void {
  const cells = new LaneCells(sab, doorbell);
  cells.move(PENDING, STARTING); // (the caller marks it first; kept for a caller that does not)
  if (cells.state() !== STARTING) return;
  try {
    engine.load(problem);
    engine.prepareSearch();
  } catch {
    cells.move(STARTING, FAILED);
    return;
  }
  if (!cells.move(STARTING, READY)) return;
  for (;;) {
    const s = cells.state();
    if (s === CLOSED || s === FAILED) return;
    if (s !== ASKED) {
      cells.waitWhile(s, 200);
      continue;
    }
    const ask = cells.asked();
    let told = false;
    let result: RunResult | undefined;
    try {
      result = engine.searchRun(ask, () => {
        if (cells.cancelled()) return false;
        if (!told) {
          const exact = cells.trueWork();
          if (!Number.isNaN(exact)) {
            // Past its exact budget already: the driver runs it again; stop now.
            if (engine.runWork() >= exact) return false;
            engine.limitWork(exact);
            told = true;
          }
        }
        return true;
      });
    } catch {
      result = undefined;
    }
    if (!cells.answer(result, told)) return;
  }
}
