/**
 * The exact search's techniques as named switches, as MiniMalloc's `SolverParams` has them
 * (MiniMalloc, src/solver.h: canonical_only, section_inference, check_dominance, unallocated_floor,
 * dynamic_decomposition, monotonic_floor, preordering_heuristics). Every switch is on by default;
 * the defaults are the search as it ran before the switches, with one change (searchFirst, which
 * only reorders the portfolio under a capacity the heuristics miss). Turning one off
 * never makes the search wrong (a run that exhausts its tree still proves that nothing fits); it only
 * prunes, splits or restarts less, which is what an ablation measures.
 *
 * Decomposition before the search (splitting the problem at the steps no buffer crosses) is the
 * solve's own `split` option (src/solve/decompose.ts), not one of these.
 */

/** A static order of the buffers (MiniMalloc's preordering heuristics): keys, each largest first. */
export type StaticOrder = 'WAT' | 'TAW' | 'TWA';

/** The static orders, in the engine's numbering: W = lifetime length, A = area, T = most bytes live in its sections. */
export const STATIC_ORDERS: readonly StaticOrder[] = ['WAT', 'TAW', 'TWA'];

export interface SearchSwitches {
  /** What is left in every time section must fit between its floor and the cap (MiniMalloc's section_inference). */
  sectionInference: boolean;
  /** Section floors rise to the lowest offset any unplaced buffer there can still take (unallocated_floor; needs sectionInference). */
  unallocatedFloor: boolean;
  /** The section check counts from max(floor, the level offsets never go below again) (monotonic_floor). */
  monotonicFloor: boolean;
  /** A node that leaves a gap below its level where an unplaced buffer fits for good is dead (check_dominance). */
  checkDominance: boolean;
  /** Buffers at the same offset are taken only by increasing rank: one order per set of them (canonical_only). */
  canonicalOnly: boolean;
  /** A failed candidate with no unplaced neighbour in time ends its node: nothing can change its offset any more. */
  hatless: boolean;
  /** Inside the search, where the placed buffers cut time, the sides are solved apart (dynamic_decomposition). */
  dynamicDecomposition: boolean;
  /** The portfolios run the local search (src/solve/wasm/engine.ts localSearch). */
  localSearch: boolean;
  /**
   * Under a capacity the single-shot heuristics miss (and the bound does not), `auto` and `exact` run the
   * search first, to the capacity, and the local search only if the search found no plan within it
   * (src/solve/solve.ts searchesFirst). Off: the local search first, as before issue #15.
   */
  searchFirst: boolean;
  /**
   * Restarts: runs with node limits that double (from max(2n, 256)), each limit tried with every static
   * order in turn, as MiniMalloc does. Off: one run with the first order and no node limit (only the
   * solve's budgets end it).
   */
  restarts: boolean;
  /**
   * With restarts, a run also stops after RUN_WORK_PER_NODE steps of work per node of its node limit
   * (src/solve/restarts.ts), so an order whose nodes are costly gets no more time than one whose nodes
   * are cheap (issue #15: on MiniMalloc's F, WAT and TAW take ~40,000 steps a node, TWA ~5,000 and it
   * is TWA that fits). Off: node limits alone, as before.
   */
  workCap: boolean;
  /** The static orders the restarts take turns with, in this order (non-empty). */
  orders: readonly StaticOrder[];
}

/** Every technique on: the search as it runs by default. */
export const DEFAULT_SWITCHES: Readonly<SearchSwitches> = Object.freeze({
  sectionInference: true,
  unallocatedFloor: true,
  monotonicFloor: true,
  checkDominance: true,
  canonicalOnly: true,
  hatless: true,
  dynamicDecomposition: true,
  localSearch: true,
  searchFirst: true,
  restarts: true,
  workCap: true,
  orders: STATIC_ORDERS,
});

/** The boolean switches, in the order the ablation table lists them. */
export const BOOLEAN_SWITCHES = [
  'sectionInference',
  'unallocatedFloor',
  'monotonicFloor',
  'checkDominance',
  'canonicalOnly',
  'hatless',
  'dynamicDecomposition',
  'localSearch',
  'searchFirst',
  'restarts',
  'workCap',
] as const satisfies readonly (keyof SearchSwitches)[];

/** Fills what `given` leaves out with the defaults; throws a RangeError on an empty or unknown order list. */
export function resolveSwitches(given: Partial<SearchSwitches> | undefined): SearchSwitches {
  const sw: SearchSwitches = { ...DEFAULT_SWITCHES, ...given };
  if (sw.orders.length === 0) throw new RangeError('search switches: `orders` needs at least one static order');
  for (const o of sw.orders) {
    if (!STATIC_ORDERS.includes(o)) throw new RangeError(`search switches: unknown static order "${String(o)}" (have: ${STATIC_ORDERS.join(', ')})`);
  }
  return sw;
}

/**
 * The engine's bit mask of the switches it runs itself (assembly/exact.ts SW_*): sections 1,
 * unallocated floor 2, monotonic floor 4, dominance 8, canonical 16, hatless 32, splitting 64.
 */
export function engineMask(sw: SearchSwitches): number {
  return (
    (sw.sectionInference ? 1 : 0) |
    (sw.unallocatedFloor ? 2 : 0) |
    (sw.monotonicFloor ? 4 : 0) |
    (sw.checkDominance ? 8 : 0) |
    (sw.canonicalOnly ? 16 : 0) |
    (sw.hatless ? 32 : 0) |
    (sw.dynamicDecomposition ? 64 : 0)
  );
}
