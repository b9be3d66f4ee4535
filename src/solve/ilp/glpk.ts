import type { GLPK, LP, Result } from 'glpk.js/node';
import { Deadline } from '../deadline.js';

/**
 * glpk.js, loaded on first use only. It is GPL-3.0: arenapack depends on it as a separate package
 * and never bundles it into its own files.
 */
let loading: Promise<GLPK> | undefined;

export function loadGlpk(): Promise<GLPK> {
  loading ??= import('glpk.js/node').then((m) => m.default());
  return loading;
}

export type { GLPK, LP, Result };

/** One linear term. */
export interface Term {
  name: string;
  coef: number;
}

/** A small builder for GLPK's LP objects, so the models read like their formulas. */
export class LpBuilder {
  private readonly rows: LP['subjectTo'] = [];
  private readonly bounds: NonNullable<LP['bounds']> = [];
  private readonly binaries: string[] = [];
  private readonly generals: string[] = [];
  private objective: Term[] = [];
  private maximize = false;

  constructor(
    private readonly glpk: GLPK,
    private readonly name: string,
  ) {}

  minimize(terms: Term[]): this {
    this.objective = terms;
    this.maximize = false;
    return this;
  }

  maximizeObjective(terms: Term[]): this {
    this.objective = terms;
    this.maximize = true;
    return this;
  }

  /** sum(terms) <= ub */
  le(name: string, terms: Term[], ub: number): this {
    this.rows.push({ name, vars: terms, bnds: { type: this.glpk.GLP_UP, ub, lb: 0 } });
    return this;
  }

  /** sum(terms) = v */
  eq(name: string, terms: Term[], v: number): this {
    this.rows.push({ name, vars: terms, bnds: { type: this.glpk.GLP_FX, ub: v, lb: v } });
    return this;
  }

  /** lb <= var <= ub (a missing side is unbounded). */
  bound(name: string, lb: number | undefined, ub: number | undefined): this {
    const g = this.glpk;
    const type = lb !== undefined && ub !== undefined ? (lb === ub ? g.GLP_FX : g.GLP_DB) : lb !== undefined ? g.GLP_LO : ub !== undefined ? g.GLP_UP : g.GLP_FR;
    this.bounds.push({ name, type, lb: lb ?? 0, ub: ub ?? 0 });
    return this;
  }

  binary(name: string): this {
    this.binaries.push(name);
    return this;
  }

  integer(name: string): this {
    this.generals.push(name);
    return this;
  }

  build(): LP {
    return {
      name: this.name,
      objective: { direction: this.maximize ? this.glpk.GLP_MAX : this.glpk.GLP_MIN, name: 'obj', vars: this.objective },
      subjectTo: this.rows,
      bounds: this.bounds,
      binaries: this.binaries,
      generals: this.generals,
    };
  }
}

/** What a MIP solve established. */
export type MipOutcome = 'optimal' | 'feasible' | 'infeasible' | 'unknown';

export function outcomeOf(glpk: GLPK, result: Result): MipOutcome {
  const s = result.result.status;
  if (s === glpk.GLP_OPT) return 'optimal';
  if (s === glpk.GLP_FEAS) return 'feasible';
  if (s === glpk.GLP_NOFEAS || s === glpk.GLP_INFEAS) return 'infeasible';
  return 'unknown';
}

/** A time limit as GLPK's runs take it: milliseconds from now, or a deadline (the command's). */
export type GlpkLimit = number | Deadline;

/** The deadline of a limit: `limit` ms from now, or the deadline itself. */
export function deadlineOfLimit(limit: GlpkLimit): Deadline {
  return typeof limit === 'number' ? Deadline.in(limit) : limit;
}

/** The least time a MIP or LP is given (ms): under it GLPK returns nothing at all, and callers fall back to their heuristic plan. */
const MIN_GLPK_MS = 10;

/**
 * Solves with a time limit: what `limit` leaves, in milliseconds (glpk.js takes `tmlim` in seconds,
 * fractions too, and hands GLPK milliseconds), at least MIN_GLPK_MS. GLPK may then return no
 * solution (outcome `unknown`): every caller has a plan of its own for that case.
 */
export function solveMip(glpk: GLPK, lp: LP, limit: GlpkLimit): Result {
  return glpk.solve(lp, { msglev: glpk.GLP_MSG_OFF, presol: true, tmlim: glpkSeconds(limit) });
}

/** `limit` as GLPK's tmlim: seconds, at least MIN_GLPK_MS of them. */
export function glpkSeconds(limit: GlpkLimit): number {
  const ms = typeof limit === 'number' ? limit : limit.leftMs();
  return Math.max(MIN_GLPK_MS, Math.floor(ms)) / 1000;
}

/** How long after its deadline a GLPK worker is stopped, when GLPK's own limit did not end it (ms). */
const GRACE_MS = 20;
/** The longest delay setTimeout keeps (2^31 - 1 ms); a longer one fires at once (Node: TimeoutOverflowWarning). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** worker_threads when this runtime has it without a static import (Node >= 20.16: process.getBuiltinModule); else undefined. */
function workerThreads(): typeof import('node:worker_threads') | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.('node:worker_threads') as typeof import('node:worker_threads') | undefined;
}

/** The file URL of glpk.js's Node build, for a worker to import (undefined when it cannot be found). */
function glpkUrl(): string | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.('node:module') as typeof import('node:module') | undefined;
  const url = proc?.getBuiltinModule?.('node:url') as typeof import('node:url') | undefined;
  if (mod === undefined || url === undefined) return undefined;
  try {
    return url.pathToFileURL(mod.createRequire(import.meta.url).resolve('glpk.js/node')).href;
  } catch {
    return undefined;
  }
}

/** The worker's script: loads GLPK once, says it is ready, then solves each LP it is sent and posts the result. */
const WORKER_SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.url).then((m) => m.default()).then(
  (glpk) => {
    parentPort.on('message', ({ lp, options }) => {
      try {
        parentPort.postMessage({ result: glpk.solve(lp, { ...options, msglev: glpk.GLP_MSG_OFF }) });
      } catch (e) {
        parentPort.postMessage({ error: String(e) });
      }
    });
    parentPort.postMessage({ ready: true });
  },
  (e) => parentPort.postMessage({ error: String(e) }),
);`;

type GlpkWorker = InstanceType<typeof import('node:worker_threads').Worker>;

/**
 * The GLPK worker of this process, loaded (started on first use; unref'd: it never keeps the process
 * alive). A worker is stopped only while it solves, never while it loads GLPK's WASM (stopping a
 * worker then can hang in Node 20); a stopped one is replaced on the next call.
 */
let glpkWorker: Promise<GlpkWorker> | undefined;

function loadedWorker(wt: typeof import('node:worker_threads'), url: string): Promise<GlpkWorker> {
  glpkWorker ??= new Promise<GlpkWorker>((resolve, reject) => {
    const worker = new wt.Worker(WORKER_SCRIPT, { eval: true, workerData: { url } });
    worker.unref();
    worker.once('message', (m: { ready?: boolean; error?: string }) => (m.ready === true ? resolve(worker) : reject(new Error(`GLPK: ${m.error ?? 'no answer'}`))));
    worker.once('error', reject);
  }).catch((e: unknown) => {
    glpkWorker = undefined;
    throw e;
  });
  return glpkWorker;
}

/**
 * Solves `lp` by `end` for sure: GLPK looks at its clock only between steps, and not while it loads
 * a model or runs presolve, so a limit alone overruns (MiniMalloc's A: 3.9 s for a 1.9 s limit).
 * In Node, GLPK runs in a worker thread with its limit at `end` (tmlim, as solveMip), and the worker
 * is stopped GRACE_MS after `end` if it has not answered: undefined then, as for a run that found
 * nothing (callers fall back to their heuristic plan); undefined at once when `end` has passed. Where worker threads are not at hand (a
 * browser, Node before 20.16), GLPK runs on this thread as solveMip does. `options` go to glpk.solve
 * (presolve on unless they say otherwise).
 */
/**
 * How a model runs in GLPK by a deadline: solveMipBy, unless a test hands in another (one that
 * answers as GLPK does when its time runs out — status GLP_UNDEF, every variable 0 — so the branch a
 * time-out takes runs on every machine, not only on a slow or loaded one).
 */
export type MipRunner = (glpk: GLPK, lp: LP, end: Deadline) => Promise<Result | undefined>;

export async function solveMipBy(glpk: GLPK, lp: LP, end: Deadline, options: { presol?: boolean } = {}): Promise<Result | undefined> {
  // No time left: GLPK is not started (the same answer on every machine).
  if (end.passed()) return undefined;
  const opts = { presol: true, ...options };
  const wt = workerThreads();
  const url = wt !== undefined ? glpkUrl() : undefined;
  if (wt === undefined || url === undefined) return glpk.solve(lp, { ...opts, tmlim: glpkSeconds(end), msglev: glpk.GLP_MSG_OFF });
  const worker = await loadedWorker(wt, url);
  return new Promise<Result | undefined>((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
    };
    const onMessage = (m: { result?: Result; error?: string }): void => {
      done();
      if (m.result !== undefined) resolve(m.result);
      else reject(new Error(`GLPK: ${m.error ?? 'no answer'}`));
    };
    const onError = (e: Error): void => {
      done();
      glpkWorker = undefined;
      reject(e);
    };
    const timer = setTimeout(() => {
      done();
      glpkWorker = undefined;
      void worker.terminate();
      resolve(undefined);
    }, Math.min(end.leftMs() + GRACE_MS, MAX_TIMER_MS));
    worker.on('message', onMessage);
    worker.on('error', onError);
    // GLPK's own limit is what is left once the worker is ready (loading it took some).
    worker.postMessage({ lp, options: { ...opts, tmlim: glpkSeconds(end) } });
  });
}
