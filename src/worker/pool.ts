import type { Remote } from 'comlink';
import { abortReason } from './errors.js';
import type { WorkerApi } from './protocol.js';

/** One live worker, however it was started (worker_threads or a Web Worker). */
export interface WorkerHandle {
  api: Remote<WorkerApi>;
  /** Called at most once, when the worker dies on its own (uncaught error, exit); not after terminate(). */
  onDeath(listener: (reason: Error) => void): void;
  terminate(): void;
  /** Whether the worker keeps the process alive (Node: ref/unref); a no-op in browsers. */
  hold(busy: boolean): void;
  /**
   * Settles once the worker has loaded the solver and can take calls at full speed (WorkerApi.ready);
   * the pool asks it once, after the start, and hands calls only to workers that answered. Without it,
   * a worker takes calls from its start.
   */
  ready?(): Promise<unknown>;
}

/** Starts a worker. */
export type Spawn = () => WorkerHandle;

/**
 * A call for some worker of the pool: gets the worker's API, answers a promise. `recycle()` asks
 * for the worker to be replaced after the call (its state can't be trusted any more).
 */
export type Task<T> = (api: Remote<WorkerApi>, recycle: () => void) => Promise<T>;

interface Slot {
  /** Its worker, once started; an idle slot with a worker has one that is ready (see warmUp). */
  worker?: WorkerHandle;
  /** Rejects the running call when its worker dies. */
  fail?: (reason: Error) => void;
}

interface Job {
  task: Task<unknown>;
  signal: AbortSignal | undefined;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  /** Takes the job out of the queue when its signal aborts first. */
  leaveQueue?: () => void;
  /** A background job's: asks it to end soon, as another job waits for its worker (called at most once). */
  preempt?: () => void;
}

/**
 * A few workers, started on first use, each running one call at a time; further calls wait in
 * order. A call whose signal aborts rejects at once and its worker is terminated (a solve stuck in
 * WASM can't be interrupted otherwise) and replaced on the next call; so is a worker that dies.
 * comlink leaves a call pending when its worker goes away: every call is raced here against the
 * abort and the worker's death.
 */
export class Pool {
  private readonly idle: Slot[] = [];
  private readonly queue: Job[] = [];
  /** Background jobs: started only when no other job waits (see run). */
  private readonly background: Job[] = [];
  /** Slots running a call now. */
  private readonly running = new Set<Slot>();
  /** Slots whose worker is starting (warmUp): neither idle nor running. */
  private readonly warming = new Set<Slot>();
  /** Background jobs running now, not yet asked to end (see run's `preempt`), and those asked. */
  private readonly yielding = new Set<Job>();
  private readonly preempted = new Set<Job>();
  private closed = false;

  constructor(
    private readonly spawn: Spawn,
    readonly size: number,
  ) {
    if (!(Number.isInteger(size) && size >= 1)) throw new RangeError(`pool size must be a positive integer, not ${size}`);
    for (let i = 0; i < size; i++) this.idle.push({});
  }

  /**
   * Runs the task on a free worker, or when one frees up, in order of calls. A `background` job waits
   * until no other job does, and `preempt` is called when another job then waits for its worker (the
   * job should end soon): it only ever holds a worker nobody else asks for (racing lanes,
   * src/worker/race.ts). Aborting `signal` rejects the call; a running call's worker is terminated.
   */
  run<T>(task: Task<T>, signal?: AbortSignal, background?: { preempt: () => void }): Promise<T> {
    if (this.closed) return Promise.reject(new Error('arenapack: the solver is closed'));
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const queue = background ? this.background : this.queue;
    return new Promise<T>((resolve, reject) => {
      const job: Job = { task: task as Task<unknown>, signal, resolve: resolve as (v: unknown) => void, reject };
      if (background) job.preempt = background.preempt;
      if (signal) {
        job.leaveQueue = () => {
          const i = queue.indexOf(job);
          if (i >= 0) {
            queue.splice(i, 1);
            reject(abortReason(signal));
          }
        };
        signal.addEventListener('abort', job.leaveQueue, { once: true });
      }
      queue.push(job);
      this.pump();
      this.preemptFor();
    });
  }

  /** Asks running background jobs to end, one for each job waiting for a worker (each asked once). */
  private preemptFor(): void {
    let waiting = this.queue.length - this.preempted.size;
    for (const job of this.yielding) {
      if (waiting <= 0) break;
      this.yielding.delete(job);
      this.preempted.add(job);
      waiting--;
      job.preempt!();
    }
  }

  /** Terminates every worker; calls still running or queued reject. */
  close(): void {
    this.closed = true;
    const err = new Error('arenapack: the solver was closed');
    for (const job of [...this.queue.splice(0), ...this.background.splice(0)]) job.reject(err);
    for (const slot of this.running) {
      slot.fail?.(err);
      this.retire(slot);
    }
    for (const slot of this.warming) this.retire(slot);
    this.warming.clear();
  }

  /**
   * Hands the waiting calls (foreground first) to idle workers that are ready. A call is never bound
   * to a worker still starting: with none ready, the pool starts workers in idle slots, one for each
   * waiting call beyond those already starting (warmUp), and a call takes the first worker free, be it
   * one that finished a call or one that finished starting. (Bound to a cold worker, a part of a
   * problem split in time waited out the worker's start while a ready one was free within
   * milliseconds: issue #15, the scaled instance F~ C.)
   */
  private pump(): void {
    for (;;) {
      const waiting = this.queue.length + this.background.length;
      if (waiting === 0) return;
      let k = this.idle.length - 1;
      while (k >= 0 && this.idle[k]!.worker === undefined) k--;
      if (k >= 0) {
        const [slot] = this.idle.splice(k, 1);
        const job = (this.queue.length > 0 ? this.queue : this.background).shift()!;
        void this.start(slot!, job);
        continue;
      }
      if (this.warming.size >= waiting || this.idle.length === 0) return;
      this.warmUp(this.idle.pop()!);
    }
  }

  /**
   * Starts the worker of an idle slot without a call: the slot comes back idle once the worker is
   * ready (WorkerHandle.ready). A worker that dies or fails before that rejects the first waiting
   * call with the reason (as a call given a worker that cannot start would), so a worker that can
   * never start does not make the pool start workers forever.
   */
  private warmUp(slot: Slot): void {
    let worker: WorkerHandle;
    try {
      worker = slot.worker = this.birth(slot);
    } catch (e) {
      // A worker that cannot even be created (new Worker throws): the call waiting first gets the error.
      this.idle.push(slot);
      this.rejectFirst(e);
      return;
    }
    if (worker.ready === undefined) {
      this.idle.push(slot);
      return;
    }
    this.warming.add(slot);
    worker.hold(true);
    const died = new Promise<never>((_, reject) => (slot.fail = reject));
    Promise.race([worker.ready(), died]).then(
      () => {
        if (!this.warming.delete(slot)) return; // closed meanwhile
        slot.fail = undefined;
        worker.hold(false);
        this.idle.push(slot);
        this.pump();
      },
      (e: unknown) => {
        if (!this.warming.delete(slot)) return;
        slot.fail = undefined;
        this.retire(slot);
        this.idle.push(slot);
        this.rejectFirst(e);
        this.pump();
      },
    );
  }

  /** Rejects the call waiting first (foreground, else background) with `e`: its worker could not start. */
  private rejectFirst(e: unknown): void {
    const job = this.queue.shift() ?? this.background.shift();
    if (job === undefined) return;
    if (job.leaveQueue) job.signal?.removeEventListener('abort', job.leaveQueue);
    job.reject(e);
  }

  private async start(slot: Slot, job: Job): Promise<void> {
    if (job.leaveQueue) job.signal?.removeEventListener('abort', job.leaveQueue);
    this.running.add(slot);
    if (job.preempt) this.yielding.add(job);
    let settled = false;
    let recycle = false;
    let onAbort: (() => void) | undefined;
    const finish = (): void => {
      settled = true;
      this.yielding.delete(job);
      this.preempted.delete(job);
      slot.fail = undefined;
      if (onAbort) job.signal?.removeEventListener('abort', onAbort);
      slot.worker?.hold(false);
      if (recycle) this.retire(slot);
      this.running.delete(slot);
      if (!this.closed) {
        this.idle.push(slot);
        this.pump();
      }
    };
    try {
      // (A slot whose worker died idle starts a new one for the call, as the first call of a slot did.)
      const worker = (slot.worker ??= this.birth(slot));
      worker.hold(true);
      const stop = new Promise<never>((_, reject) => {
        slot.fail = reject;
        if (job.signal) {
          onAbort = () => {
            reject(abortReason(job.signal!));
            this.retire(slot);
          };
          job.signal.addEventListener('abort', onAbort, { once: true });
        }
      });
      stop.catch(() => undefined); // the race below reports it; a late one has nobody to tell
      const asked = job.task(worker.api, () => {
        recycle = true;
      });
      const value = await Promise.race([asked, stop]);
      if (!settled) {
        finish();
        job.resolve(value);
      }
    } catch (e) {
      if (!settled) {
        finish();
        job.reject(e);
      }
    }
  }

  /** Starts a worker for the slot; its death fails the slot's running call and frees the slot. */
  private birth(slot: Slot): WorkerHandle {
    const worker = this.spawn();
    worker.onDeath((reason) => {
      if (slot.worker !== worker) return;
      slot.worker = undefined;
      slot.fail?.(reason);
    });
    return worker;
  }

  /** Ends the slot's worker; the next call on the slot starts a fresh one. */
  private retire(slot: Slot): void {
    const w = slot.worker;
    slot.worker = undefined;
    w?.terminate();
  }
}
