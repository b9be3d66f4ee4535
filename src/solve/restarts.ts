/**
 * The restart schedule of the exact search, as a state machine that runs nothing itself: which run
 * comes next, and what the search knows after each run. One engine drives it run by run
 * (Engine.search); several workers drive it at once (src/worker/race.ts), asking ahead for the runs
 * that follow and committing their results in order, so both end with the same outcome.
 *
 * The schedule (MiniMalloc's), as the switches give it (src/solve/switches.ts): with `restarts` on, runs
 * at one cap C take the static orders of `orders` in turn (k of them; WAT, TAW, TWA by default) with a
 * node limit L, then each again with 2L, 4L and so on (L = max(2n, 256) for n buffers): run j of a
 * *segment* (one cap) has order orders[j mod k] and limit L * 2^floor(j / k), cut to the nodes the whole
 * search has left; with `workCap` on, run j may also do at most RUN_WORK_PER_NODE * L * 2^floor(j / k)
 * steps of work (cut to the work the whole search has left). With `restarts` off a segment is one run of orders[0] with no node limit but the
 * search's. A run that finds a plan of peak P starts a new segment at C = P - 1 (unless P meets the
 * target); one that exhausts its tree proves that no plan fits C and ends the search; so do the node and
 * work budgets of the whole search, a tick that says stop, and (restarts off) a run stopped at a budget.
 */
import type { SearchOutcome } from './wasm/engine.js';
import { DEFAULT_SWITCHES, STATIC_ORDERS, engineMask, type SearchSwitches } from './switches.js';

/**
 * Steps of work (assembly/exact.ts `work`) a run may do per node of its node limit (switches.workCap).
 * Chosen on MiniMalloc's challenging set, where the orders' cost per node runs from ~1,000 to ~40,000
 * steps: any value from 4,000 to 16,000 gave about the same time to the first fit (simulated from each
 * order's work to its first plan), 8,000 is the middle.
 */
export const RUN_WORK_PER_NODE = 8000;

/** One run of the exact search (assembly/exact.ts bbRun). */
export interface RunAsk {
  /** Plans must have peak <= cap (bytes). */
  cap: number;
  /** The static order (0..2: STATIC_ORDERS's index, assembly/exact.ts byStatic). */
  order: number;
  /** The engine's switches for the run (engineMask, assembly/exact.ts bbSwitches). */
  mask: number;
  /** Nodes the run may count. */
  limit: number;
  /** Work (the engine's elementary steps) the run may do. */
  work: number;
  /** The run's own node count from which its ticks stop it: the nodes the whole search has left. */
  stopAt: number;
}

/** What one run gave. */
export interface RunResult {
  /** 1: the tree was exhausted (nothing fits the cap); 2: a plan was found; 3: stopped (a limit, a tick). */
  state: 1 | 2 | 3;
  /** Nodes counted and work done by the run. */
  nodes: number;
  work: number;
  /** The plan found (state 2), offsets in the problem's order. */
  plan?: { offsets: number[]; peak: number };
  /** Whether a tick stopped the run (the node budget of the whole search, the time limit, a cancel). */
  stopped: boolean;
}

/** The committed state of one exact search (see the module's comment). */
export class Restarts {
  /** Plans must have peak <= cap in the current segment. */
  cap: number;
  /** Number of the current segment (0 first, one more after each plan found). */
  segment = 0;
  /** Index in the segment of the next run to commit. */
  next = 0;
  /** Nodes and work of the runs committed so far. */
  nodes = 0;
  work = 0;
  /** The best plan committed so far. */
  plan: { offsets: number[]; peak: number } | undefined;
  /** Set when the search is over: its outcome. */
  done: SearchOutcome | undefined;
  /** Node limit of a segment's first runs (Infinity without restarts). */
  private readonly first: number;
  /** The static orders the runs take in turn (engine numbering); only the first without restarts. */
  private readonly orders: number[];
  private readonly mask: number;
  private readonly restarts: boolean;
  private readonly workCap: boolean;

  /**
   * A search for a plan with peak <= cap over `buffers` buffers, stopping at `target` (a proven lower
   * bound, bytes), with at most `maxNodes` nodes and `maxWork` work in all, run as `switches` say
   * (resolved: resolveSwitches).
   */
  constructor(
    buffers: number,
    cap: number,
    private readonly target: number,
    private readonly maxNodes: number,
    private readonly maxWork: number,
    switches: Readonly<SearchSwitches> = DEFAULT_SWITCHES,
  ) {
    this.cap = cap;
    this.restarts = switches.restarts;
    this.workCap = switches.restarts && switches.workCap;
    this.first = switches.restarts ? Math.max(2 * buffers, 256) : Infinity;
    this.orders = switches.orders.map((o) => STATIC_ORDERS.indexOf(o));
    this.mask = engineMask(switches);
  }

  /**
   * Run `index` (>= next) of the current segment, as it will be asked once the runs before it are
   * committed, if each of them stops at its node limit (with workCap a run may also stop at its work
   * cap, counting fewer nodes: then, under a finite node budget, `limit` and `stopAt` of the runs after
   * it come out higher, and src/worker/race.ts asks those again); undefined when the node budget ends
   * the search before it, or the search is over. Exact for index = next; for a later index every field
   * is exact under that assumption but `work`, which is an upper bound (the work of the runs before it
   * is not known yet).
   */
  ask(index: number): RunAsk | undefined {
    if (this.done !== undefined || index < this.next) return undefined;
    // Without restarts a segment is one run.
    if (!this.restarts && index > 0) return undefined;
    const k = this.orders.length;
    let before = this.nodes;
    for (let j = this.next; ; j++) {
      if (before >= this.maxNodes) return undefined;
      const full = this.first * 2 ** Math.floor(j / k);
      const limit = Math.min(full, this.maxNodes - before);
      if (j === index) {
        const left = this.maxWork - this.work;
        const work = this.workCap ? Math.min(left, RUN_WORK_PER_NODE * full) : left;
        return { cap: this.cap, order: this.orders[j % k]!, mask: this.mask, limit, work, stopAt: this.maxNodes - before };
      }
      before += limit;
    }
  }

  /** Commits the result of run `next` (asked with ask(next)); may end the search (done). */
  take(r: RunResult): void {
    if (this.done !== undefined) throw new Error('internal error: a run committed after the search ended');
    this.nodes += r.nodes;
    this.work += r.work;
    if (r.state === 1) {
      this.finish(true);
      return;
    }
    if (r.state === 2) this.plan = r.plan;
    // (Without restarts only a budget ends a run that found nothing: the run had no node limit.)
    if (r.stopped || this.nodes >= this.maxNodes || this.work >= this.maxWork || (r.state === 3 && !this.restarts)) {
      this.finish(false);
    } else if (r.state === 2) {
      if (this.plan!.peak <= this.target) {
        this.finish(false);
      } else {
        this.cap = this.plan!.peak - 1;
        this.segment++;
        this.next = 0;
      }
    } else {
      this.next++;
    }
  }

  /**
   * Ends the search with what is committed: `exhausted` when the last run exhausted its tree (no plan
   * fits the cap), else stopped (a budget, the time limit, or a plan that meets the target).
   */
  finish(exhausted: boolean): void {
    this.done = {
      ...(this.plan ? { plan: this.plan } : {}),
      exhausted,
      provenAbove: exhausted ? this.cap : this.target - 1,
      nodes: this.nodes,
      work: this.work,
    };
  }
}
