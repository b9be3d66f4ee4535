import { InputError } from '../problem/errors.js';
import { readTflite, modelTable } from '../import/tflite/reader.js';
import type { ImportedModel } from '../import/model.js';
import { BUFFER, MODEL, MODEL_LAST_SLOT, OFFLINE_PLAN_METADATA, OPERATOR, SUBGRAPH, TENSOR, TFLITE_IDENTIFIER } from '../import/tflite/schema.js';
import { FlatView } from '../import/tflite/table.js';
import { Prefix } from './flatbuffer-prefix.js';
import { reorders, writeSubgraphs } from './subgraph-order.js';

/**
 * TFLite Micro's offline memory plan, written into a copy of the .tflite file.
 *
 * The copy is the old file behind a new prefix (a multiple of 16 bytes, so every buffer's data keeps
 * its 16-byte alignment): a new root Model table whose fields point forward into the old bytes, a new
 * buffers vector (the old buffers plus the plan's), a metadata vector with an "OfflineMemoryAllocation"
 * entry, and the plan's int32 data. The old root offset and identifier stay behind as dead bytes; every
 * other old byte keeps its meaning (data stored past the flatbuffer of models over 2 GB is re-pointed).
 * An existing plan is replaced: its buffer is reused when nothing else refers to it. With `orders`,
 * subgraphs whose operators run in a new order get new SubGraph tables (see subgraph-order.ts).
 */

/** The int32 values of the metadata buffer: [version 0, subgraphs, total tensors, offset per tensor...]. */
export function offlinePlanValues(offsets: readonly (readonly number[])[], file?: string): number[] {
  const flat = offsets.flat();
  for (const o of flat) {
    if (!(Number.isSafeInteger(o) && o >= -1 && o <= 0x7fffffff)) {
      throw new InputError(`${file ? `${file}: ` : ''}offset ${o} does not fit TFLM's offline plan (int32, -1 = runtime placed)`, { file });
    }
  }
  return [0, offsets.length, flat.length, ...flat];
}

/** Per subgraph, the tensors whose shape the written model must carry instead of the stored one: tensor index -> dims. */
export type ShapePatches = readonly ReadonlyMap<number, readonly number[]>[];

/**
 * The shapes the plan was made for where they differ from the stored ones (placeholders computed from
 * their producer, a --batch): TFLM allocates the stored shape, so the written model must carry these.
 * Constants are never patched.
 */
export function shapePatches(model: ImportedModel): ShapePatches {
  return model.subgraphs.map((sg) => {
    const out = new Map<number, readonly number[]>();
    for (const t of sg.tensors ?? []) if (t.storedShape !== undefined && t.kind !== 'constant') out.set(t.index, t.shape);
    return out;
  });
}

/**
 * Writes a copy of the model with the offline plan `offsets` (per subgraph, per tensor; -1 = runtime
 * placed), when given the operators of subgraph s in `orders[s]` (orders[s][k] runs at step k), and
 * the shapes in `shapes` written over the stored ones (same rank: the int32s of a tensor's shape
 * vector are replaced in place; another rank, or a shape vector two tensors share, is an InputError).
 */
export function writeOfflinePlan(
  bytes: Uint8Array,
  file: string,
  offsets: readonly (readonly number[])[],
  orders?: readonly (readonly number[] | undefined)[],
  shapes?: ShapePatches,
): Uint8Array {
  const model = readTflite(bytes, file);
  if (offsets.length !== model.subgraphs.length || offsets.some((o, s) => o.length !== model.subgraphs[s]!.tensors.length)) {
    throw new Error('offline plan: the offsets do not match the model\'s subgraphs and tensors');
  }
  const values = offlinePlanValues(offsets, file);
  const view = new FlatView(bytes, file);
  const root = modelTable(view);
  for (let s = MODEL_LAST_SLOT + 1; s < view.slots(root); s++) {
    if (view.field(root, s, 0) !== 0) view.fail('model', `has field #${s}, newer than this writer knows: cannot rewrite it safely`);
  }

  // Which buffer the plan goes into, and whether the metadata vector must change.
  const nBuffers = model.buffers.length;
  const existing = model.metadata.findIndex((m) => m.name === OFFLINE_PLAN_METADATA);
  const deprecatedMeta = view.ints(root, MODEL.metadata_buffer, 'metadata buffer');
  const usedElsewhere = (k: number): boolean =>
    k === 0 ||
    model.subgraphs.some((sg) => sg.tensors.some((t) => t.buffer === k)) ||
    model.metadata.some((m, i) => i !== existing && m.buffer === k) ||
    deprecatedMeta.includes(k);
  const reuse = existing >= 0 && !usedElsewhere(model.metadata[existing]!.buffer);
  const needSentinel = nBuffers === 0;
  const planBuffer = reuse ? model.metadata[existing]!.buffer : needSentinel ? 1 : nBuffers;
  const newMetadata = !reuse;
  const newSubgraphs = reorders(orders);

  const oldBuffers = view.tables(root, MODEL.buffers, 'buffers');
  const oldMeta = view.tables(root, MODEL.metadata, 'metadata');
  const slots = Math.max(view.slots(root), MODEL.metadata + 1);
  const present = Array.from({ length: slots }, (_, s) => s === MODEL.buffers || (s === MODEL.metadata && newMetadata) || view.field(root, s, 4) !== 0);

  const w = new Prefix();
  const rootAt = w.u32(0);
  w.bytes(new TextEncoder().encode(TFLITE_IDENTIFIER));
  const vt = w.vtable(present);
  const table = w.table(vt);
  w.local.push({ at: rootAt, to: table });
  const later: Record<'buffers' | 'metadata' | 'subgraphs', number> = { buffers: -1, metadata: -1, subgraphs: -1 };
  present.forEach((p, s) => {
    if (!p) return;
    if (s === MODEL.buffers) later.buffers = w.u32(0);
    else if (s === MODEL.subgraphs && newSubgraphs) later.subgraphs = w.u32(0);
    else if (s === MODEL.metadata && newMetadata) later.metadata = w.u32(0);
    else if (s === MODEL.version) w.u32(view.u32(root, s, 0));
    else {
      const f = view.field(root, s, 4);
      w.old.push({ at: w.u32(0), to: f + view.bb.readUint32(f) });
    }
  });

  // buffers: the old ones (one of them replaced by the plan's, or the plan's appended).
  const bufferSlots: number[] = [];
  w.pad(4);
  w.local.push({ at: later.buffers, to: w.length });
  const count = needSentinel ? 2 : reuse ? nBuffers : nBuffers + 1;
  w.u32(count);
  for (let i = 0; i < count; i++) {
    const at = w.u32(0);
    if (i < nBuffers && i !== planBuffer) w.old.push({ at, to: oldBuffers[i]! });
    else bufferSlots.push(at);
  }

  // metadata: the old entries, the plan's entry replaced or appended.
  let metaSlot = -1;
  if (newMetadata) {
    w.local.push({ at: later.metadata, to: w.length });
    const n = existing >= 0 ? oldMeta.length : oldMeta.length + 1;
    w.u32(n);
    for (let i = 0; i < n; i++) {
      const at = w.u32(0);
      if (i === existing || i === oldMeta.length) metaSlot = at;
      else w.old.push({ at, to: oldMeta[i]! });
    }
    const mvt = w.vtable([true, true]);
    const mt = w.table(mvt);
    w.local.push({ at: metaSlot, to: mt });
    const nameAt = w.u32(0);
    w.u32(planBuffer);
    w.pad(4);
    w.local.push({ at: nameAt, to: w.length });
    const name = new TextEncoder().encode(OFFLINE_PLAN_METADATA);
    w.u32(name.length);
    w.bytes(name);
    w.bytes(new Uint8Array([0]));
  }

  if (newSubgraphs) writeSubgraphs(w, view, root, MODEL.subgraphs, later.subgraphs, orders!);

  // The sentinel (empty) buffer when the model had none, then the plan's buffer and its data.
  if (needSentinel) w.local.push({ at: bufferSlots.shift()!, to: w.table(w.vtable([])) });
  const bt = w.table(w.vtable([true]));
  w.local.push({ at: bufferSlots.shift()!, to: bt });
  const dataAt = w.u32(0);
  w.pad(16, 4);
  w.local.push({ at: dataAt, to: w.length });
  w.u32(values.length * 4);
  for (const v of values) w.i32(v);
  const out = w.finish(bytes);
  repointLargeData(view, out, out.length - bytes.length);
  if (shapes !== undefined) patchShapes(view, out, out.length - bytes.length, shapes);
  return out;
}

/** Writes `shapes` over the stored shape vectors (their copies at `shift` in `out`). */
function patchShapes(view: FlatView, out: Uint8Array, shift: number, shapes: ShapePatches): void {
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const root = modelTable(view);
  view.tables(root, MODEL.subgraphs, 'subgraphs').forEach((p, s) => {
    const patches = shapes[s];
    if (patches === undefined || patches.size === 0) return;
    const sg = view.table(p, `subgraph ${s}`);
    const vectors = view.tables(sg, SUBGRAPH.tensors, 'tensors').map((tp, t) => view.ref(view.table(tp, `subgraph ${s}, tensor ${t}`), TENSOR.shape, 'shape'));
    for (const [t, dims] of patches) {
      const where = `subgraph ${s}, tensor ${t}`;
      const pos = vectors[t];
      if (pos === undefined || pos === 0) view.fail(where, 'has no shape vector to write its computed shape into');
      const rank = view.bb.readUint32(pos);
      if (rank !== dims.length) view.fail(where, `its computed shape [${dims.join(', ')}] has another rank than the stored one (${rank}): cannot write it in place`);
      if (vectors.some((q, u) => u !== t && q === pos)) view.fail(where, 'shares its shape vector with another tensor: cannot write its computed shape in place');
      dims.forEach((d, k) => dv.setInt32(shift + pos + 4 + 4 * k, d, true));
    }
  });
}

/** Adds the prefix's length to file offsets of data stored past the flatbuffer (models over 2 GB). */
function repointLargeData(view: FlatView, out: Uint8Array, shift: number): void {
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const bump = (pos: number): void => {
    if (pos === 0) return;
    const v = view.bb.readUint64(pos);
    if (v > 1n) dv.setBigUint64(shift + pos, v + BigInt(shift), true);
  };
  const root = modelTable(view);
  view.tables(root, MODEL.buffers, 'buffers').forEach((p, i) => bump(view.field(view.table(p, `buffer ${i}`), BUFFER.offset, 8)));
  view.tables(root, MODEL.subgraphs, 'subgraphs').forEach((p, s) => {
    const sg = view.table(p, `subgraph ${s}`);
    view.tables(sg, SUBGRAPH.operators, 'operators').forEach((o, i) => {
      bump(view.field(view.table(o, `subgraph ${s}, operator ${i}`), OPERATOR.large_custom_options_offset, 8));
    });
  });
}
