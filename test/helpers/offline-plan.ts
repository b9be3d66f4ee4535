import { readTflite } from '../../src/import/tflite/reader.js';
import type { TfliteModel } from '../../src/import/tflite/types.js';

/** Little-endian int32 values of a buffer (the offline plan's format). */
export function int32s(data: Uint8Array): number[] {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return Array.from({ length: data.length / 4 }, (_, i) => dv.getInt32(4 * i, true));
}

/** The values of a model's `OfflineMemoryAllocation` metadata entry, or undefined without one. */
export function readOfflinePlan(model: TfliteModel): number[] | undefined {
  const md = model.metadata.find((m) => m.name === 'OfflineMemoryAllocation');
  return md === undefined ? undefined : int32s(model.buffers[md.buffer]!.data);
}

/** readOfflinePlan() of a .tflite file's bytes. */
export function readOfflinePlanOf(bytes: Uint8Array, file = 'model.tflite'): number[] | undefined {
  return readOfflinePlan(readTflite(bytes, file));
}
