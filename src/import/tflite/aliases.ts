import type { TensorLife } from './lifetimes.js';
import { SHAPE_ONLY_OPS } from './schema.js';
import type { TfliteModel } from './types.js';

/** Kinds whose memory may be shared by a shape-only operator's output. */
const SHAREABLE = new Set(['input', 'activation', 'output']);

/**
 * RESHAPE / SQUEEZE / EXPAND_DIMS outputs that can live in their input's memory: the input dies at
 * that operator (it is not read later, is no graph output, variable or prepared tensor) and both have
 * the same bytes. Returns owner[t]: the tensor whose buffer t lives in (itself when not aliased);
 * chains of such operators end up in the first input's buffer. `order[k]` is the operator at step k
 * (default: the stored order), as in tensorLifetimes.
 */
export function shapeAliases(
  model: TfliteModel,
  s: number,
  lives: readonly TensorLife[],
  bytes: readonly (number | undefined)[],
  order?: readonly number[],
): number[] {
  const sg = model.subgraphs[s]!;
  const owner = sg.tensors.map((_, t) => t);
  const outputs = new Set(sg.outputs);
  sg.operators.forEach((_, i) => {
    const op = sg.operators[order === undefined ? i : order[i]!]!;
    const code = model.operatorCodes[op.opcodeIndex]!;
    if (code.custom !== undefined || !SHAPE_ONLY_OPS.has(code.builtin)) return;
    const x = op.inputs[0];
    const y = op.outputs[0];
    if (x === undefined || y === undefined || x < 0 || x === y) return;
    const lx = lives[x]!;
    const ly = lives[y]!;
    if (!SHAREABLE.has(lx.kind) || !SHAREABLE.has(ly.kind) || ly.kind === 'input') return;
    if (lx.lastRead !== i || outputs.has(x)) return;
    if (bytes[x] === undefined || bytes[x] !== bytes[y]) return;
    owner[y] = owner[x]!;
  });
  return owner;
}
