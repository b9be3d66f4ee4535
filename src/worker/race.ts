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
 * Each static order is run by one worker for a whole segment (its *owner*: the first worker that takes
 * one of its runs there), so every run of an order after its first resumes the paused run of its
 * engine (src/solve/wasm/engine.ts searchRun), as inline, instead of visiting the same nodes again:
 * a worker's runs are then a subsequence of the inline search's runs, each costing what it costs
 * inline, and the race reaches the run that decides no later than one worker does (up to the
 * messages; issue #15: "never slower than one worker"). Two exceptions, both starting an order afresh:
 * a lane that owns no order takes one over from the driver when the driver owns two or more (a lane
 * ready after the driver began every order would otherwise stay idle for the whole segment), and a
 * lane that leaves the race gives its orders back to the driver.
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
  /** Segments (caps) those searches began, every search's first one included. */
  segments: number;
  /** Runs committed, and of those, run by lanes. */
  committed: number;
  byLanes: number;
  /** Runs asked again (their work passed the exact budget first), and runs stopped as useless (after one that ends the segment). */
  rerun: number;
  cancelled: number;
  /** Milliseconds the driver waited for lanes' answers (every run it could take was taken). */
  answerWaitMs: number;
  /** Per worker (the driver first, then each lane): what its runs did, committed or not. */
  workers: WorkerRuns[];
  /** Times a lane took a static order over from the driver (starting it afresh; see the module's comment). */
  takeovers: number;
  /** Static orders a lane that left the race gave back to the driver. */
  returned: number;
  /**
   * Runs handed to another worker than the one that took the run of their order before them at the same
   * cap (run index - orders): they cannot resume where that run stopped. With owners, only after a
   * takeover or a return.
   */
  handoffs: number;
}

/** What one worker's runs of a race did. */
export interface WorkerRuns {
  /** Runs it answered (cancelled ones too), and of those, runs that resumed its paused run of their order. */
  runs: number;
  resumed: number;
  /** Nodes it visited and work it did (a resumed run: only what it added to its paused run). */
  nodes: number;
  work: number;
}

/** The driver's number where a lane's is its index in the race's lanes (owners of the static orders). */
const DRIVER = -1;

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
  const stats: RaceStats = {
    searches: 0,
    segments: 0,
    committed: 0,
    byLanes: 0,
    rerun: 0,
    cancelled: 0,
    answerWaitMs: 0,
    workers: [DRIVER, ...lanes.keys()].map(() => ({ runs: 0, resumed: 0, nodes: 0, work: 0 })),
    takeovers: 0,
    returned: 0,
    handoffs: 0,
  };
  /** Adds a run's counts to worker `who`'s (DRIVER or a lane's number). */
  const count = (who: number, r: RunResult, skipped: { resumed: boolean; nodes: number; work: number }): void => {
    const w = stats.workers[who + 1]!;
    w.runs++;
    if (skipped.resumed) w.resumed++;
    w.nodes += r.nodes - skipped.nodes;
    w.work += r.work - skipped.work;
  };
  /** The run each lane holds (solve() searches more than once: a lane may still hold a cancelled run of an earlier search). */
  const flights: (Flight | undefined)[] = lanes.map(() => undefined);
  let searches = 0;
  const search: ExactSearch = (eng, cap, target, more, maxNodes, maxWork, switches) => {
    eng.prepareSearch();
    const t0 = performance.now();
    const runs = new Restarts(eng.size, cap, target, maxNodes, maxWork, switches);
    const current = ++searches;
    stats.searches = searches;
    stats.segments++;
    /** Results waiting for the runs before them, by index (current segment). */
    const answers = new Map<number, { flight: Flight; result: RunResult; byLane: boolean }>();
    let mine: Flight | undefined;
    let timeUp = false;
    /** The driver's own run is past its exact work budget: it will be run again. */
    let doomed = false;
    /** Static orders the runs take in turn (a run's order repeats every `period` runs). */
    const period = switches.orders.length;
    /** The owner of each static order (engine numbering) in segment `ownedIn` (see the module's comment). */
    const owners = new Map<number, number>();
    /** Who took each run of segment `ownedIn`, by index (for stats.handoffs). */
    const takenBy = new Map<number, number>();
    let ownedIn = -1;
    const ownerOf = (order: number): number | undefined => {
      if (ownedIn !== runs.segment) {
        owners.clear();
        takenBy.clear();
        ownedIn = runs.segment;
      }
      return owners.get(order);
    };

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
    /**
     * The lowest run of the segment nobody has taken whose static order `who` (DRIVER or a lane's
     * number) may run: one it owns, or one nobody owns yet; for a lane that owns none, when every order
     * has an owner, one of an order the driver owns with others (not the order of the driver's run in
     * progress). Claims the order for `who`. Undefined when there is none to take.
     */
    const nextFree = (who: number): Flight | undefined => {
      const orders = new Set<number>();
      for (let j = runs.next; j < runs.next + period; j++) {
        const a = runs.ask(j);
        if (a !== undefined) orders.add(a.order);
      }
      const mineOrFree = (o: number): boolean => {
        const owner = ownerOf(o);
        return owner === undefined || owner === who;
      };
      let may = mineOrFree;
      if (![...orders].some(mineOrFree)) {
        const driverOwns = [...orders].filter((o) => ownerOf(o) === DRIVER);
        if (who === DRIVER || driverOwns.length < 2) return undefined;
        const busy = mine !== undefined && mine.search === current && mine.segment === runs.segment ? mine.ask.order : undefined;
        may = (o) => ownerOf(o) === DRIVER && o !== busy;
      }
      const last = end();
      for (let i = runs.next; i < last; i++) {
        const ask = runs.ask(i);
        if (ask === undefined) return undefined;
        if (!may(ask.order) || taken(i)) continue;
        if (ownerOf(ask.order) === DRIVER && who !== DRIVER) stats.takeovers++;
        owners.set(ask.order, who);
        if (i >= period && takenBy.get(i - period) !== who) stats.handoffs++;
        takenBy.set(i, who);
        return { search: current, segment: runs.segment, index: i, ask };
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
        if (runs.done === undefined && runs.segment !== segment) stats.segments++;
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
        // A lane that left the race (its worker died) gives its run and its orders back.
        if (state === CLOSED) {
          flights[l] = undefined;
          for (const [o, owner] of owners) {
            if (owner !== l) continue;
            owners.delete(o);
            stats.returned++;
          }
        }
        if (state !== ANSWERED) return;
        const f = flights[l];
        const result = lane.result(eng.size);
        flights[l] = undefined;
        if (result !== undefined) count(l, result, lane.skipped());
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
        const f = nextFree(l);
        // (A lane closed meanwhile refuses it: its orders are given back at the next pump.)
        if (f !== undefined && lane.ask(f.ask)) flights[l] = f;
      });
    };

    // (Test hook, RaceWire.awaitLanes: the lanes all loaded, or left, before the first run.)
    while (wire.awaitLanes === true && lanes.some((lane) => lane.state() === PENDING || lane.state() === STARTING)) {
      const rung = Atomics.load(bell, 0);
      if (!progress(0)) break;
      if (lanes.some((lane) => lane.state() === PENDING || lane.state() === STARTING)) Atomics.wait(bell, 0, rung, WAIT_MS);
    }
    try {
      for (;;) {
        pump();
        if (runs.done !== undefined) break;
        const f = nextFree(DRIVER);
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
        const before = { ...eng.resumed };
        const result = eng.searchRun(f.ask, (runNodes) => {
          if (!progress(runNodes)) return false;
          pump();
          // Stop when a run before it won (a new segment, or the end), when one before it was answered
          // that ends the segment (this one is then never needed), or when it is to be asked again.
          if (runs.done === undefined && runs.segment === f.segment && end() < f.index) useless = true;
          return runs.done === undefined && runs.segment === f.segment && !doomed && !useless;
        });
        mine = undefined;
        count(DRIVER, result, { resumed: eng.resumed.runs > before.runs, nodes: eng.resumed.nodes - before.nodes, work: eng.resumed.work - before.work });
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
    const before = { ...engine.resumed };
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
    const skipped = engine.resumed.runs > before.runs ? { nodes: engine.resumed.nodes - before.nodes, work: engine.resumed.work - before.work } : undefined;
    if (!cells.answer(result, told, skipped)) return;
  }
}
