import type { Kernel } from './wasm/engine.js';

/** Placement methods: each buffer gets its own offset, small ones sit where dead large ones were. */
export const PLACE_METHODS = ['naive', 'inorder', 'greedy-size', 'greedy-conflicts', 'local-search'] as const;
/** Assignment methods: buffers share slots, slots are stacked. */
export const ASSIGN_METHODS = ['slots-inorder', 'slots-greedy-size', 'slots-greedy-breadth'] as const;

/** Portfolios: several methods under one time budget. */
export const PORTFOLIOS = ['auto', 'heuristic', 'search', 'exact'] as const;

export type Portfolio = (typeof PORTFOLIOS)[number];
export type PlaceMethod = (typeof PLACE_METHODS)[number];
export type AssignMethod = (typeof ASSIGN_METHODS)[number];
/** Every method `solve` can run by name. */
export type MethodName = PlaceMethod | AssignMethod;

/** The WASM kernel behind each single-shot method. */
export const KERNELS: Record<Exclude<MethodName, 'local-search'>, Kernel> = {
  naive: 'naive',
  inorder: 'inorder',
  'greedy-size': 'greedySize',
  'greedy-conflicts': 'greedyConflicts',
  'slots-inorder': 'slotsInorder',
  'slots-greedy-size': 'slotsGreedySize',
  'slots-greedy-breadth': 'slotsGreedyBreadth',
};

/** The order the portfolios run the heuristics in; on equal peaks the earlier one is kept. */
export const HEURISTIC_ORDER: readonly MethodName[] = [
  'greedy-size',
  'greedy-conflicts',
  'inorder',
  'slots-greedy-size',
  'slots-greedy-breadth',
  'slots-inorder',
  'naive',
  'local-search',
];

/** One line per method, for help texts and the README. */
export const METHOD_HELP: Record<MethodName, string> = {
  naive: 'no reuse: every buffer stacked on the last',
  inorder: 'execution order, lowest gap that fits (first fit)',
  'greedy-size': 'largest first, smallest gap that fits (best fit) among buffers live at the same time',
  'greedy-conflicts': 'most bytes in conflict first, best fit',
  'local-search': 'perturbs the best greedy order and re-places, keeping what lowers the peak',
  'slots-inorder': "shared slots in execution order: first free slot big enough, else a new one (the seed's \"before\")",
  'slots-greedy-size': 'shared slots, largest buffer first into the smallest free slot',
  'slots-greedy-breadth': 'shared slots, busiest step first (Pisarchyk & Lee 2020)',
};

export function isPortfolio(name: string): name is Portfolio {
  return (PORTFOLIOS as readonly string[]).includes(name);
}

export function isMethodName(name: string): name is MethodName {
  return (PLACE_METHODS as readonly string[]).includes(name) || (ASSIGN_METHODS as readonly string[]).includes(name);
}
