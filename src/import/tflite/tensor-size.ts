import { TENSOR_TYPES } from './schema.js';
import type { TfliteTensor } from './types.js';

/** Why a tensor has no static size; the caller turns it into an InputError naming the tensor. */
export class SizeError extends Error {}

/** The name of a TensorType code. */
export function typeName(type: number): string {
  return TENSOR_TYPES[type]?.name ?? `type ${type}`;
}

/**
 * The tensor's dimensions with dynamic ones (-1 in shape_signature or shape) resolved: the batch
 * dimension (0) takes `batch` when given; any other unknown dimension is an error.
 */
export function staticShape(t: TfliteTensor, batch?: number): number[] {
  const sig = t.shapeSignature && t.shapeSignature.length === t.shape.length ? t.shapeSignature : undefined;
  return t.shape.map((d, i) => {
    const dynamic = d < 0 || (sig !== undefined && sig[i]! < 0);
    if (!dynamic) return d;
    const shown = `[${(sig ?? t.shape).join(', ')}]`;
    if (i === 0 && batch !== undefined) return batch;
    if (i === 0) throw new SizeError(`has a dynamic shape ${shown}: give the batch size (--batch N / { batch })`);
    throw new SizeError(`has a dynamic shape ${shown}: dimension ${i} is unknown and only the batch dimension (0) can be fixed`);
  });
}

/**
 * Bytes of a tensor with these dimensions: elements times bits per element, rounded up to whole
 * bytes per tensor (int4, int2 pack 2 and 4 per byte). A scalar (no dimensions) has one element.
 */
export function tensorBytes(type: number, dims: readonly number[]): number {
  const info = TENSOR_TYPES[type];
  if (info === undefined) throw new SizeError(`has an unknown tensor type ${type}`);
  if (info.bits === 0) throw new SizeError(`is a ${info.name} tensor, whose size is known only at run time`);
  let elements = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new SizeError(`has a bad dimension ${d}`);
    elements *= d;
  }
  const bits = elements * info.bits;
  if (!Number.isSafeInteger(bits)) throw new SizeError(`has ${elements} elements: more bytes than can be counted exactly`);
  return Math.ceil(bits / 8);
}
