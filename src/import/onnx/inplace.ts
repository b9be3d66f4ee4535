/**
 * ONNX operators whose output may take the bytes of an input of the same shape and bytes
 * (`--inplace elementwise`, src/graph/inplace.ts): by their definition in the ONNX operator spec each
 * output element is a function of the input elements at the same index (no broadcast: the rule asks
 * for equal shapes), so a kernel that writes element i after reading it may write over its input.
 * ONNX Runtime runs an ONNX model with its own planner (it takes no offline plan), so this list is not
 * checked in a runtime the way TFLM's is (src/runtime/tflm/inplace.ts): it says what the plan assumes
 * of a runtime whose kernels of these operators loop element by element.
 */
export const ONNX_INPLACE_ELEMENTWISE: ReadonlySet<string> = new Set([
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Relu',
  'LeakyRelu',
  'Sigmoid',
  'HardSigmoid',
  'HardSwish',
  'Tanh',
  'Elu',
  'Selu',
  'Softplus',
  'Clip',
  'Abs',
  'Neg',
  'Exp',
  'Log',
  'Sqrt',
  'Reciprocal',
  'Floor',
  'Ceil',
  'Round',
  'Erf',
  'Not',
]);
