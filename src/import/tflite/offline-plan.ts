import { InputError } from '../../problem/errors.js';
import { OFFLINE_PLAN_METADATA } from './schema.js';
import type { TfliteModel } from './types.js';
import { plural } from '../../format/plural.js';

/**
 * An offline plan the model already carries (metadata "OfflineMemoryAllocation", e.g. written by
 * Arm's Vela for the Ethos-U NPU, whose command streams depend on it): per subgraph, per tensor, the
 * offset from the start of TFLM's head, or -1 where the runtime places the tensor. Format
 * (tensorflow/lite/micro/micro_allocator.cc, allocation_info.cc): little-endian int32
 * [version 0, subgraphs, total tensors, offsets of every tensor of every subgraph in order].
 * Undefined when the model has none; an InputError when it is malformed or does not match the model.
 */
export function existingOfflinePlan(model: TfliteModel): number[][] | undefined {
  const md = model.metadata.find((m) => m.name === OFFLINE_PLAN_METADATA);
  if (md === undefined) return undefined;
  const data = model.buffers[md.buffer]?.data ?? new Uint8Array(0);
  const fail = (why: string): never => {
    throw new InputError(`${model.file}: metadata "${OFFLINE_PLAN_METADATA}" (buffer ${md.buffer}) ${why}`, { file: model.file, field: OFFLINE_PLAN_METADATA });
  };
  if (data.length < 12 || data.length % 4 !== 0) fail(`has ${plural(data.length, 'byte')}: not an int32 offline plan`);
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const at = (i: number): number => dv.getInt32(4 * i, true);
  const total = model.subgraphs.reduce((a, sg) => a + sg.tensors.length, 0);
  if (at(0) !== 0) fail(`has version ${at(0)}; TFLM reads version 0`);
  if (at(2) !== total || data.length / 4 !== 3 + total) fail(`lists ${plural(at(2), 'offset')} (${data.length / 4 - 3} stored) for the model's ${plural(total, 'tensor')}`);
  const out: number[][] = [];
  let k = 3;
  model.subgraphs.forEach((sg, s) => {
    const offsets = sg.tensors.map(() => at(k++));
    const bad = offsets.findIndex((o) => o < -1);
    if (bad >= 0) fail(`gives subgraph ${s}, tensor ${bad} the offset ${offsets[bad]}`);
    out.push(offsets);
  });
  return out;
}
