import { InputError } from '../problem/errors.js';
import type { ImportedModel, ModelImportOptions } from './model.js';
import { importOnnx, type OnnxImportOptions } from './onnx/index.js';
import { importTflite } from './tflite/index.js';
import { MODEL_EXTENSIONS, modelFormat } from './model-kind.js';

export { MODEL_EXTENSIONS, modelFormat } from './model-kind.js';

/** Reads a model file with the importer of its format. */
export function importModelFile(bytes: Uint8Array, file: string, options: ModelImportOptions & OnnxImportOptions = {}): ImportedModel {
  const format = modelFormat(file, bytes);
  if (format === 'tflite') return importTflite(bytes, file, options);
  if (format === 'onnx') return importOnnx(bytes, file, options);
  throw new InputError(`${file}: not a model file (expected ${MODEL_EXTENSIONS.join(' or ')})`, { file });
}
