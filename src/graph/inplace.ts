/**
 * In-place operators (issue #14): which tensors may take the bytes of another, given the model graph
 * and an operator order. Two kinds:
 *
 * - `elementwise`: an element-wise operator's output y takes the bytes of an input x (y at x's offset)
 *   when x dies at that operator, has y's bytes and shape (no broadcast: every input has y's shape),
 *   and is an activation (no graph input or output, variable, constant, prepared or intermediate
 *   tensor). Which operators qualify is the kernel library's to say (the `elementwise` set: a kernel
 *   that writes output[i] only after reading input[i], same index; src/runtime/tflm/inplace.ts).
 * - `concat`: a concatenation on its outermost non-unit axis (every output dimension before the axis
 *   is 1, so each input is one contiguous slice of the output) places each input x_k that dies there
 *   (an activation, read once by it) inside the output at its slice's byte offset: the copy then
 *   writes every byte onto itself.
 *
 * Aliases are between *owners*: the tensors whose buffers the problem plans (a view's output lives in
 * its input's buffer, src/graph/views.ts); each alias names the owner that moves and the owner it
 * moves into. An owner already placed inside another (an input of an earlier in-place operator) moves
 * with its root: a concatenation input that is itself an in-place output puts the root of its chain at
 * the slice. Offsets are multiples of the buffers' alignment (a slice that is not stays copied).
 */
import type { GraphOperator, TensorKind } from './types.js';

/** The in-place options: `--inplace elementwise`, `--inplace concat`. */
export type InplaceKind = 'elementwise' | 'concat';
export const INPLACE_KINDS: readonly InplaceKind[] = ['elementwise', 'concat'];

/** One tensor (an owner) placed inside another. */
export interface InplaceAlias {
  /** The owner tensor that takes bytes of `of`. */
  tensor: number;
  /** The owner tensor whose bytes it takes (the root of a chain, when the chain moves). */
  of: number;
  /** Bytes from the start of `of` to the start of `tensor`. */
  offset: number;
  /** The stored index of the operator that allows it. */
  operator: number;
  kind: InplaceKind;
}

/** What the rule reads of a subgraph, through accessors (the importers keep these in their own arrays). */
export interface InplaceGraph {
  /** Operators in stored order. */
  operators: readonly Pick<GraphOperator, 'index' | 'type' | 'inputs' | 'outputs' | 'concatAxis'>[];
  /** order[k]: the stored index of the operator run at step k (default: the stored order). */
  order?: readonly number[];
  kindOf: (t: number) => TensorKind;
  /** Bytes of a tensor; undefined when unknown. */
  bytesOf: (t: number) => number | undefined;
  shapeOf: (t: number) => readonly number[];
  /** The step of the tensor's last reader in `order`. */
  lastReadOf: (t: number) => number | undefined;
  /** The owner of a tensor's buffer (itself when it owns one; views share their input's). */
  ownerOf: (t: number) => number;
}

/** Which in-place rules to apply and what the runtime allows. */
export interface InplaceOptions {
  kinds: readonly InplaceKind[];
  /** Operator types whose kernels may write their output over an input (the kernel library's list). */
  elementwise: ReadonlySet<string>;
  /** Every buffer's alignment in bytes: an alias offset must be a multiple of it. */
  align: number;
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * The in-place aliases of one subgraph in its order, operator by operator: see the module comment for
 * the rules. Returns them in step order; an owner appears at most once as `tensor`.
 */
export function inplaceAliases(g: InplaceGraph, options: InplaceOptions): InplaceAlias[] {
  const out: InplaceAlias[] = [];
  // parent[owner]: where an owner already lies inside another (its alias), to find chains' roots.
  const parent = new Map<number, { of: number; offset: number }>();
  const rootOf = (t: number): { root: number; delta: number } => {
    let delta = 0;
    let r = t;
    for (let p = parent.get(r); p !== undefined; p = parent.get(r)) {
      delta += p.offset;
      r = p.of;
    }
    return { root: r, delta };
  };
  const add = (alias: InplaceAlias): void => {
    parent.set(alias.tensor, { of: alias.of, offset: alias.offset });
    out.push(alias);
  };
  const elementwise = options.kinds.includes('elementwise');
  const concat = options.kinds.includes('concat');
  const steps = g.order ?? g.operators.map((_, i) => i);
  steps.forEach((stored, k) => {
    const op = g.operators[stored]!;
    const y = op.outputs[0];
    if (y === undefined || y < 0 || op.outputs.length !== 1) return;
    const ky = g.kindOf(y);
    if ((ky !== 'activation' && ky !== 'output') || g.ownerOf(y) !== y || parent.has(y)) return;
    const dying = (x: number): boolean => x >= 0 && g.kindOf(x) === 'activation' && g.lastReadOf(x) === k && g.bytesOf(x) !== undefined;
    if (elementwise && options.elementwise.has(op.type)) {
      const ys = g.shapeOf(y);
      const by = g.bytesOf(y);
      const inputs = op.inputs.filter((x) => x >= 0);
      if (by === undefined || inputs.length === 0 || !inputs.every((x) => sameShape(g.shapeOf(x), ys))) return;
      const x = inputs.find((x) => dying(x) && g.bytesOf(x) === by);
      if (x === undefined) return;
      // Another input in x's block at other bytes would be read where y is written: leave it.
      const { root, delta } = rootOf(g.ownerOf(x));
      const clash = inputs.some((z) => z !== x && rootOf(g.ownerOf(z)).root === root && rootOf(g.ownerOf(z)).delta !== delta);
      if (!clash) add({ tensor: y, of: g.ownerOf(x), offset: 0, operator: op.index, kind: 'elementwise' });
      return;
    }
    if (concat && op.concatAxis !== undefined) {
      const ys = g.shapeOf(y);
      if (ys.length === 0) return;
      const axis = op.concatAxis < 0 ? op.concatAxis + ys.length : op.concatAxis;
      if (axis < 0 || axis >= ys.length || ys.slice(0, axis).some((d) => d !== 1)) return;
      const sizes = op.inputs.map((x) => (x >= 0 ? g.bytesOf(x) : undefined));
      const by = g.bytesOf(y);
      if (by === undefined || sizes.some((s) => s === undefined) || sizes.reduce<number>((a, s) => a + s!, 0) !== by) return;
      let offset = 0;
      const taken = new Set<number>();
      op.inputs.forEach((x, i) => {
        const at = offset;
        offset += sizes[i]!;
        if (!dying(x) || op.inputs.indexOf(x) !== op.inputs.lastIndexOf(x)) return;
        const { root, delta } = rootOf(g.ownerOf(x));
        const base = at - delta;
        const rootBytes = g.bytesOf(root);
        if (root === y || taken.has(root) || base < 0 || base % options.align !== 0 || rootBytes === undefined || base + rootBytes > by) return;
        taken.add(root);
        add({ tensor: root, of: y, offset: base, operator: op.index, kind: 'concat' });
      });
    }
  });
  return out;
}

/** Bytes an in-place alias saves at most: the bytes of the tensor that no longer needs its own (per alias). */
export function inplaceBytes(aliases: readonly InplaceAlias[], bytesOf: (t: number) => number | undefined, kind?: InplaceKind): number {
  return aliases.filter((a) => kind === undefined || a.kind === kind).reduce((s, a) => s + (bytesOf(a.tensor) ?? 0), 0);
}
