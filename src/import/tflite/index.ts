import { modelProblems, type ProblemOptions } from '../../graph/problem.js';
import { checkImportOptions } from '../options.js';
import { INPLACE_ELEMENTWISE } from '../../runtime/tflm/inplace.js';
import type { ImportedModel, ModelImportOptions } from '../model.js';
import { tfliteGraph } from './graph.js';
import { checkOperatorOrder } from './lifetimes.js';
import { readTflite } from './reader.js';
import type { TfliteModel } from './types.js';

/** The problem options of the importer's options, defaults applied (InputError for a bad alignment). */
function problemOptions(file: string, options: ModelImportOptions): ProblemOptions {
  const { align } = checkImportOptions(options, file);
  const kernels = options.kernels ?? 'reference';
  return {
    align,
    includeWeights: options.includeWeights ?? false,
    keepPrepared: options.keepPrepared ?? true,
    // TFLM computes them again at every Invoke (src/graph/problem.ts, ProblemOptions.preparedRange).
    preparedRange: 'per-run',
    shareViews: options.shareReshapes ?? true,
    ...(options.inplace !== undefined && options.inplace.length > 0
      ? { inplace: { kinds: options.inplace, elementwise: INPLACE_ELEMENTWISE[kernels], source: `${kernels} kernels` } }
      : {}),
  };
}

/** Reads a .tflite file into its model graph (graph.ts) and one planning problem per subgraph (src/graph/problem.ts). */
export function importTflite(bytes: Uint8Array, file: string, options: ModelImportOptions = {}): ImportedModel {
  problemOptions(file, options);
  return tfliteModelFrom(readTflite(bytes, file), file, options);
}

/** importTflite() on a model already read (readTflite), in `options.orders` where given (each checked: checkOperatorOrder). */
export function tfliteModelFrom(model: TfliteModel, file: string, options: ModelImportOptions = {}): ImportedModel {
  const opts = problemOptions(file, options);
  const graph = tfliteGraph(model, { ...(options.batch !== undefined ? { batch: options.batch } : {}), replaceOfflinePlan: options.replaceOfflinePlan ?? false });
  options.orders?.forEach((order, s) => {
    if (order !== undefined && s < model.subgraphs.length) checkOperatorOrder(model, s, order);
  });
  return { format: 'tflite', file, subgraphs: modelProblems(graph, opts, options.orders), ...(graph.offlinePlan !== undefined ? { offlinePlan: graph.offlinePlan } : {}) };
}
