/** ONNX element types: names and storage sizes. */

/** Bits per element by TensorProto.DataType code (STRING has no fixed size). */
const BITS: Readonly<Record<number, number>> = {
  1: 32, // FLOAT
  2: 8, // UINT8
  3: 8, // INT8
  4: 16, // UINT16
  5: 16, // INT16
  6: 32, // INT32
  7: 64, // INT64
  9: 8, // BOOL
  10: 16, // FLOAT16
  11: 64, // DOUBLE
  12: 32, // UINT32
  13: 64, // UINT64
  14: 64, // COMPLEX64
  15: 128, // COMPLEX128
  16: 16, // BFLOAT16
  17: 8, // FLOAT8E4M3FN
  18: 8, // FLOAT8E4M3FNUZ
  19: 8, // FLOAT8E5M2
  20: 8, // FLOAT8E5M2FNUZ
  21: 4, // UINT4 (packed two per byte)
  22: 4, // INT4
  23: 4, // FLOAT4E2M1
  24: 8, // FLOAT8E8M0
  25: 2, // UINT2 (packed four per byte)
  26: 2, // INT2
};

const NAMES: Readonly<Record<number, string>> = {
  0: 'UNDEFINED',
  1: 'FLOAT',
  2: 'UINT8',
  3: 'INT8',
  4: 'UINT16',
  5: 'INT16',
  6: 'INT32',
  7: 'INT64',
  8: 'STRING',
  9: 'BOOL',
  10: 'FLOAT16',
  11: 'DOUBLE',
  12: 'UINT32',
  13: 'UINT64',
  14: 'COMPLEX64',
  15: 'COMPLEX128',
  16: 'BFLOAT16',
  17: 'FLOAT8E4M3FN',
  18: 'FLOAT8E4M3FNUZ',
  19: 'FLOAT8E5M2',
  20: 'FLOAT8E5M2FNUZ',
  21: 'UINT4',
  22: 'INT4',
  23: 'FLOAT4E2M1',
  24: 'FLOAT8E8M0',
  25: 'UINT2',
  26: 'INT2',
};

/** The type's name (`FLOAT`, `INT64`, ...), or `type N` for a code this importer does not know. */
export function dataTypeName(code: number): string {
  return NAMES[code] ?? `type ${code}`;
}

/** The code of a type's name (`FLOAT` -> 1), as Cast-1 spells its `to` attribute; undefined when unknown. */
export function dataTypeCode(name: string): number | undefined {
  const upper = name.toUpperCase();
  for (const [code, n] of Object.entries(NAMES)) if (n === upper && n !== 'UNDEFINED') return Number(code);
  return undefined;
}

/** Bytes that `elements` elements of the type occupy (sub-byte types packed, rounded up). */
export function bytesOf(code: number, elements: number): number | undefined {
  const bits = BITS[code];
  if (bits === undefined) return undefined;
  return bits >= 8 ? elements * (bits / 8) : Math.ceil((elements * bits) / 8);
}

/** Whether the type holds integers (or booleans): values folded from it are integers. */
export function isIntegral(code: number): boolean {
  return [2, 3, 4, 5, 6, 7, 9, 12, 13, 21, 22, 25, 26].includes(code);
}
