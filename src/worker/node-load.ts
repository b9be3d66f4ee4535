/**
 * How many cores other processes keep busy, for the race's decision (src/worker/solver.ts raceLanes),
 * in Node: the machine's busy time (os.cpus()) less this process's own (process.cpuUsage(), every
 * thread of it: the pool's workers too), over the time since the last reading.
 */
import { cpus, loadavg } from 'node:os';

interface Reading {
  /** performance.now(), ms. */
  at: number;
  /** Busy time of every core since boot, summed (ms). */
  busy: number;
  /** This process's CPU time since it started, every thread (ms). */
  own: number;
}

function read(): Reading {
  let busy = 0;
  for (const c of cpus()) busy += c.times.user + c.times.nice + c.times.sys + c.times.irq;
  const u = process.cpuUsage();
  return { at: performance.now(), busy, own: (u.user + u.system) / 1000 };
}

/**
 * A reader of the cores other processes kept busy (0 .. cores) over the time since its last reading
 * that took at least `minIntervalMs` (default 250: shorter intervals are too coarse, the kernel's
 * counters tick every 10 ms); before the first such interval, the 1-minute load average (which counts
 * this process too: it errs towards "busy", that is towards not racing; 0 where the system has none).
 */
export function outsideLoadReader(minIntervalMs = 250): () => number {
  let last = read();
  let estimate: number | undefined;
  return () => {
    const now = read();
    const wall = now.at - last.at;
    if (wall >= minIntervalMs) {
      estimate = Math.max(0, (now.busy - last.busy - (now.own - last.own)) / wall);
      last = now;
    }
    return estimate ?? loadavg()[0] ?? 0;
  };
}
