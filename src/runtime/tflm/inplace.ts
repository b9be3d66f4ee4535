import type { KernelLibrary } from './head.js';

/**
 * TFLM operators whose kernel may write its output over an input of the same shape and bytes
 * (`--inplace elementwise`, src/graph/inplace.ts), per kernel library. A kernel qualifies when, on the
 * path it takes without broadcasting, it writes output[i] only after it has read input[i] and never
 * reads input[j] for j < i again: one loop over the flat size, same index (read in TFLM's sources,
 * tensorflow/lite/micro/kernels and the tensorflow/lite/kernels/internal/reference ops they call):
 *
 * - activations_common.cc (ReluFloat, Relu6Float, ReluQuantized, Relu6Quantized): RELU, RELU6;
 *   logistic.cc / tanh.cc (reference Logistic, Tanh and their integer_ops versions): LOGISTIC, TANH;
 *   hard_swish.cc (reference HardSwish): HARD_SWISH; leaky_relu.cc (QuantizeLeakyRelu, LeakyRelu): LEAKY_RELU;
 * - add.cc / sub.cc / mul.cc (reference Add, Sub, Mul and integer_ops: ElementWise over the flat size
 *   when the shapes match; the broadcast paths are excluded by the rule): ADD, SUB, MUL;
 *   maximum_minimum.cc / squared_difference.cc / div.cc: MAXIMUM, MINIMUM, SQUARED_DIFFERENCE, DIV;
 * - elementwise.cc (one generic loop): ABS, SIN, COS, LOG, SQRT, RSQRT, SQUARE, LOGICAL_NOT;
 *   neg.cc, floor.cc, ceil.cc, round.cc, exp.cc: NEG, FLOOR, CEIL, ROUND, EXP;
 * - quantize.cc (Requantize, per element) and dequantize.cc, cast.cc (copyCast): QUANTIZE, DEQUANTIZE,
 *   CAST, only where the element width is kept (the rule's same-bytes, same-shape check).
 *
 * The runtime check (test/runtime/tflm.test.ts, `inplace` variants) runs the models written with these
 * aliases in TFLM and compares their outputs bit for bit with the model as given. CMSIS-NN's kernels
 * have no list yet (not checked in a runtime): nothing is done in place for them.
 */
export const INPLACE_ELEMENTWISE: Readonly<Record<KernelLibrary, ReadonlySet<string>>> = {
  reference: new Set([
    'ADD',
    'SUB',
    'MUL',
    'DIV',
    'MAXIMUM',
    'MINIMUM',
    'SQUARED_DIFFERENCE',
    'RELU',
    'RELU6',
    'LOGISTIC',
    'TANH',
    'HARD_SWISH',
    'LEAKY_RELU',
    'ABS',
    'NEG',
    'SIN',
    'COS',
    'LOG',
    'EXP',
    'SQRT',
    'RSQRT',
    'SQUARE',
    'FLOOR',
    'CEIL',
    'ROUND',
    'LOGICAL_NOT',
    'QUANTIZE',
    'DEQUANTIZE',
    'CAST',
  ]),
  'cmsis-nn': new Set(),
};

// `--inplace concat` needs no list: TFLM's concatenation.cc copies each input's slice with memcpy, so a
// slice already in place is copied onto itself (GraphOperator.concatAxis marks the operators).
