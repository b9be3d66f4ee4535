/**
 * The shared memory between the worker that solves a problem (the *driver*) and the workers that race
 * its exact search with it (the *lanes*, src/worker/race.ts): one SharedArrayBuffer per lane holding
 * one run at a time, and a doorbell every lane rings when it changes state. A worker blocked in a
 * synchronous WASM search cannot read messages; it reads and writes these cells (Atomics) instead.
 *
 * A lane's cells: Int32 [state, cancel, result state, stopped, failed, told, resumed, 0] (32 bytes), then
 * Float64 [cap, order, limit, work, stopAt, nodes, work done, peak, true work budget, switches, nodes
 * skipped, work skipped, offsets[n]].
 * States: PENDING (the lane's call waits for a worker), STARTING (it has a worker, which loads the
 * problem), READY (waiting for a run), ASKED (the driver wrote a run), ANSWERED (the lane wrote its
 * result), CLOSED (the race is over, or the lane left it), FAILED (the lane could not load the problem).
 * Moves: the caller PENDING -> STARTING when the pool starts the lane's call; the lane STARTING ->
 * READY|FAILED, ASKED -> ANSWERED; the driver READY -> ASKED, ANSWERED -> READY|CLOSED; anyone ->
 * CLOSED. Every move is a compare-and-exchange, so a CLOSED written by another side is never
 * overwritten.
 */
import type { RunAsk, RunResult } from '../solve/restarts.js';

export const PENDING = 0;
export const STARTING = 1;
export const READY = 2;
export const ASKED = 3;
export const ANSWERED = 4;
export const CLOSED = 5;
export const FAILED = 6;

/** Int32 cells. */
const STATE = 0;
const CANCEL = 1;
const R_STATE = 2;
const R_STOPPED = 3;
const R_FAILED = 4;
/** 1 when the lane applied the exact work budget while its run's work was still below it. */
const R_TOLD = 5;
/** 1 when the run resumed the lane's paused run of its order (Engine.searchRun) rather than starting afresh. */
const R_RESUMED = 6;
const HEAD_BYTES = 32;
/** Float64 cells after the head. */
const F_CAP = 0;
const F_ORDER = 1;
const F_LIMIT = 2;
const F_WORK = 3;
const F_STOP_AT = 4;
const F_NODES = 5;
const F_WORK_DONE = 6;
const F_PEAK = 7;
/** The run's exact work budget once the driver knows it (NaN until then). */
const F_TRUE_WORK = 8;
/** The engine's switches for the run (RunAsk.mask). */
const F_MASK = 9;
/** A resumed run: the nodes and work its paused run had done (counted in F_NODES, F_WORK_DONE, not done again). */
const F_SKIP_NODES = 10;
const F_SKIP_WORK = 11;
const F_OFFSETS = 12;

/** What crosses to the driver and to each lane: the shared buffers of one race. */
export interface RaceWire {
  /** Int32[1]: rung (incremented, notified) by a lane at each change of its state. */
  doorbell: SharedArrayBuffer;
  /** One per lane (see the module's comment). */
  lanes: SharedArrayBuffer[];
  /**
   * Test hook (solver.ts awaitLanes): the driver starts each search only once every lane has loaded
   * the problem or left the race, so which runs the lanes take does not depend on how fast they load.
   * Never changes the plan; off by default (the driver never waits for a lane to load).
   */
  awaitLanes?: boolean;
}

/** Whether this runtime can race (SharedArrayBuffer and Atomics; a browser page needs cross-origin isolation). */
export function canRace(): boolean {
  return typeof SharedArrayBuffer === 'function' && typeof Atomics === 'object' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;
}

/** The shared buffers of a race with `lanes` lanes over a problem of `buffers` buffers. */
export function createRace(lanes: number, buffers: number): RaceWire {
  return {
    doorbell: new SharedArrayBuffer(4),
    lanes: Array.from({ length: lanes }, () => new SharedArrayBuffer(HEAD_BYTES + 8 * (F_OFFSETS + buffers))),
  };
}

/** Closes every lane of the race (they return from their call) and wakes them. */
export function closeRace(wire: RaceWire): void {
  for (const sab of wire.lanes) {
    const i32 = new Int32Array(sab, 0, HEAD_BYTES / 4);
    Atomics.store(i32, STATE, CLOSED);
    Atomics.notify(i32, STATE);
  }
  ring(wire.doorbell);
}

/** The caller: the pool started the lane's call (PENDING -> STARTING); the driver waits for it to load. */
export function laneStarted(wire: RaceWire, lane: number): void {
  new LaneCells(wire.lanes[lane]!, wire.doorbell).move(PENDING, STARTING);
}

/** Closes one lane (its worker died or its call failed): the driver takes its run back. */
export function closeLane(wire: RaceWire, lane: number): void {
  const i32 = new Int32Array(wire.lanes[lane]!, 0, HEAD_BYTES / 4);
  Atomics.store(i32, STATE, CLOSED);
  Atomics.notify(i32, STATE);
  ring(wire.doorbell);
}

function ring(doorbell: SharedArrayBuffer): void {
  const bell = new Int32Array(doorbell);
  Atomics.add(bell, 0, 1);
  Atomics.notify(bell, 0);
}

/** One lane's cells, as either side sees them. */
export class LaneCells {
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;

  constructor(
    sab: SharedArrayBuffer,
    private readonly doorbell: SharedArrayBuffer,
  ) {
    this.i32 = new Int32Array(sab, 0, HEAD_BYTES / 4);
    this.f64 = new Float64Array(sab, HEAD_BYTES);
  }

  state(): number {
    return Atomics.load(this.i32, STATE);
  }

  /** Moves from `from` to `to` unless the state is no longer `from`; rings the doorbell. Returns whether it moved. */
  move(from: number, to: number): boolean {
    const moved = Atomics.compareExchange(this.i32, STATE, from, to) === from;
    if (moved) {
      Atomics.notify(this.i32, STATE);
      ring(this.doorbell);
    }
    return moved;
  }

  /** Blocks (a worker only) while the state is `state`, at most `ms` milliseconds. */
  waitWhile(state: number, ms: number): void {
    Atomics.wait(this.i32, STATE, state, ms);
  }

  /** Driver: writes a run and hands it to the lane (READY -> ASKED). */
  ask(a: RunAsk): boolean {
    const f = this.f64;
    f[F_CAP] = a.cap;
    f[F_ORDER] = a.order;
    f[F_LIMIT] = a.limit;
    f[F_WORK] = a.work;
    f[F_STOP_AT] = a.stopAt;
    f[F_MASK] = a.mask;
    f[F_TRUE_WORK] = NaN;
    Atomics.store(this.i32, CANCEL, 0);
    return this.move(READY, ASKED);
  }

  /** Lane: the run asked. */
  asked(): RunAsk {
    const f = this.f64;
    return { cap: f[F_CAP]!, order: f[F_ORDER]!, mask: f[F_MASK]!, limit: f[F_LIMIT]!, work: f[F_WORK]!, stopAt: f[F_STOP_AT]! };
  }

  /** Driver: the run is no longer needed; the lane stops it at its next tick. */
  cancel(): void {
    Atomics.store(this.i32, CANCEL, 1);
  }

  cancelled(): boolean {
    return Atomics.load(this.i32, CANCEL) !== 0 || this.state() === CLOSED;
  }

  /** Driver: the run's exact work budget, now known (the lane applies it at its next tick). */
  setTrueWork(work: number): void {
    this.f64[F_TRUE_WORK] = work;
    Atomics.store(this.i32, CANCEL, Atomics.load(this.i32, CANCEL)); // a fence for the write above
  }

  /** Lane: the run's exact work budget, or NaN while it is not known. */
  trueWork(): number {
    Atomics.load(this.i32, CANCEL); // pairs with setTrueWork's fence
    return this.f64[F_TRUE_WORK]!;
  }

  /**
   * Lane: writes the result (or a failure) and hands it back (ASKED -> ANSWERED); `told`: the run
   * applied its exact work budget in time (it ran as if asked with it); `skipped`: the run resumed a
   * paused one, whose nodes and work it did not do again (undefined: it started afresh).
   */
  answer(r: RunResult | undefined, told: boolean, skipped?: { nodes: number; work: number }): boolean {
    const f = this.f64;
    Atomics.store(this.i32, R_FAILED, r === undefined ? 1 : 0);
    Atomics.store(this.i32, R_TOLD, told ? 1 : 0);
    Atomics.store(this.i32, R_RESUMED, skipped !== undefined ? 1 : 0);
    f[F_SKIP_NODES] = skipped?.nodes ?? 0;
    f[F_SKIP_WORK] = skipped?.work ?? 0;
    if (r !== undefined) {
      Atomics.store(this.i32, R_STATE, r.state);
      Atomics.store(this.i32, R_STOPPED, r.stopped ? 1 : 0);
      f[F_NODES] = r.nodes;
      f[F_WORK_DONE] = r.work;
      f[F_PEAK] = r.plan?.peak ?? -1;
      if (r.plan) f.set(r.plan.offsets, F_OFFSETS);
    }
    return this.move(ASKED, ANSWERED);
  }

  /** Driver: whether the run answered applied its exact work budget in time (see answer). */
  told(): boolean {
    return Atomics.load(this.i32, R_TOLD) !== 0;
  }

  /** Driver: whether the run answered resumed a paused run, and the nodes and work that run had done (see answer). */
  skipped(): { resumed: boolean; nodes: number; work: number } {
    const resumed = Atomics.load(this.i32, R_RESUMED) !== 0;
    return { resumed, nodes: this.f64[F_SKIP_NODES]!, work: this.f64[F_SKIP_WORK]! };
  }

  /** Driver: the result of the run answered, for a problem of `buffers` buffers (undefined: the lane failed it). */
  result(buffers: number): RunResult | undefined {
    if (Atomics.load(this.i32, R_FAILED) !== 0) return undefined;
    const f = this.f64;
    const state = Atomics.load(this.i32, R_STATE) as RunResult['state'];
    const r: RunResult = { state, nodes: f[F_NODES]!, work: f[F_WORK_DONE]!, stopped: Atomics.load(this.i32, R_STOPPED) !== 0 };
    if (state === 2) r.plan = { offsets: Array.from(f.subarray(F_OFFSETS, F_OFFSETS + buffers)), peak: f[F_PEAK]! };
    return r;
  }
}
