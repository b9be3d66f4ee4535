import { bounds } from '../problem/bounds.js';
import { planGranularity, roundUpToGranularity } from '../problem/granularity.js';
import type { Bytes, Problem } from '../problem/types.js';
import { hasTies } from '../problem/relative.js';
import { validateProblem } from '../problem/validate.js';
import { verifyPlan } from '../problem/verify.js';
import { Deadline, type Clock } from './deadline.js';
import { subInstanceBound, type SubBound, type SubBoundOptions } from './sub-bound.js';
import { DEFAULT_MAX_PAIRS, Engine } from './wasm/engine.js';

/** How certifyLowerBound() is run. */
export interface CertifyOptions {
  /** Wall-clock budget of the whole certification, milliseconds (default 60000). */
  timeLimitMs?: number;
  /**
   * The peak of a plan already known (bytes): probes stay below it. Default: greedy-size's plan, or
   * the naive one when the search cannot run.
   */
  upper?: Bytes;
  /** A lower bound already proven (bytes), e.g. a solve's `bound`: probes start from it. */
  from?: Bytes;
  /** Exact-search work (see the engine's bbWork) one probe may do at most; default unlimited (time ends it). */
  maxWorkPerProbe?: number;
  /**
   * Exact-search nodes one probe may visit at most; default unlimited (time ends it). With a node or work
   * budget that ends every probe before the time limit does, the probes, and so the bound and its proof, are
   * the same on every machine: a certificate anyone can reproduce (`npm run bench -- certify`).
   */
  maxNodesPerProbe?: number;
  /** The clock time is read from (tests inject one). */
  clock?: Clock;
  /** Called after each probe. Nothing it does changes the result. */
  onProbe?: (p: CertifyProbe) => void;
  /**
   * The sub-instance bound (src/solve/sub-bound.ts) run before the probes, with these budgets (its
   * `from`, `upper` and `stop` are set here), within a quarter of the time; `false` leaves it out.
   * Default: its default node budgets.
   */
  subInstances?: Omit<SubBoundOptions, 'from' | 'upper' | 'stop'> | false;
}

/** One question put to the exact search: is there a plan with peak <= `cap` (bytes)? */
export interface CertifyProbe {
  cap: Bytes;
  /** `no plan`: the search exhausted its tree (a proof); `plan`: it found one; `gave up`: time or work ran out. */
  outcome: 'no plan' | 'plan' | 'gave up';
  /** The plan's peak, with `plan` (bytes). */
  peak?: Bytes;
  nodes: number;
  timeMs: number;
}

/** What certifyLowerBound() proved. */
export interface CertifiedBound {
  /** The best lower bound proven (bytes): no plan has a lower peak. */
  bound: Bytes;
  /** What proves it: the cheap bound's name, or the search's `no plan with peak <= X` proof. */
  proof: string;
  /** Whether the bound came from the exact search (a probe exhausted its tree) rather than the cheap bounds. */
  bySearch: boolean;
  /** Whether the bound came from a sub-instance's proven optimum (and no probe raised it further). */
  bySubInstance: boolean;
  /** What the sub-instance bound did, when it ran. */
  subInstance?: SubBound;
  /** The lowest peak of a plan known at the end (bytes): `upper`, or a plan a probe found (verified). */
  best: Bytes;
  /** The offsets of the best plan, when a probe found it (problem order). */
  offsets?: number[];
  /** Whether best = bound: the optimum is proven. */
  optimal: boolean;
  /** (best - bound) / bound; 0 when optimal. */
  gap: number;
  /** Every probe, in the order run. */
  probes: CertifyProbe[];
  /** Milliseconds the whole certification took. */
  timeMs: number;
  /** Milliseconds from the start to the last probe that raised the bound or lowered `best` (0 if none did). */
  provenAtMs: number;
}

/**
 * Certifies the best lower bound of a problem's minimum peak that the exact search can prove within
 * a time budget. A tree exhausted at capacity c proves that no plan has peak <= c, so the optimum is
 * at least c + 1, rounded up to the plans' granularity (planGranularity: on MiniMalloc's instances
 * 1 KiB). Probes gallop up from the best bound known (the cheap bounds, or `from`): each proof
 * doubles the next step, a probe that finds a plan lowers `best` instead (and the steps restart), one
 * that runs out of time halves the step and tries again lower, until the bound meets `best` (proven
 * optimal), the step falls below the granularity, or the time is gone. The probe of a single step gets
 * all the time left; a longer step gets half. A probe also ends at its node or work budget
 * (maxNodesPerProbe, maxWorkPerProbe) as one out of time does: with budgets that end the probes before the
 * clock does, the result does not depend on the machine.
 *
 * Before the probes, the sub-instance bound (subInstanceBound) may raise the start: the proven optimum
 * of the buffers live in a window around the heaviest steps.
 *
 * Only the search's own result is trusted: a bound rises only on an exhausted tree; every plan found
 * is checked by the verifier. A problem with gaps or aliases is not searched (what the search proves
 * about their bounding rectangles does not hold for them): the cheap bound is returned.
 *
 * @throws InputError for an invalid problem (validateProblem).
 */
export function certifyLowerBound(problem: Problem, options: CertifyOptions = {}): CertifiedBound {
  validateProblem(problem);
  const clock = options.clock ?? ((): number => performance.now());
  const t0 = clock();
  const end = new Deadline(t0 + (options.timeLimitMs ?? 60_000), clock);
  const g = planGranularity(problem);
  const cheap = bounds(problem);
  let bound = roundUpToGranularity(Math.max(cheap.bound, options.from ?? 0), g);
  let proof: string = options.from !== undefined && options.from > cheap.bound ? 'given bound' : cheap.proof;
  let bySearch = false;
  let bySubInstance = false;
  const probes: CertifyProbe[] = [];
  let provenAtMs = 0;

  const engine = new Engine();
  engine.load(problem, DEFAULT_MAX_PAIRS);
  const searchable = engine.canSearch() && !hasTies(problem);
  let best = options.upper ?? (searchable ? engine.run('greedySize').peak : engine.run('naive').peak);
  let offsets: number[] | undefined;

  let subInstance: SubBound | undefined;
  if (searchable && options.subInstances !== false && bound < best && !end.passed()) {
    const until = end.share(0.25);
    subInstance = subInstanceBound(problem, { ...options.subInstances, from: bound, upper: best, stop: () => until.passed() });
    if (subInstance.raised) {
      bound = subInstance.bound;
      proof = subInstance.proof;
      bySubInstance = true;
      provenAtMs = clock() - t0;
    }
  }

  let step = g;
  while (searchable && bound < best && !end.passed()) {
    // Probe: is there a plan with peak < target? A proof raises the bound to target.
    const target = Math.min(bound + step, best);
    const cap = target - 1;
    const single = target - bound <= g;
    const until = single ? end : end.share(0.5);
    const t = clock();
    const r = engine.search(cap, cap, () => !until.passed(), options.maxNodesPerProbe ?? Infinity, options.maxWorkPerProbe ?? Infinity);
    const probe: CertifyProbe = { cap, outcome: r.exhausted ? 'no plan' : r.plan !== undefined ? 'plan' : 'gave up', nodes: r.nodes, timeMs: clock() - t };
    if (r.plan !== undefined) {
      const verdict = verifyPlan(problem, r.plan.offsets, r.plan.peak);
      if (!verdict.valid) throw new Error(`internal error: the search's plan at cap ${cap} is invalid:\n  ${verdict.errors.join('\n  ')}`);
      probe.peak = r.plan.peak;
      best = r.plan.peak;
      offsets = r.plan.offsets;
      provenAtMs = clock() - t0;
      step = g;
    } else if (r.exhausted) {
      bound = roundUpToGranularity(cap + 1, g);
      proof = `exact search: no plan with peak <= ${cap}${g > 1 ? `, and every plan's peak is a multiple of ${g}` : ''}`;
      bySearch = true;
      bySubInstance = false;
      provenAtMs = clock() - t0;
      step *= 2;
    } else if (single) {
      probes.push(probe);
      options.onProbe?.(probe);
      break; // not even the next step was proven in all the time left
    } else {
      step = Math.max(g, roundUpToGranularity(Math.floor(step / 2), g));
    }
    probes.push(probe);
    options.onProbe?.(probe);
  }
  if (best < bound) throw new Error(`internal error: a plan of peak ${best} below the certified bound ${bound} (${proof})`);
  return {
    bound,
    proof,
    bySearch,
    bySubInstance,
    ...(subInstance !== undefined ? { subInstance } : {}),
    best,
    ...(offsets !== undefined ? { offsets } : {}),
    optimal: best === bound,
    gap: bound > 0 ? (best - bound) / bound : 0,
    probes,
    timeMs: clock() - t0,
    provenAtMs,
  };
}
