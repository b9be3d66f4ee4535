import type { GraphOperator } from '../../graph/types.js';
import { viewOwners } from '../../graph/views.js';
import type { TensorLife } from './lifetimes.js';

/**
 * RESHAPE / SQUEEZE / EXPAND_DIMS outputs that can live in their input's memory: the input dies at
 * that operator (it is not read later, is no graph output, variable or prepared tensor) and both have
 * the same bytes (viewOwners, src/graph/views.ts). Returns owner[t]: the tensor whose buffer t lives
 * in (itself when not aliased); chains of such operators end up in the first input's buffer.
 * `operators` are the subgraph's (graphOperators), `order[k]` the operator at step k (default: the
 * stored order), as in tensorLifetimes.
 */
export function shapeAliases(
  operators: readonly GraphOperator[],
  graphOutputs: readonly number[],
  lives: readonly TensorLife[],
  bytes: readonly (number | undefined)[],
  order?: readonly number[],
): number[] {
  return viewOwners(operators, lives.length, new Set(graphOutputs), (t) => lives[t]!.kind, (t) => bytes[t], (t) => lives[t]!.lastRead, order);
}
