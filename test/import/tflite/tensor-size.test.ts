import { describe, expect, it } from 'vitest';
import { SizeError, tensorBytes, typeName } from '../../../src/import/tflite/tensor-size.js';

describe('tensorBytes', () => {
  it.each([
    ['FLOAT32', 0, [2, 3], 24],
    ['FLOAT16', 1, [2, 3], 12],
    ['INT32', 2, [5], 20],
    ['UINT8', 3, [7], 7],
    ['INT64', 4, [3], 24],
    ['BOOL', 6, [3], 3],
    ['INT16', 7, [3], 6],
    ['COMPLEX64', 8, [2], 16],
    ['INT8', 9, [1, 8, 8, 4], 256],
    ['FLOAT64', 10, [2], 16],
    ['COMPLEX128', 11, [2], 32],
    ['UINT64', 12, [2], 16],
    ['UINT32', 15, [2], 8],
    ['UINT16', 16, [2], 4],
    ['INT4 (two per byte, rounded up per tensor)', 17, [3, 3], 5],
    ['BFLOAT16', 18, [3], 6],
    ['INT2 (four per byte, rounded up)', 19, [5], 2],
    ['UINT4', 20, [4], 2],
    ['FLOAT8_E4M3FN', 21, [4], 4],
    ['FLOAT8_E5M2', 22, [4], 4],
    ['scalar', 0, [], 4],
    ['a zero dimension', 0, [0, 5], 0],
  ])('%s', (_, type, dims, bytes) => {
    expect(tensorBytes(type as number, dims as number[])).toBe(bytes);
  });

  it('string, resource, variant and unknown types have no static size', () => {
    expect(() => tensorBytes(5, [2])).toThrow(/is a STRING tensor, whose size is known only at run time/);
    expect(() => tensorBytes(13, [1])).toThrow(/RESOURCE/);
    expect(() => tensorBytes(14, [1])).toThrow(/VARIANT/);
    expect(() => tensorBytes(99, [1])).toThrow(/unknown tensor type 99/);
    expect(typeName(99)).toBe('type 99');
  });

  it('sizes past 2^53 are refused', () => {
    expect(() => tensorBytes(11, [2 ** 30, 2 ** 30])).toThrow(SizeError);
  });
});
