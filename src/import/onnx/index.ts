/**
 * The ONNX importer: a `.onnx` file in, one plan problem per graph out (the main graph, then the
 * branches of every If), with every activation's size from static shape inference.
 */
import { InputError } from '../../problem/errors.js';
import { checkImportOptions } from '../options.js';
import type { ImportedModel, ModelImportOptions } from '../model.js';
import { decodeOnnx } from './decode.js';
import { inferShapes, type GraphShapes } from './infer.js';
import { modelProblems } from '../../graph/problem.js';
import { graphsDepthFirst, onnxGraph } from './model-graph.js';
import { checkNodeOrder } from './node-order.js';
import { ONNX_INPLACE_ELEMENTWISE } from './inplace.js';

export { decodeOnnx } from './decode.js';
export { inferShapes, type GraphShapes } from './infer.js';
export type { TensorInfo } from './shapes/context.js';

export interface OnnxImportOptions extends ModelImportOptions {
  /** Shapes of graph inputs by name, for inputs with symbolic or unknown dimensions. */
  inputShapes?: Record<string, number[]>;
  /** Values of symbolic input dimensions by name (`--dim NAME=VALUE`), as onnxruntime's free-dimension overrides. */
  dims?: Record<string, number>;
}

/**
 * Reads an ONNX model and builds the problems to plan. Throws an InputError naming the file and
 * the node, tensor or input at fault (bytes that are no ONNX model, a shape that cannot be inferred,
 * value_info that disagrees with inference, a symbolic input dimension without a given shape).
 */
export function importOnnx(bytes: Uint8Array, file: string, options: OnnxImportOptions = {}): ImportedModel {
  return onnxModelFrom(readOnnxShapes(bytes, file, options), file, options);
}

/** The first half of importOnnx: decoding and shape inference (errors name the file). */
export function readOnnxShapes(bytes: Uint8Array, file: string, options: OnnxImportOptions = {}): GraphShapes {
  checkImportOptions(options, file);
  return namingFile(file, () => inferShapes(decodeOnnx(bytes, file), { inputShapes: options.inputShapes, batch: options.batch, dims: options.dims }));
}

/**
 * The second half: the model graph of every graph (model-graph.ts) and its problem (src/graph/problem.ts),
 * in `options.orders` where given (each checked: checkNodeOrder); `shapes` is left as it is.
 */
export function onnxModelFrom(shapes: GraphShapes, file: string, options: OnnxImportOptions = {}): ImportedModel {
  const { align } = checkImportOptions(options, file);
  const subgraphs = namingFile(file, () => {
    const graphs = graphsDepthFirst(shapes);
    options.orders?.forEach((order, k) => {
      if (order !== undefined && k < graphs.length) checkNodeOrder(graphs[k]!, order, k);
    });
    const problem = {
      align,
      includeWeights: options.includeWeights ?? false,
      keepPrepared: true,
      // ONNX Runtime folds them into initializers when it creates a session.
      preparedRange: 'whole-run' as const,
      shareViews: options.shareReshapes ?? true,
      ...(options.inplace !== undefined && options.inplace.length > 0
        ? { inplace: { kinds: options.inplace, elementwise: ONNX_INPLACE_ELEMENTWISE, source: 'ONNX operators by their element-wise definition' } }
        : {}),
    };
    return modelProblems(onnxGraph(shapes, file), problem, options.orders);
  });
  return { format: 'onnx', file, subgraphs };
}

/** Runs `f`; an InputError that names no file gets this one. */
function namingFile<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof InputError && e.file === undefined) {
      e.message = `${file}: ${e.message}`;
      e.file = file;
    }
    throw e;
  }
}

/**
 * Parses the CLI's `--input-shape name=1x3x224x224` (dimensions separated by `x` or `,`; nothing
 * after `=` for a scalar). The name is everything before the last `=`, so names may contain `:`.
 */
export function parseInputShape(text: string): { name: string; shape: number[] } {
  const at = text.lastIndexOf('=');
  if (at <= 0) throw new InputError(`input shape "${text}" should look like name=1x3x224x224`, { field: 'input-shape' });
  const name = text.slice(0, at);
  const dims = text.slice(at + 1).trim();
  const shape =
    dims === ''
      ? []
      : dims.split(/[x,]/).map((d) => {
          if (!/^\d+$/.test(d.trim()) || !Number.isSafeInteger(Number(d))) {
            throw new InputError(`input shape "${text}": "${d}" is not a dimension (a non-negative integer)`, { field: 'input-shape' });
          }
          return Number(d);
        });
  return { name, shape };
}

/** Several `--input-shape` flags as the `inputShapes` option; a name given twice is an error. */
export function parseInputShapes(texts: readonly string[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const t of texts) {
    const { name, shape } = parseInputShape(t);
    if (Object.prototype.hasOwnProperty.call(out, name)) throw new InputError(`input shape for "${name}" is given twice`, { field: 'input-shape' });
    out[name] = shape;
  }
  return out;
}

/**
 * Several `--dim NAME=VALUE` flags (a symbolic dimension's name, a positive integer) as the `dims`
 * option. Throws InputError for a malformed flag or a name given twice.
 */
export function parseDims(texts: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const text of texts) {
    const at = text.lastIndexOf('=');
    const value = text.slice(at + 1).trim();
    if (at <= 0 || !/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) === 0) {
      throw new InputError(`--dim "${text}" should look like NAME=VALUE, a symbolic dimension's name and a positive integer (e.g. batch=1)`, { field: 'dim' });
    }
    const name = text.slice(0, at);
    if (Object.prototype.hasOwnProperty.call(out, name)) throw new InputError(`--dim for "${name}" is given twice`, { field: 'dim' });
    out[name] = Number(value);
  }
  return out;
}
