import { TENSOR_TYPES } from './schema.js';

/** Why a tensor has no static size; the caller turns it into an InputError naming the tensor. */
export class SizeError extends Error {}

/** The name of a TensorType code. */
export function typeName(type: number): string {
  return TENSOR_TYPES[type]?.name ?? `type ${type}`;
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

/** tensorBytes(), or undefined where the size is not static. */
export function tryTensorBytes(type: number, dims: readonly number[]): number | undefined {
  try {
    return tensorBytes(type, dims);
  } catch {
    return undefined;
  }
}

/** The TensorType code of a type name as typeName() gives it ("INT8" -> 9, "type 99" -> 99); -1 for another name. */
export function typeCode(name: string): number {
  const known = TENSOR_TYPES.findIndex((t) => t.name === name);
  if (known >= 0) return known;
  const m = /^type (-?\d+)$/.exec(name);
  return m ? Number(m[1]) : -1;
}
