/**
 * The subgraphs vector of a rewritten .tflite whose operators run in a new order: a subgraph whose
 * order changed gets a new SubGraph table in the prefix, with every field pointing at the old one's
 * (tensors, inputs, outputs, name) except `operators`, a new vector of the old Operator tables in the
 * new order; the other subgraphs keep their old tables. Tensors, and so tensor indices, never change.
 */
import { SUBGRAPH } from '../import/tflite/schema.js';
import { isPermutation } from '../problem/validate.js';
import type { FlatView, TableRef } from '../import/tflite/table.js';
import type { Prefix } from './flatbuffer-prefix.js';

/** SubGraph fields this writer knows: tensors .. name, then debug_metadata_index (int). */
const DEBUG_METADATA_INDEX = 5;

/** orders[s] differs from the stored order (operator k at step k). */
export function reorders(orders: readonly (readonly number[] | undefined)[] | undefined): boolean {
  return orders !== undefined && orders.some((o) => o !== undefined && o.some((op, k) => op !== k));
}

/**
 * Writes the subgraphs vector at the prefix's end and points the uoffset at `at` to it. `orders[s]`
 * (a permutation of subgraph s's operators; undefined = unchanged) says which operator runs at step k.
 */
export function writeSubgraphs(w: Prefix, view: FlatView, root: TableRef, slot: number, at: number, orders: readonly (readonly number[] | undefined)[]): void {
  const old = view.tables(root, slot, 'subgraphs');
  w.pad(4);
  w.local.push({ at, to: w.length });
  w.u32(old.length);
  const pending: [number, number][] = [];
  old.forEach((pos, s) => {
    const entry = w.u32(0);
    const order = orders[s];
    if (order !== undefined && order.some((op, k) => op !== k)) pending.push([s, entry]);
    else w.old.push({ at: entry, to: pos });
  });
  for (const [s, entry] of pending) {
    const t = view.table(old[s]!, `subgraph ${s}`);
    for (let f = DEBUG_METADATA_INDEX + 1; f < view.slots(t); f++) {
      if (view.field(t, f, 0) !== 0) view.fail(t.where, `has field #${f}, newer than this writer knows: cannot reorder its operators safely`);
    }
    const ops = view.tables(t, SUBGRAPH.operators, 'operators');
    const order = orders[s]!;
    if (!isPermutation(order, ops.length)) {
      throw new Error(`subgraph ${s}: the order is not a permutation of its ${ops.length} operators`);
    }
    const present = Array.from({ length: Math.min(view.slots(t), DEBUG_METADATA_INDEX + 1) }, (_, f) => view.field(t, f, 4) !== 0);
    const table = w.table(w.vtable(present));
    w.local.push({ at: entry, to: table });
    let opsAt = -1;
    present.forEach((p, f) => {
      if (!p) return;
      const pos = view.field(t, f, 4);
      if (f === SUBGRAPH.operators) opsAt = w.u32(0);
      else if (f === DEBUG_METADATA_INDEX) w.i32(view.bb.readInt32(pos));
      else w.old.push({ at: w.u32(0), to: pos + view.bb.readUint32(pos) });
    });
    w.pad(4);
    w.local.push({ at: opsAt, to: w.length });
    w.u32(ops.length);
    for (const op of order) w.old.push({ at: w.u32(0), to: ops[op]! });
  }
}
