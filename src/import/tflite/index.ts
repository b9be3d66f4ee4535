import { InputError } from '../../problem/errors.js';
import type { ImportedModel, ModelImportOptions } from '../model.js';
import { readTflite } from './reader.js';
import { tfliteSubgraph, type SubgraphOptions } from './subgraph.js';

function checkOptions(file: string, options: ModelImportOptions): SubgraphOptions {
  const align = options.align ?? 16;
  if (!(Number.isSafeInteger(align) && align > 0 && 2 ** Math.round(Math.log2(align)) === align)) {
    throw new InputError(`${file}: alignment must be a power of two, got ${String(align)}`, { file, field: 'align' });
  }
  const out: SubgraphOptions = {
    align,
    includeWeights: options.includeWeights ?? false,
    keepPrepared: options.keepPrepared ?? true,
    shareReshapes: options.shareReshapes ?? true,
  };
  if (options.batch !== undefined) {
    if (!(Number.isSafeInteger(options.batch) && options.batch > 0)) {
      throw new InputError(`${file}: batch must be a positive integer, got ${String(options.batch)}`, { file, field: 'batch' });
    }
    out.batch = options.batch;
  }
  return out;
}

/** Reads a .tflite file into one planning problem per subgraph (see subgraph.ts for the rules). */
export function importTflite(bytes: Uint8Array, file: string, options: ModelImportOptions = {}): ImportedModel {
  const opts = checkOptions(file, options);
  const model = readTflite(bytes, file);
  return { format: 'tflite', file, subgraphs: model.subgraphs.map((_, s) => tfliteSubgraph(model, s, opts, options.orders?.[s])) };
}
