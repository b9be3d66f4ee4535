import type { MethodName } from './methods.js';

/**
 * Heuristics the portfolios (`auto`, `heuristic`) leave out when the engine keeps no conflict graph
 * (more pairs of buffers overlap in time than `maxPairs`, e.g. a million buffers with dozens live at
 * once): each costs several times greedy-size there (most bytes in conflict first: a sum over every
 * pair, then a decode; the slot methods: every slot per buffer, or every neighbour's slot per buffer
 * per step), and none of them beat greedy-size on such problems in `npm run bench -- scale`.
 * Named on their own they still run.
 */
const COSTLY_WITHOUT_GRAPH: readonly MethodName[] = ['greedy-conflicts', 'slots-greedy-size', 'slots-greedy-breadth'];

/**
 * Why a heuristic of the portfolios is left out at this size, or undefined when it runs. The rule
 * looks at the problem's size alone (never the clock), so the same problem always runs the same methods.
 */
export function scaleLimit(name: MethodName, pairs: number, graphKept: boolean): string | undefined {
  if (!graphKept && COSTLY_WITHOUT_GRAPH.includes(name)) {
    return `${pairs} pairs of buffers overlap in time, past the conflict graph's budget: too costly at this size`;
  }
  return undefined;
}
