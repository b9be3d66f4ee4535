/** Every shape rule by op_type (default ONNX domain), plus the control-flow rules. */
import { ShapeMismatchError } from '../errors.js';
import type { OnnxGraph } from '../types.js';
import { CONV_RULES } from './conv.js';
import { fail, show, type ShapeRule, type TensorInfo } from './context.js';
import { ELEMENTWISE_RULES } from './elementwise.js';
import { RESIZE_RULES } from './resize.js';
import { SLICING_RULES } from './slicing.js';
import { VIEW_RULES } from './views.js';
import { LINALG_RULES } from './linalg.js';
import { SOURCE_RULES } from './source.js';

/**
 * If: when the condition is known at import time (folded from shapes), only the branch it selects
 * is inferred and planned. Otherwise both are, each becomes a subgraph of its own in the plan, and
 * they must agree on the output shapes; a branch whose shapes do not fit these input shapes (a rule
 * finds them incompatible, or value_info disagrees: Silero VAD's 8 kHz branch given a 16 kHz frame,
 * say) cannot run with them: it is left out with a warning note, and only when both fail is the node
 * an error. A branch that fails for another reason (no shape rule, a run-time-valued shape) is an error.
 */
const ifRule: ShapeRule = (ctx) => {
  const cond = ctx.need(0);
  const thenBranch = ctx.node.attributes.get('then_branch')?.g ?? fail('attribute "then_branch" is missing');
  const elseBranch = ctx.node.attributes.get('else_branch')?.g ?? fail('attribute "else_branch" is missing');
  if (cond.value !== undefined) return cond.value[0] ? ctx.subgraph('then_branch', thenBranch) : ctx.subgraph('else_branch', elseBranch);
  // Only a shape mismatch drops a branch; a missing rule or a run-time-valued shape is an error.
  const attempt = (attribute: string, g: OnnxGraph): TensorInfo[] | ShapeMismatchError => {
    try {
      return ctx.subgraph(attribute, g);
    } catch (e) {
      if (e instanceof ShapeMismatchError) return e;
      throw e;
    }
  };
  const a = attempt('then_branch', thenBranch);
  const b = attempt('else_branch', elseBranch);
  if (a instanceof ShapeMismatchError && b instanceof ShapeMismatchError) throw a;
  if (a instanceof ShapeMismatchError || b instanceof ShapeMismatchError) {
    const [bad, err] = a instanceof ShapeMismatchError ? ['then_branch', a] : ['else_branch', b as ShapeMismatchError];
    ctx.note(
      `WARNING: ${bad} is not planned: its shapes do not fit these inputs (${err.message}); ` +
        'if it can run with them after all, the arena needs more than this plan',
    );
    return (a instanceof ShapeMismatchError ? b : a) as TensorInfo[];
  }
  a.forEach((t, k) => {
    const u = b[k];
    if (!u || u.dtype !== t.dtype || show(u.shape) !== show(t.shape)) {
      fail(
        `output ${k} has shape ${show(t.shape)} in then_branch but ${u ? show(u.shape) : 'none'} in else_branch, ` +
          'and the condition is only known at run time',
      );
    }
  });
  return a.map((t) => ({ dtype: t.dtype, shape: t.shape }));
};

/** Loop and Scan run their body a number of times known only at run time in general: not planned. */
const loopRule: ShapeRule = (ctx) =>
  fail(
    `${ctx.node.opType} bodies are not planned by this importer (their trip count and scan outputs are run-time ` +
      'values); give the outputs value_info to plan the enclosing graph, or export the model with the loop unrolled',
  );

export const SHAPE_RULES: Readonly<Record<string, ShapeRule>> = {
  ...ELEMENTWISE_RULES,
  ...CONV_RULES,
  ...VIEW_RULES,
  ...SLICING_RULES,
  ...RESIZE_RULES,
  ...LINALG_RULES,
  ...SOURCE_RULES,
  If: ifRule,
  Loop: loopRule,
  Scan: loopRule,
};
