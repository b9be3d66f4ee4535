import type { MethodName } from './methods.js';

/**
 * Why a heuristic of the portfolios is left out at this size, or undefined when it runs. The rule
 * looks at the size alone (never the clock), so the same problem always runs the same methods.
 * Measured on the 2-core machine of the README (`npm run bench -- scale`).
 */
export function scaleLimit(name: MethodName, buffers: number, pairs: number): string | undefined {
  void name;
  void buffers;
  void pairs;
  return undefined;
}
