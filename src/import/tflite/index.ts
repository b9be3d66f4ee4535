import { checkImportOptions } from '../options.js';
import type { ImportedModel, ModelImportOptions } from '../model.js';
import { readTflite } from './reader.js';
import type { TfliteModel } from './types.js';
import { existingOfflinePlan } from './offline-plan.js';
import { OFFLINE_PLAN_METADATA } from './schema.js';
import { tfliteSubgraph, type SubgraphOptions } from './subgraph.js';
import { tryTensorBytes } from './tensor-size.js';

function checkOptions(file: string, options: ModelImportOptions): SubgraphOptions {
  const { align } = checkImportOptions(options, file);
  const out: SubgraphOptions = {
    align,
    includeWeights: options.includeWeights ?? false,
    keepPrepared: options.keepPrepared ?? true,
    shareReshapes: options.shareReshapes ?? true,
  };
  if (options.batch !== undefined) out.batch = options.batch;
  if (options.inplace !== undefined && options.inplace.length > 0) out.inplace = options.inplace;
  if (options.kernels !== undefined) out.kernels = options.kernels;
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
  const kept = options.replaceOfflinePlan ? undefined : existingOfflinePlan(model);
  const subgraphs = model.subgraphs.map((_, s) => tfliteSubgraph(model, s, kept ? { ...opts, kept: { offsets: kept[s]!, reserve: s === 0 ? keptExtent(model, kept) : 0 } } : opts, options.orders?.[s]));
  if (options.replaceOfflinePlan && model.metadata.some((m) => m.name === OFFLINE_PLAN_METADATA)) {
    subgraphs[0]!.notes.push('the model\'s own offline plan (OfflineMemoryAllocation) is replaced (--replace-offline-plan): every tensor planned anew');
  }
  return { format: 'tflite', file, subgraphs };
}

/** The top of the kept offline plan: the highest offset + bytes (stored shape) of a tensor it places. */
function keptExtent(model: TfliteModel, kept: number[][]): number {
  let top = 0;
  model.subgraphs.forEach((sg, s) =>
    sg.tensors.forEach((t, i) => {
      const o = kept[s]![i]!;
      if (o >= 0) top = Math.max(top, o + (tryTensorBytes(t.type, t.shape) ?? 0));
    }),
  );
  return top;
}
