import { bounds } from '../problem/bounds.js';
import { planGranularity, roundUpToGranularity } from '../problem/granularity.js';
import { liveProfile } from '../problem/profile.js';
import { hasTies } from '../problem/relative.js';
import type { Bytes, Problem, Step } from '../problem/types.js';
import { DEFAULT_MAX_PAIRS, Engine } from './wasm/engine.js';

/** How subInstanceBound() is run. */
export interface SubBoundOptions {
  /** A lower bound already proven (bytes): sub-instances must beat it to count. Default: the cheap bounds. */
  from?: Bytes;
  /** The peak of a plan already known (bytes): the bound stops when it meets it (proven optimal). */
  upper?: Bytes;
  /** Exact-search nodes one sub-instance may take (default 100,000). */
  maxNodesPerWindow?: number;
  /** Exact-search nodes all sub-instances together may take (default 1,000,000). */
  maxNodes?: number;
  /** The heaviest steps whose windows are grown (default 3): see subInstanceBound. */
  centres?: number;
  /** Asked every few thousand nodes and between sub-instances: true ends the bound (a deadline, say). */
  stop?: () => boolean;
  /** Called after each sub-instance. Nothing it does changes the result. */
  onWindow?: (w: SubWindow) => void;
}

/** One sub-instance put to the exact search: the buffers live anywhere in steps [from, to). */
export interface SubWindow {
  from: Step;
  to: Step;
  /** How many buffers it holds. */
  buffers: number;
  /**
   * `optimum`: its minimum peak is proven (`peak`); `above bound`: it has no plan with peak <= the bound
   * known, so its minimum peak is at least `peak`; `meets bound`: it has a plan with peak <= the bound
   * known (nothing to gain); `gave up`: its node budget (or `stop`) ended it first.
   */
  outcome: 'optimum' | 'above bound' | 'meets bound' | 'gave up';
  /** The sub-instance's proven minimum peak (bytes), with `optimum`; a proven lower bound of it, with `above bound`. */
  peak?: Bytes;
  nodes: number;
}

/** What subInstanceBound() proved. */
export interface SubBound {
  /** The best lower bound proven (bytes), rounded up to the plan granularity. */
  bound: Bytes;
  /** What proves it: the bound it started from (its name), or the sub-instance whose optimum gave it. */
  proof: string;
  /** Whether a sub-instance raised the bound above `from` / the cheap bounds. */
  raised: boolean;
  /** The sub-instance that gave the bound, when `raised`. */
  window?: SubWindow;
  /** Every sub-instance tried, in order. */
  windows: SubWindow[];
  /** Exact-search nodes spent in all. */
  nodes: number;
}

const DEFAULT_NODES_PER_WINDOW = 100_000;
const DEFAULT_NODES = 1_000_000;
const DEFAULT_CENTRES = 3;

/**
 * The sub-instance lower bound: the minimum peak of any subset of a problem's buffers (same sizes,
 * live ranges, alignments and fixed offsets) is at most the whole problem's — drop the other buffers
 * from an optimal plan of the whole and what is left is a plan of the subset, with a peak no higher. So
 * an exact search that proves the optimum of a subset proves a lower bound of the whole, rounded up to
 * the whole problem's plan granularity (planGranularity: the whole's optimum is a multiple of it).
 *
 * The subsets tried are time windows around the heaviest steps: the buffers live anywhere in a run of
 * consecutive segments of the live profile (liveProfile). Centres: the `centres` heaviest segments, each
 * at least two segments from a centre already taken (heavier first, earlier on ties). Windows grow by
 * radius r = 0, 1, 2, 4, 8, ... segments on each side, every centre at one radius before the next; a
 * centre stops growing once its window gives up (a wider one holds it and is no easier) or holds every
 * buffer (the whole problem is the exact search's own job: certifyLowerBound). A window whose buffers
 * have a plan at or below the bound known adds nothing and the next is tried.
 *
 * Each window is first asked for a plan within the bound known, then, when the search proves there is
 * none, searched from its greedy-size plan down for its optimum (proveWindow), all within its node
 * budget; only an exhausted tree (the engine's proof) raises the bound. With node budgets
 * that end the work before `stop` does, the result is the same on every machine. A problem with gaps
 * or aliases, or too many overlapping pairs for the search (Engine.canSearch), gets the cheap bound.
 *
 * @returns the bound, its proof line and every window tried. Throws nothing on a valid problem (the
 * caller validates: validateProblem).
 */
export function subInstanceBound(problem: Problem, options: SubBoundOptions = {}): SubBound {
  const g = planGranularity(problem);
  const cheap = bounds(problem);
  const given = options.from !== undefined && options.from > cheap.bound;
  let bound = roundUpToGranularity(given ? options.from! : cheap.bound, g);
  let proof: string = given ? 'given bound' : cheap.proof;
  const upper = options.upper ?? Infinity;
  const perWindow = options.maxNodesPerWindow ?? DEFAULT_NODES_PER_WINDOW;
  const total = options.maxNodes ?? DEFAULT_NODES;
  const stop = options.stop ?? ((): boolean => false);
  const windows: SubWindow[] = [];
  let nodes = 0;
  let best: SubWindow | undefined;
  const done = (): SubBound => ({ bound, proof, raised: best !== undefined, ...(best !== undefined ? { window: best } : {}), windows, nodes });
  if (problem.buffers.length === 0 || hasTies(problem)) return done();

  const profile = liveProfile(problem);
  const segments = profile.steps.length;
  const segEnd = (i: number): Step => (i + 1 < segments ? profile.steps[i + 1]! : profile.end);
  const centres = heavyCentres(profile.values, options.centres ?? DEFAULT_CENTRES);
  const growing = new Set(centres);
  const tried = new Set<string>();
  const engine = new Engine();

  for (let r = 0; growing.size > 0; r = r === 0 ? 1 : 2 * r) {
    for (const c of centres) {
      if (!growing.has(c)) continue;
      if (bound >= upper || nodes >= total || stop()) return done();
      const lo = Math.max(0, c - r);
      const hi = Math.min(segments - 1, c + r);
      const from = profile.steps[lo]!;
      const to = segEnd(hi);
      const members: number[] = [];
      problem.buffers.forEach((b, i) => {
        if (b.start < to && b.end > from) members.push(i);
      });
      if (members.length === problem.buffers.length) {
        growing.delete(c);
        continue;
      }
      const key = members.join(',');
      if (tried.has(key)) continue;
      tried.add(key);
      const w = proveWindow(engine, problem, members, { from, to, bound, g, budget: Math.min(perWindow, total - nodes), stop });
      nodes += w.nodes;
      windows.push(w);
      options.onWindow?.(w);
      if (w.outcome === 'gave up') growing.delete(c);
      if (w.peak !== undefined && roundUpToGranularity(w.peak, g) > bound) {
        bound = roundUpToGranularity(w.peak, g);
        best = w;
        proof = `sub-instance: the ${w.buffers} buffers live in steps [${from}, ${to}) have no plan with peak < ${w.peak}${g > 1 ? `, and every plan's peak is a multiple of ${g}` : ''}`;
      }
    }
  }
  return done();
}

/**
 * What the exact search proves about the buffers `members` of `problem` (steps [from, to) name the
 * window) within `budget` nodes. First the question that matters: is there a plan with peak <= `bound`
 * (bytes)? A plan ends it (`meets bound`: this is also the cheapest answer, often a few hundred nodes
 * where a search from the greedy plan down takes thousands). An exhausted tree proves the window's
 * optimum above `bound`; the budget left then searches from the window's greedy-size plan down for
 * the optimum itself (`optimum` when it exhausts that tree too, else `above bound`: at least bound + 1,
 * rounded up to `g`, the whole problem's plan granularity, which divides the window's).
 */
function proveWindow(
  engine: Engine,
  problem: Problem,
  members: readonly number[],
  w: { from: Step; to: Step; bound: Bytes; g: Bytes; budget: number; stop: () => boolean },
): SubWindow {
  const sub: Problem = {
    buffers: members.map((i) => {
      const b = problem.buffers[i]!;
      return { id: b.id, size: b.size, start: b.start, end: b.end, ...(b.align !== undefined ? { align: b.align } : {}), ...(b.offset !== undefined ? { offset: b.offset } : {}) };
    }),
  };
  const base = { from: w.from, to: w.to, buffers: members.length };
  engine.load(sub, DEFAULT_MAX_PAIRS);
  if (!engine.canSearch()) return { ...base, outcome: 'gave up', nodes: 0 };
  const greedy = engine.run('greedySize').peak;
  if (greedy <= w.bound) return { ...base, outcome: 'meets bound', nodes: 0 };
  const more = (): boolean => !w.stop();
  const probe = engine.search(w.bound, w.bound, more, w.budget);
  if (probe.plan !== undefined) return { ...base, outcome: 'meets bound', nodes: probe.nodes };
  if (!probe.exhausted) return { ...base, outcome: 'gave up', nodes: probe.nodes };
  const above = roundUpToGranularity(w.bound + 1, w.g);
  const left = w.budget - probe.nodes;
  if (above >= greedy || left <= 0) return { ...base, outcome: above >= greedy ? 'optimum' : 'above bound', peak: above, nodes: probe.nodes };
  // No plan within the bound: the optimum lies in [above, greedy]. A plan at `above` is optimal.
  const r = engine.search(greedy - 1, above, more, left);
  const nodes = probe.nodes + r.nodes;
  if (r.plan !== undefined && r.plan.peak <= above) return { ...base, outcome: 'optimum', peak: r.plan.peak, nodes };
  // Exhausted: no plan with peak <= provenAbove, and the last plan found (or greedy's) is one above it.
  if (r.exhausted) return { ...base, outcome: 'optimum', peak: r.provenAbove + 1, nodes };
  return { ...base, outcome: 'above bound', peak: above, nodes };
}

/**
 * Indices of the `k` heaviest segments of a live profile (`values`: bytes per segment), heavier first
 * (earlier on ties), each at least two segments away from one taken before.
 */
function heavyCentres(values: readonly Bytes[], k: number): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[b]! - values[a]! || a - b);
  const out: number[] = [];
  for (const i of order) {
    if (out.length >= k) break;
    if (out.every((c) => Math.abs(c - i) >= 2)) out.push(i);
  }
  return out;
}
