import type { Remote } from 'comlink';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/problem/errors.js';
import { fromWire, toWire } from '../../src/worker/errors.js';
import { Pool, type WorkerHandle } from '../../src/worker/pool.js';
import type { WorkerApi } from '../../src/worker/protocol.js';

/** A fake worker: records calls; the test settles them or kills the worker. */
class FakeWorker implements WorkerHandle {
  static born: FakeWorker[] = [];
  readonly api = {} as Remote<WorkerApi>;
  terminated = false;
  held = false;
  private listeners: ((e: Error) => void)[] = [];
  constructor() {
    FakeWorker.born.push(this);
  }
  onDeath(l: (e: Error) => void): void {
    this.listeners.push(l);
  }
  terminate(): void {
    this.terminated = true;
  }
  hold(busy: boolean): void {
    this.held = busy;
  }
  die(message: string): void {
    for (const l of this.listeners) l(new Error(message));
  }
}

/** A fake worker that is ready (WorkerHandle.ready) only when the test says so. */
class SlowStart extends FakeWorker {
  static override born: SlowStart[] = [];
  override readonly api = {} as Remote<WorkerApi>;
  private started: () => void = () => undefined;
  private readonly isReady = new Promise<void>((r) => (this.started = r));
  constructor() {
    super();
    SlowStart.born.push(this);
  }
  ready(): Promise<void> {
    return this.isReady;
  }
  start(): void {
    this.started();
  }
}

/** A task that resolves when the test says so, and tells which worker ran it. */
function deferred(): {
  task: (api: Remote<WorkerApi>) => Promise<string>;
  resolve: (v: string) => void;
  started: () => boolean;
  ranOn: () => Remote<WorkerApi> | undefined;
} {
  let resolve: (v: string) => void = () => undefined;
  let started = false;
  let on: Remote<WorkerApi> | undefined;
  const p = new Promise<string>((r) => (resolve = r));
  return {
    task: (api) => {
      started = true;
      on = api;
      return p;
    },
    resolve: (v) => resolve(v),
    started: () => started,
    ranOn: () => on,
  };
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('Pool', () => {
  it('runs at most `size` calls at once, the rest in order, on workers started on first use', async () => {
    FakeWorker.born = [];
    const pool = new Pool(() => new FakeWorker(), 2);
    expect(FakeWorker.born).toHaveLength(0);
    const d = [deferred(), deferred(), deferred()];
    const ps = d.map((x) => pool.run(x.task));
    await tick();
    expect(d.map((x) => x.started())).toEqual([true, true, false]);
    expect(FakeWorker.born).toHaveLength(2);
    expect(FakeWorker.born.every((w) => w.held)).toBe(true);
    d[0]!.resolve('a');
    await tick();
    expect(d[2]!.started()).toBe(true);
    d[1]!.resolve('b');
    d[2]!.resolve('c');
    expect(await Promise.all(ps)).toEqual(['a', 'b', 'c']);
    expect(FakeWorker.born).toHaveLength(2); // reused, not respawned
    expect(FakeWorker.born.every((w) => !w.held)).toBe(true); // idle workers don't hold the process
  });

  it('starts a background call only on a worker no other call waits for, and asks it to end when one does', async () => {
    FakeWorker.born = [];
    const pool = new Pool(() => new FakeWorker(), 2);
    const fore = [deferred(), deferred(), deferred(), deferred()];
    const back = deferred();
    let preempted = 0;
    const pf0 = pool.run(fore[0]!.task);
    const pf1 = pool.run(fore[1]!.task);
    const pb = pool.run(back.task, undefined, { preempt: () => preempted++ });
    const pf2 = pool.run(fore[2]!.task);
    await tick();
    // Queued before fore[2], the background call still waits for it: fore[2] takes the first worker freed.
    fore[1]!.resolve('b');
    await tick();
    expect([fore[2]!.started(), back.started()]).toEqual([true, false]);
    fore[2]!.resolve('c');
    await tick();
    expect([back.started(), preempted]).toEqual([true, 0]);
    // A call that finds no worker asks the background call (once) to give its worker back.
    const pf3 = pool.run(fore[3]!.task);
    await tick();
    expect([fore[3]!.started(), preempted]).toEqual([false, 1]);
    back.resolve('x');
    await tick();
    expect(fore[3]!.started()).toBe(true);
    fore[0]!.resolve('a');
    fore[3]!.resolve('d');
    expect(await Promise.all([pf0, pf1, pf2, pf3, pb])).toEqual(['a', 'b', 'c', 'd', 'x']);
    expect(preempted).toBe(1);
  });

  it('abort rejects at once, terminates the busy worker and replaces it on the next call', async () => {
    FakeWorker.born = [];
    const pool = new Pool(() => new FakeWorker(), 1);
    const ac = new AbortController();
    const stuck = deferred();
    const p = pool.run(stuck.task, ac.signal);
    await tick();
    ac.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(FakeWorker.born[0]!.terminated).toBe(true);
    stuck.resolve('late'); // a late answer changes nothing
    const next = deferred();
    const q = pool.run(next.task);
    await tick();
    expect(FakeWorker.born).toHaveLength(2);
    next.resolve('ok');
    expect(await q).toBe('ok');
  });

  it('rejects with the signal reason when it has one', async () => {
    const pool = new Pool(() => new FakeWorker(), 1);
    const ac = new AbortController();
    const p = pool.run(deferred().task, ac.signal);
    await tick();
    ac.abort(new Error('user pressed stop'));
    await expect(p).rejects.toThrow('user pressed stop');
  });

  it('a worker that dies rejects its call; a worker that dies idle is replaced silently', async () => {
    FakeWorker.born = [];
    const pool = new Pool(() => new FakeWorker(), 1);
    const p = pool.run(deferred().task);
    await tick();
    FakeWorker.born[0]!.die('worker exited (code 70)');
    await expect(p).rejects.toThrow('worker exited (code 70)');
    const d = deferred();
    const q = pool.run(d.task);
    await tick();
    expect(FakeWorker.born).toHaveLength(2);
    d.resolve('fine');
    expect(await q).toBe('fine');
    FakeWorker.born[1]!.die('idle death');
    const e = deferred();
    const r = pool.run(e.task);
    await tick();
    expect(FakeWorker.born).toHaveLength(3);
    e.resolve('again');
    expect(await r).toBe('again');
  });

  it('recycle() replaces the worker after its call', async () => {
    FakeWorker.born = [];
    const pool = new Pool(() => new FakeWorker(), 1);
    expect(await pool.run(async (_api, recycle) => (recycle(), 'x'))).toBe('x');
    expect(FakeWorker.born[0]!.terminated).toBe(true);
    expect(await pool.run(async () => 'y')).toBe('y');
    expect(FakeWorker.born).toHaveLength(2);
  });

  it('hands a call only to a ready worker: one that frees up takes it before a worker still starting', async () => {
    SlowStart.born = [];
    const pool = new Pool(() => new SlowStart(), 2);
    const first = deferred();
    const p1 = pool.run(first.task);
    await tick();
    // The first call waits for its worker to be ready (nothing else can run it).
    expect([SlowStart.born.length, first.started()]).toEqual([1, false]);
    SlowStart.born[0]!.start();
    await tick();
    expect(first.started()).toBe(true);
    // A second call finds no ready worker free: a second worker starts, the call is not bound to it...
    const second = deferred();
    const p2 = pool.run(second.task);
    await tick();
    expect([SlowStart.born.length, second.started(), SlowStart.born[1]!.held]).toEqual([2, false, true]);
    // ...and the first worker, free first, takes it.
    first.resolve('a');
    await tick();
    expect(second.started()).toBe(true);
    expect(second.ranOn()).toBe(SlowStart.born[0]!.api);
    // The second worker, ready later, waits idle (not holding the process) and takes the next call.
    SlowStart.born[1]!.start();
    await tick();
    expect(SlowStart.born[1]!.held).toBe(false);
    const third = deferred();
    const p3 = pool.run(third.task);
    await tick();
    expect(third.ranOn()).toBe(SlowStart.born[1]!.api);
    second.resolve('b');
    third.resolve('c');
    expect(await Promise.all([p1, p2, p3])).toEqual(['a', 'b', 'c']);
    expect(SlowStart.born).toHaveLength(2);
  });

  it('a worker that dies before it is ready rejects the first waiting call with the reason; the next call starts another', async () => {
    SlowStart.born = [];
    const pool = new Pool(() => new SlowStart(), 1);
    const a = deferred();
    const b = deferred();
    const pa = pool.run(a.task);
    const pb = pool.run(b.task);
    await tick();
    SlowStart.born[0]!.die('the worker script failed to load');
    await expect(pa).rejects.toThrow('failed to load');
    // The call behind it starts a new worker, which takes it once ready.
    await tick();
    expect(SlowStart.born).toHaveLength(2);
    SlowStart.born[1]!.start();
    await tick();
    expect(b.started()).toBe(true);
    b.resolve('b');
    expect(await pb).toBe('b');
  });

  it('a worker that cannot be created rejects the calls waiting for it, one each, and the pool goes on', async () => {
    let fail = true;
    const pool = new Pool(() => {
      if (fail) throw new Error('ERR_WORKER_INVALID_EXEC_ARGV');
      return new FakeWorker();
    }, 1);
    const a = pool.run(async () => 'a');
    const b = pool.run(async () => 'b');
    await expect(a).rejects.toThrow('ERR_WORKER_INVALID_EXEC_ARGV');
    await expect(b).rejects.toThrow('ERR_WORKER_INVALID_EXEC_ARGV');
    fail = false;
    expect(await pool.run(async () => 'c')).toBe('c');
  });

  it('close() rejects running and queued calls and terminates the workers', async () => {
    FakeWorker.born = [];
    const pool = new Pool(() => new FakeWorker(), 1);
    const a = pool.run(deferred().task);
    const b = pool.run(deferred().task);
    await tick();
    pool.close();
    await expect(a).rejects.toThrow(/closed/);
    await expect(b).rejects.toThrow(/closed/);
    expect(FakeWorker.born[0]!.terminated).toBe(true);
    await expect(pool.run(async () => 1)).rejects.toThrow(/closed/);
  });
});

describe('errors across the worker boundary', () => {
  it('keep the class, message and InputError fields', () => {
    const e = fromWire(structuredClone(toWire(new InputError('a.csv: buffer "x": size must be positive', { file: 'a.csv', buffer: 'x', field: 'size' }))));
    expect(e).toBeInstanceOf(InputError);
    expect(e).toMatchObject({ message: 'a.csv: buffer "x": size must be positive', file: 'a.csv', buffer: 'x', field: 'size' });
    const r = fromWire(structuredClone(toWire(new RangeError('too big'))));
    expect(r).toBeInstanceOf(Error);
    expect(r).toMatchObject({ name: 'RangeError', message: 'too big' });
    expect(fromWire(toWire('a string')).message).toBe('a string');
  });
});
