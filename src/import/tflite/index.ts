import { checkImportOptions } from '../options.js';
import type { ImportedModel, ModelImportOptions } from '../model.js';
import { readTflite } from './reader.js';
import type { TfliteModel } from './types.js';
import { tfliteSubgraph, type SubgraphOptions } from './subgraph.js';

function checkOptions(file: string, options: ModelImportOptions): SubgraphOptions {
  const { align } = checkImportOptions(options, file);
  const out: SubgraphOptions = {
    align,
    includeWeights: options.includeWeights ?? false,
    keepPrepared: options.keepPrepared ?? true,
    shareReshapes: options.shareReshapes ?? true,
  };
  if (options.batch !== undefined) out.batch = options.batch;
  return out;
}

/** Reads a .tflite file into one planning problem per subgraph (see subgraph.ts for the rules). */
export function importTflite(bytes: Uint8Array, file: string, options: ModelImportOptions = {}): ImportedModel {
  checkOptions(file, options);
  return tfliteModelFrom(readTflite(bytes, file), file, options);
}

/** importTflite() on a model already read (readTflite), in `options.orders` where given. */
export function tfliteModelFrom(model: TfliteModel, file: string, options: ModelImportOptions = {}): ImportedModel {
  const opts = checkOptions(file, options);
  return { format: 'tflite', file, subgraphs: model.subgraphs.map((_, s) => tfliteSubgraph(model, s, opts, options.orders?.[s])) };
}
