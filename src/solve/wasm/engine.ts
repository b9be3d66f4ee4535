import { indicesByKey } from '../../problem/sweep.js';
import type { Problem } from '../../problem/types.js';
import { wasmBase64 } from './binary.js';
import { DEFAULT_SWITCHES, type SearchSwitches } from '../switches.js';
import { Restarts, type RunAsk, type RunResult } from '../restarts.js';

/** The exports of assembly/index.ts, as JS sees them. */
interface Exports {
  memory: WebAssembly.Memory;
  prepare(n: number): number;
  setup(maxPairs: number): number;
  inSize(): number;
  inStart(): number;
  inEnd(): number;
  inAlign(): number;
  inFixed(): number;
  out(): number;
  conflictPairs(): number;
  pairsKept(): number;
  placeWork(): number;
  naive(): number;
  inorder(): number;
  greedySize(): number;
  greedyConflicts(): number;
  decodeBegin(which: number, wave: number): number;
  decodeRun(count: number): number;
  decodeEnd(): number;
  slotsInorder(): number;
  slotsGreedySize(): number;
  slotsGreedyBreadth(): number;
  lsStart(seed: number): number;
  lsRun(iterations: number, target: number): number;
  lsEmit(): number;
  lsIterations(): number;
  lsWork(): number;
  bbPrepare(): number;
  bbRun(cap: number, order: number, limit: number, work: number): number;
  bbResume(limit: number, work: number): number;
  bbPaused(): number;
  bbNodes(): number;
  bbWork(): number;
  bbOutOfMemory(): number;
  bbEmit(): number;
  bbSwitches(mask: number): void;
  bbLimitWork(work: number): void;
  odPrepare(ints: number, ops: number, tensors: number): number;
  odInts(): number;
  odSizes(): number;
  odOrder(): number;
  odPeak(): number;
  odHasOrder(): number;
  odSolve(start: number, first: number, upper: number, maxStates: number): number;
  odRelease(): void;
}

/** A part for the dynamic program over downsets (assembly/order-dp.ts gives the layout of `ints`). */
export interface OrderDpInput {
  ints: Int32Array;
  /** Bytes of each local tensor. */
  sizes: Float64Array;
  /** Local operators. */
  ops: number;
  start: number;
  first: number;
  upper: number;
  maxStates: number;
}

/** What the dynamic program returns: as src/order/dp.ts's DpResult. */
export interface OrderDpOutput {
  complete: boolean;
  order?: number[];
  peak: number;
  states: number;
}

/** What the exact search knows when it stops. */
export interface SearchOutcome {
  /** The best plan found (peak <= the cap it was given), if any. */
  plan?: { offsets: number[]; peak: number };
  /** True when the whole tree was explored: no plan with peak <= `provenAbove` exists... */
  exhausted: boolean;
  /** ...so every plan's peak is > provenAbove (with a plan: provenAbove = plan.peak - 1, it is optimal). */
  provenAbove: number;
  nodes: number;
  /** Work done (see bbWork): a measure of effort that does not depend on the machine. */
  work: number;
}

/** Progress of a running search, for progress lines and callbacks. */
export interface SearchProgress {
  nodes: number;
  /** Best peak found so far, or undefined. */
  best?: number;
  elapsedMs: number;
}

/** The engine's single-shot kernels: each leaves a plan in memory and returns its peak. */
export type Kernel =
  | 'naive'
  | 'inorder'
  | 'greedySize'
  | 'greedyConflicts'
  | 'slotsInorder'
  | 'slotsGreedySize'
  | 'slotsGreedyBreadth';

/** The kernels that decode an order one buffer at a time (Engine.decode can cut them short). */
export type DecodeKernel = 'inorder' | 'greedySize' | 'greedyConflicts';

/** Order numbers of assembly/heuristics.ts's decodeBegin. */
const DECODE_ORDERS: Record<DecodeKernel, number> = { inorder: 0, greedySize: 1, greedyConflicts: 2 };

/**
 * Buffers a decode places between two looks at the clock (Engine.decode): ~30 ms at a million
 * buffers on the README's machine, and one chunk for any problem up to that size.
 */
export const DECODE_CHUNK = 4096;

/** values taken in `order`: entry k is values[order[k]]. */
function permuted(values: Float64Array, order: Uint32Array): Float64Array {
  const out = new Float64Array(order.length);
  for (let k = 0; k < order.length; k++) out[k] = values[order[k]!]!;
  return out;
}

function decodeBase64(text: string): Uint8Array {
  if (typeof atob === 'function') {
    const raw = atob(text);
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }
  throw new Error('arenapack: no base64 decoder (atob) in this JavaScript runtime');
}

let compiled: WebAssembly.Module | undefined;

/**
 * Compiles the engine's WASM module now (once per thread; every Engine shares it), so that the first
 * solve does not pay for it: a worker does it when it starts (WorkerApi.ready).
 */
export function compileEngine(): void {
  compiled ??= new WebAssembly.Module(decodeBase64(wasmBase64) as Uint8Array<ArrayBuffer>);
}

/**
 * Pairs of buffers overlapping in time up to which the engine keeps the conflict graph (8 bytes a
 * pair: 128 MiB). Past it the exact search does not run; the heuristics run without the graph.
 */
export const DEFAULT_MAX_PAIRS = 2 ** 24;

/**
 * Buffers from which the engine holds them in the order they start rather than the problem's order,
 * so that buffers live at the same time sit side by side in its memory: a placement then reads a few
 * pages, not one per neighbour (a million buffers: greedy-size about twice as fast). The greedy orders
 * break ties by start, then index, so they give the same plans either way; only `naive` (input
 * order) and the searches' tie-breaks by index can differ, deterministically.
 */
export const RENUMBER_FROM = 2 ** 16;

/**
 * Pairs of buffers overlapping in time up to which the exact search keeps one engine per static
 * order (searchRun: each order's run resumed where its last one paused), about 8 bytes a pair and
 * engine; past it one engine runs every order, each run from the start (the same results).
 */
export const RESUME_MAX_PAIRS = 2 ** 20;

/** A run paused at its node limit (assembly/exact.ts bbPaused): how it was asked, where it stands. */
interface PausedRun {
  cap: number;
  order: number;
  mask: number;
  /** Nodes and work counted when it paused (from the run's start). */
  nodes: number;
  work: number;
}

/**
 * One WASM instance holding one problem at a time. The problem crosses into WASM memory once
 * (load); every method then runs on it in place, and only the offsets come back.
 */
export class Engine {
  private readonly x: Exports;
  private n = 0;
  /**
   * From RENUMBER_FROM buffers on, the engine holds them in the order they start (ties by index):
   * `order[k]` is the problem's index of the engine's buffer k. undefined: the problem's own order.
   */
  private order: Uint32Array | undefined;
  /**
   * Whether the exact search's structures (bbPrepare) are built for the loaded problem and still
   * the last blocks of the heap: any other method allocates after them, load() drops them.
   */
  private searchReady = false;
  /**
   * Answers the engine's tick (assembly/clock.ts): true to go on. `exact`: asked at a point the run's
   * node limit is checked at (every 64 children); else asked because of the work done since the last
   * question (time and cancellation only: the node limit is not checked there, so where a run stops
   * at its limit does not depend on how often the clock is asked).
   */
  private onTick: (nodes: number, exact: boolean) => boolean = () => true;
  /** The last run, when it paused at its node limit and nothing has used the engine since. */
  private paused: PausedRun | undefined;
  /** The static order of the last run on this engine since the last load (searchRun). */
  private lastOrder: number | undefined;
  /** Engines holding the same problem, for the other static orders (searchRun); dropped by load(). */
  private siblings: Engine[] = [];
  /** The engine running a run of searchRun now (this or a sibling): runWork and limitWork reach it. */
  private running: Engine | undefined;
  /** load()'s arguments, for the siblings. */
  private loaded: { problem: Problem; maxPairs: number; renumberFrom: number } | undefined;
  /** Runs searchRun resumed instead of starting again, and the nodes and work they did not do again (since load). */
  resumed = { runs: 0, nodes: 0, work: 0 };

  constructor() {
    compileEngine();
    // The engine's one import: asked every 64 children and every TICK_WORK of work of a search; non-zero stops it.
    const env = { tick: (nodes: number, exact: number): number => (this.onTick(nodes, exact !== 0) ? 0 : 1) };
    this.x = new WebAssembly.Instance(compiled!, { env }).exports as unknown as Exports;
  }

  /**
   * Writes the problem into WASM memory and builds its conflict graph there, when it has at most
   * `maxPairs` pairs of buffers overlapping in time (8 bytes of memory a pair; default
   * DEFAULT_MAX_PAIRS); beyond, the heuristics find neighbours from sorted views in O(n) memory and
   * the exact search cannot run (canSearch()). Either way every heuristic gives the same plan.
   * From `renumberFrom` buffers on (default RENUMBER_FROM) the engine holds them in start order.
   */
  load(problem: Problem, maxPairs = DEFAULT_MAX_PAIRS, renumberFrom = RENUMBER_FROM): void {
    this.searchReady = false;
    this.paused = undefined;
    this.lastOrder = undefined;
    this.siblings = [];
    this.loaded = undefined;
    this.resumed = { runs: 0, nodes: 0, work: 0 };
    const bs = problem.buffers;
    const n = bs.length;
    if (this.x.prepare(n) === 0) throw new Error(`arenapack: out of memory for ${n} buffers`);
    const view = (ptr: number): Float64Array => new Float64Array(this.x.memory.buffer, ptr, n);
    const size = view(this.x.inSize());
    const start = view(this.x.inStart());
    const end = view(this.x.inEnd());
    const align = view(this.x.inAlign());
    const fixed = view(this.x.inFixed());
    // The buffers are read once, in problem order (objects read one after another), into the engine's
    // inputs; held in start order, those are then permuted there (typed arrays, not objects, read out of order).
    for (let i = 0; i < n; i++) {
      const b = bs[i]!;
      size[i] = b.size;
      start[i] = b.start;
      end[i] = b.end;
      align[i] = b.align ?? 1;
      fixed[i] = b.offset ?? -1;
    }
    this.order = n >= renumberFrom ? indicesByKey(start) : undefined;
    if (this.order !== undefined) for (const column of [size, start, end, align, fixed]) column.set(permuted(column, this.order));
    if (this.x.setup(maxPairs) === 1) throw new Error(`arenapack: out of memory setting up ${n} buffers`);
    this.n = n;
    this.loaded = { problem, maxPairs, renumberFrom };
  }

  /** Whether the exact search can run on the loaded problem (its conflict graph was kept). */
  canSearch(): boolean {
    return this.x.pairsKept() === 1;
  }

  /** Work the placements have done so far (see lsWork): the cost of a decode, measured around it. */
  placeWork(): number {
    return this.x.placeWork();
  }

  /** Pairs of buffers that overlap in time in the loaded problem. */
  conflictPairs(): number {
    return this.x.conflictPairs();
  }

  /** Runs one kernel; returns its offsets (problem order) and peak. */
  run(kernel: Kernel): { offsets: number[]; peak: number } {
    this.searchReady = false;
    this.paused = undefined;
    const peak = this.x[kernel]();
    if (peak < 0) throw new Error(`arenapack: out of memory in ${kernel}`);
    return { offsets: this.offsets(), peak };
  }

  /**
   * Runs a greedy decode kernel (`inorder`, `greedySize`, `greedyConflicts`) in chunks of
   * DECODE_CHUNK buffers, asking `more()` between them: the same plan as run(kernel) when it runs to
   * the end. When `more()` returns false the buffers not yet placed are stacked above the placed
   * ones by size class (assembly/stack.ts: each class a band as high as its most buffers live at
   * once), so a plan always comes back; `placed` < `total` says it was cut.
   * `wave`: the buffers are placed in the order of a wave along time (assembly/wave.ts: each as soon
   * as every buffer before it in the kernel's order that overlaps it is placed, the earliest in time
   * first), which keeps what a placement reads in cache: the same plan when it runs to the end, a
   * million buffers faster. Cut short, the buffers placed are then not the first of the kernel's
   * order, but each has every earlier buffer it overlaps placed; the rest are stacked in two parts
   * (assembly/wave.ts waveStack): those the front has not reached from the bottom up, where nothing
   * placed lives at their steps, the others on top.
   */
  decode(kernel: DecodeKernel, more: () => boolean, wave = false): { offsets: number[]; peak: number; placed: number; total: number } {
    this.searchReady = false;
    this.paused = undefined;
    const total = this.x.decodeBegin(DECODE_ORDERS[kernel], wave ? 1 : 0);
    if (total < 0) throw new Error(`arenapack: out of memory in ${kernel}`);
    let placed = 0;
    while (placed < total && (placed === 0 || more())) placed = this.x.decodeRun(DECODE_CHUNK);
    const peak = this.x.decodeEnd();
    if (peak < 0) throw new Error(`arenapack: out of memory in ${kernel}`);
    return { offsets: this.offsets(), peak, placed, total };
  }

  /**
   * Local search from the better greedy order. `more(iterationsSoFar)` is asked between chunks of
   * moves and ends the search by returning false; the search also ends at `target`, after
   * `iterations` moves, or at the first chunk boundary past `maxWork` (see `lsWork`).
   */
  localSearch(
    seed: number,
    target: number,
    iterations: number,
    more: () => boolean,
    maxWork = Infinity,
  ): { offsets: number[]; peak: number; iterations: number } {
    this.searchReady = false;
    this.paused = undefined;
    if (this.x.lsStart(seed) < 0) throw new Error('arenapack: out of memory in the local search');
    // Budgets are checked between chunks of moves; a move costs about a decode of the order's tail,
    // so chunks shrink on big problems (by the size alone: the stopping point stays deterministic).
    const chunk = Math.max(1, Math.min(64, Math.floor(64_000 / Math.max(this.n, 1))));
    let done = 0;
    let best = Infinity;
    while (done < iterations) {
      const step = Math.min(chunk, iterations - done);
      best = this.x.lsRun(step, target);
      done += step;
      if (best <= target || this.x.lsWork() >= maxWork || !more()) break;
    }
    const peak = this.x.lsEmit();
    return { offsets: this.offsets(), peak, iterations: this.x.lsIterations() };
  }

  /**
   * Exact search for the lowest peak <= cap, stopping at `target` (a proven lower bound). Runs are
   * restarted with three static orders and node limits that double (as MiniMalloc does; the schedule
   * is src/solve/restarts.ts), so one unlucky early choice does not trap the search; each plan found
   * lowers the cap to its peak - 1. A run that explores its whole tree proves that no plan fits the cap
   * it had. `more(progress)` is asked every 64 children tried and every TICK_WORK of work (assembly/clock.ts) and ends the search by returning false.
   * `switches` (src/solve/switches.ts) turns techniques off, the restarts and static orders included.
   */
  search(
    cap: number,
    target: number,
    more: (p: SearchProgress) => boolean,
    maxNodes = Infinity,
    maxWork = Infinity,
    switches: Readonly<SearchSwitches> = DEFAULT_SWITCHES,
  ): SearchOutcome {
    this.prepareSearch();
    const t0 = performance.now();
    const runs = new Restarts(this.n, cap, target, maxNodes, maxWork, switches);
    while (runs.done === undefined) {
      const ask = runs.ask(runs.next);
      if (ask === undefined) throw new Error('internal error: the search has no next run');
      const best = runs.plan?.peak;
      runs.take(this.searchRun(ask, (runNodes) => more({ nodes: runs.nodes + runNodes, ...(best !== undefined ? { best } : {}), elapsedMs: performance.now() - t0 })));
    }
    return runs.done;
  }

  /**
   * Builds the exact search's structures for the loaded problem (once per load; search() and
   * searchRun() call it). Throws when the conflict graph was not kept (canSearch()) or memory runs out.
   */
  prepareSearch(): void {
    if (this.searchReady) return;
    this.paused = undefined;
    const ready = this.x.bbPrepare();
    if (ready === 2) throw new Error('arenapack: the exact search needs the conflict graph, not kept for this problem (canSearch())');
    if (ready === 0) throw new Error('arenapack: out of memory in the exact search');
    this.searchReady = true;
  }

  /**
   * One run of the exact search (src/solve/restarts.ts). `more(runNodes)` is asked every 64 children
   * tried and every TICK_WORK of work (assembly/clock.ts; with the run's nodes so far) and stops the
   * run by returning false; so does reaching `ask.stopAt` nodes (checked every 64 children only, so
   * the node where a run stops does not depend on the clock). Throws when memory runs out.
   */
  searchRun(ask: RunAsk, more: (runNodes: number) => boolean): RunResult {
    this.prepareSearch();
    const eng = this.engineFor(ask.order);
    this.running = eng;
    try {
      return eng.runHere(ask, more, this.resumed);
    } finally {
      this.running = undefined;
    }
  }

  /**
   * The engine that runs the runs of static order `order`: this one for the first order it runs after
   * a load, a sibling holding the same problem for each other one (made when first needed), so that
   * each order's run can resume where its last one paused; this one for every order when the problem
   * has more than RESUME_MAX_PAIRS pairs (memory: an engine holds its conflict graph).
   */
  private engineFor(order: number): Engine {
    if (this.lastOrder === undefined || this.lastOrder === order) return this;
    const sibling = this.siblings.find((s) => s.lastOrder === order);
    if (sibling !== undefined) return sibling;
    if (this.loaded === undefined || this.conflictPairs() > RESUME_MAX_PAIRS) return this;
    const fresh = new Engine();
    fresh.load(this.loaded.problem, this.loaded.maxPairs, this.loaded.renumberFrom);
    fresh.prepareSearch();
    this.siblings.push(fresh);
    return fresh;
  }

  /**
   * searchRun on this engine itself: resumes its paused run when `ask` continues it (same cap, order
   * and switches, budgets above what it counted: the result is then the fresh run's), else a fresh run.
   * Counts resumptions in `stats`.
   */
  private runHere(ask: RunAsk, more: (runNodes: number) => boolean, stats: { runs: number; nodes: number; work: number }): RunResult {
    this.prepareSearch();
    let stopped = false;
    this.onTick = (runNodes, exact) => {
      if ((exact && runNodes >= ask.stopAt) || !more(runNodes)) stopped = true;
      return !stopped;
    };
    try {
      const p = this.paused;
      this.paused = undefined;
      this.lastOrder = ask.order;
      let state: number;
      if (p !== undefined && p.cap === ask.cap && p.order === ask.order && p.mask === ask.mask && ask.limit > p.nodes && ask.stopAt > p.nodes && ask.work > p.work) {
        stats.runs++;
        stats.nodes += p.nodes;
        stats.work += p.work;
        state = this.x.bbResume(ask.limit, ask.work);
      } else {
        this.x.bbSwitches(ask.mask);
        state = this.x.bbRun(ask.cap, ask.order, ask.limit, ask.work);
      }
      if (this.x.bbOutOfMemory()) throw new Error('arenapack: out of memory in the exact search');
      const r: RunResult = { state: state as RunResult['state'], nodes: this.x.bbNodes(), work: this.x.bbWork(), stopped };
      if (this.x.bbPaused() === 1) this.paused = { cap: ask.cap, order: ask.order, mask: ask.mask, nodes: r.nodes, work: r.work };
      if (state === 2) {
        const peak = this.x.bbEmit();
        r.plan = { offsets: this.offsets(), peak };
      }
      return r;
    } finally {
      this.onTick = () => true;
    }
  }

  /** Work the run in progress has done so far (from inside searchRun's `more`). */
  runWork(): number {
    return (this.running ?? this).x.bbWork();
  }

  /**
   * Sets the work budget of the run in progress (from inside searchRun's `more`): see
   * assembly/exact.ts bbLimitWork; exact only while runWork() is below it.
   */
  limitWork(work: number): void {
    (this.running ?? this).x.bbLimitWork(work);
  }

  /** Buffers of the loaded problem. */
  get size(): number {
    return this.n;
  }

  /**
   * The dynamic program over the downsets of one part (assembly/order-dp.ts). Its blocks sit above
   * the loaded problem's and are freed before it returns, so a loaded problem stays usable.
   */
  orderDp(input: OrderDpInput): OrderDpOutput {
    this.searchReady = false;
    this.paused = undefined;
    const x = this.x;
    try {
      if (x.odPrepare(input.ints.length, input.ops, input.sizes.length) === 0) throw new Error('arenapack: out of memory in the operator-order search');
      new Int32Array(x.memory.buffer, x.odInts(), input.ints.length).set(input.ints);
      new Float64Array(x.memory.buffer, x.odSizes(), input.sizes.length).set(input.sizes);
      const states = x.odSolve(input.start, input.first, input.upper, input.maxStates);
      if (states === 0) throw new Error('arenapack: out of memory in the operator-order search');
      if (states < 0) return { complete: false, peak: input.upper, states: -states };
      const peak = x.odPeak();
      if (x.odHasOrder() === 0) return { complete: true, peak, states };
      const order = Array.from(new Int32Array(x.memory.buffer, x.odOrder(), input.ops));
      return { complete: true, order, peak, states };
    } finally {
      x.odRelease();
    }
  }

  private offsets(): number[] {
    const out = new Float64Array(this.x.memory.buffer, this.x.out(), this.n);
    if (this.order === undefined) return Array.from(out);
    const offsets = new Array<number>(this.n);
    for (let p = 0; p < this.n; p++) offsets[this.order[p]!] = out[p]!;
    return offsets;
  }
}
