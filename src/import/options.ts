import { InputError } from '../problem/errors.js';
import { isPowerOfTwo } from '../problem/validate.js';
import type { ModelImportOptions } from './model.js';

/** The model importers' shared option checks: alignment a power of two (default 16), batch a positive integer. */
export function checkImportOptions(options: ModelImportOptions, file: string): { align: number } {
  const align = options.align ?? 16;
  if (!isPowerOfTwo(align)) {
    throw new InputError(`${file}: alignment must be a power of two, got ${String(align)}`, { file, field: 'align' });
  }
  if (options.batch !== undefined && !(Number.isSafeInteger(options.batch) && options.batch > 0)) {
    throw new InputError(`${file}: batch must be a positive integer, got ${String(options.batch)}`, { file, field: 'batch' });
  }
  return { align };
}
