import * as flatbuffers from 'flatbuffers';
import { InputError } from '../../problem/errors.js';
import { plural } from '../../format/plural.js';

/** A table found in the file: where it starts and the bounds its vtable gives. */
export interface TableRef {
  /** Absolute position of the table (its soffset to the vtable). */
  pos: number;
  /** Absolute position of its vtable. */
  vtable: number;
  /** Bytes of the vtable. */
  vtableSize: number;
  /** Bytes of the table's inline part, from `pos`. */
  tableSize: number;
  /** Where it is, for error messages ("subgraph 0, tensor 3"). */
  where: string;
}

/**
 * Bounds-checked access to a flatbuffer over the `flatbuffers` runtime's ByteBuffer, which itself
 * checks nothing: every position is checked before it is read, and a fault becomes an InputError
 * naming the file and the place (`where`). Knows flatbuffer layout, not the TFLite schema.
 */
export class FlatView {
  readonly bb: flatbuffers.ByteBuffer;
  readonly size: number;

  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
  ) {
    this.bb = new flatbuffers.ByteBuffer(bytes);
    this.size = bytes.length;
  }

  fail(where: string, message: string): never {
    throw new InputError(`${this.file}: ${where}: ${message}`, { file: this.file, buffer: where });
  }

  /** Checks that [pos, pos + len) lies in the file. */
  need(pos: number, len: number, where: string, what: string): void {
    if (!(pos >= 0 && len >= 0 && pos + len <= this.size)) {
      this.fail(where, `${what} at byte ${pos} (+${len}) lies outside the file of ${plural(this.size, 'byte')} (truncated or corrupt)`);
    }
  }

  /** The table at `pos`, its vtable checked. */
  table(pos: number, where: string): TableRef {
    this.need(pos, 4, where, 'table');
    if (pos % 4 !== 0) this.fail(where, `table at byte ${pos} is not 4-byte aligned (corrupt)`);
    const vtable = pos - this.bb.readInt32(pos);
    this.need(vtable, 4, where, 'vtable');
    const vtableSize = this.bb.readUint16(vtable);
    const tableSize = this.bb.readUint16(vtable + 2);
    if (vtableSize < 4 || vtableSize % 2 !== 0) this.fail(where, `vtable at byte ${vtable} has a bad size ${vtableSize} (corrupt)`);
    this.need(vtable, vtableSize, where, 'vtable');
    if (tableSize < 4) this.fail(where, `table at byte ${pos} has a bad size ${tableSize} (corrupt)`);
    this.need(pos, tableSize, where, 'table');
    return { pos, vtable, vtableSize, tableSize, where };
  }

  /** Number of slots the table's vtable has. */
  slots(t: TableRef): number {
    return (t.vtableSize - 4) / 2;
  }

  /** Absolute position of field `slot` of `t` holding `width` bytes, or 0 when absent. */
  field(t: TableRef, slot: number, width: number): number {
    const entry = 4 + 2 * slot;
    if (entry + 2 > t.vtableSize) return 0;
    const rel = this.bb.readUint16(t.vtable + entry);
    if (rel === 0) return 0;
    if (rel + width > t.tableSize) this.fail(t.where, `field #${slot} runs past its table (corrupt)`);
    return t.pos + rel;
  }

  u8(t: TableRef, slot: number, dflt: number): number {
    const p = this.field(t, slot, 1);
    return p === 0 ? dflt : this.bb.readUint8(p);
  }

  i8(t: TableRef, slot: number, dflt: number): number {
    const p = this.field(t, slot, 1);
    return p === 0 ? dflt : this.bb.readInt8(p);
  }

  u32(t: TableRef, slot: number, dflt: number): number {
    const p = this.field(t, slot, 4);
    return p === 0 ? dflt : this.bb.readUint32(p);
  }

  i32(t: TableRef, slot: number, dflt: number): number {
    const p = this.field(t, slot, 4);
    return p === 0 ? dflt : this.bb.readInt32(p);
  }

  /** An unsigned 64-bit field as a number; faults when it exceeds 2^53 - 1. */
  u64(t: TableRef, slot: number, what: string): number {
    const p = this.field(t, slot, 8);
    if (p === 0) return 0;
    const v = this.bb.readUint64(p);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(t.where, `${what} ${v} exceeds 2^53 - 1`);
    return Number(v);
  }

  /** The absolute position an offset field points to, or 0 when the field is absent. */
  ref(t: TableRef, slot: number, what: string): number {
    const p = this.field(t, slot, 4);
    if (p === 0) return 0;
    const target = p + this.bb.readUint32(p);
    this.need(target, 4, t.where, what);
    return target;
  }

  /** A vector at `pos`: where its elements start and how many there are, checked. */
  vectorAt(pos: number, elemSize: number, where: string, what: string): { start: number; length: number } {
    this.need(pos, 4, where, what);
    const length = this.bb.readUint32(pos);
    this.need(pos + 4, length * elemSize, where, `${what} (${length} elements)`);
    return { start: pos + 4, length };
  }

  /** A vector of int32 field; [] when absent. */
  ints(t: TableRef, slot: number, what: string): number[] {
    const pos = this.ref(t, slot, what);
    if (pos === 0) return [];
    const { start, length } = this.vectorAt(pos, 4, t.where, what);
    const out = new Array<number>(length);
    for (let i = 0; i < length; i++) out[i] = this.bb.readInt32(start + 4 * i);
    return out;
  }

  /** Whether an offset field is present (a vector may be present and empty). */
  has(t: TableRef, slot: number): boolean {
    return this.field(t, slot, 4) !== 0;
  }

  /** A vector of bytes field: its position and length, or undefined when absent. */
  byteVector(t: TableRef, slot: number, what: string): { start: number; length: number } | undefined {
    const pos = this.ref(t, slot, what);
    return pos === 0 ? undefined : this.vectorAt(pos, 1, t.where, what);
  }

  /** A string field (UTF-8); undefined when absent. */
  string(t: TableRef, slot: number, what: string): string | undefined {
    const v = this.byteVector(t, slot, what);
    if (v === undefined) return undefined;
    return new TextDecoder().decode(this.bytes.subarray(v.start, v.start + v.length));
  }

  /** The positions of the tables a vector-of-tables field holds; [] when absent. */
  tables(t: TableRef, slot: number, what: string): number[] {
    const pos = this.ref(t, slot, what);
    if (pos === 0) return [];
    const { start, length } = this.vectorAt(pos, 4, t.where, what);
    const out = new Array<number>(length);
    for (let i = 0; i < length; i++) {
      const e = start + 4 * i;
      out[i] = e + this.bb.readUint32(e);
    }
    return out;
  }
}
