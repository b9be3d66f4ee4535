import type { TensorLife } from './lifetimes.js';
import { SHAPE_ONLY_OPS } from './schema.js';
import type { TfliteModel, TfliteOperator } from './types.js';

/** Kinds whose memory may be shared by a shape-only operator's output. */
const SHAREABLE: ReadonlySet<string> = new Set(['input', 'activation', 'output']);

/**
 * The (input, output) of a RESHAPE / SQUEEZE / EXPAND_DIMS whose output may live in its input's
 * memory as far as the tensors go (kinds, graph outputs, equal bytes); whether the input dies at
 * that operator is the caller's part (the importer and the order search each know it their way).
 */
export function shapeOnlyPair(
  model: TfliteModel,
  op: TfliteOperator,
  kindOf: (t: number) => string,
  bytesOf: (t: number) => number | undefined,
  outputs: ReadonlySet<number>,
): [number, number] | undefined {
  const code = model.operatorCodes[op.opcodeIndex]!;
  if (code.custom !== undefined || !SHAPE_ONLY_OPS.has(code.builtin)) return undefined;
  const x = op.inputs[0];
  const y = op.outputs[0];
  if (x === undefined || y === undefined || x < 0 || x === y || outputs.has(x)) return undefined;
  const kx = kindOf(x);
  const ky = kindOf(y);
  if (!SHAREABLE.has(kx) || !SHAREABLE.has(ky) || ky === 'input') return undefined;
  const bx = bytesOf(x);
  return bx === undefined || bx !== bytesOf(y) ? undefined : [x, y];
}

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
    const pair = shapeOnlyPair(model, op, (t) => lives[t]!.kind, (t) => bytes[t], outputs);
    if (pair === undefined || lives[pair[0]]!.lastRead !== i) return;
    owner[pair[1]] = owner[pair[0]]!;
  });
  return owner;
}
