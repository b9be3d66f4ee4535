import * as flatbuffers from 'flatbuffers';
import { describe, expect, it } from 'vitest';
import { FlatView } from '../../../src/import/tflite/table.js';

/** A table with an int32 field in slot 0, a string in slot 1 and an int vector in slot 2. */
function sample(): { bytes: Uint8Array; root: number } {
  const b = new flatbuffers.Builder(64);
  const s = b.createString('hello');
  b.startVector(4, 3, 4);
  for (const x of [3, 2, -1]) b.addInt32(x);
  const v = b.endVector();
  b.startObject(3);
  b.addFieldInt32(0, 42, 0);
  b.addFieldOffset(1, s, 0);
  b.addFieldOffset(2, v, 0);
  b.finish(b.endObject());
  const bytes = b.asUint8Array().slice();
  return { bytes, root: new DataView(bytes.buffer).getUint32(0, true) };
}

describe('FlatView', () => {
  it('reads scalars, strings and vectors, and defaults for absent fields', () => {
    const { bytes, root } = sample();
    const v = new FlatView(bytes, 'x.bin');
    const t = v.table(root, 'root');
    expect(v.i32(t, 0, 0)).toBe(42);
    expect(v.string(t, 1, 's')).toBe('hello');
    expect(v.ints(t, 2, 'v')).toEqual([-1, 2, 3]);
    expect(v.i32(t, 5, 7)).toBe(7);
    expect(v.ints(t, 6, 'absent')).toEqual([]);
    expect(v.has(t, 2)).toBe(true);
    expect(v.has(t, 4)).toBe(false);
    expect(v.slots(t)).toBe(3);
  });

  it('a vector whose length runs past the end is an error, not garbage', () => {
    const { bytes, root } = sample();
    const v = new FlatView(bytes, 'x.bin');
    const t = v.table(root, 'root');
    const vec = v.ref(t, 2, 'v');
    new DataView(bytes.buffer).setUint32(vec, 1_000_000, true);
    expect(() => v.ints(t, 2, 'the vector')).toThrow(/x\.bin: root: the vector \(1000000 elements\) at byte \d+ .* lies outside the file/);
  });

  it('a table whose vtable lies outside the file, or is misaligned, is an error', () => {
    const { bytes, root } = sample();
    const v = new FlatView(bytes, 'x.bin');
    expect(() => v.table(root + 1, 'here')).toThrow(/here: table at byte \d+ is not 4-byte aligned/);
    new DataView(bytes.buffer).setInt32(root, -10_000, true);
    expect(() => v.table(root, 'here')).toThrow(/here: vtable at byte \d+ \(\+4\) lies outside the file/);
  });

  it('u64 beyond 2^53 is refused', () => {
    const b = new flatbuffers.Builder(64);
    b.startObject(1);
    b.addFieldInt64(0, 2n ** 60n, 0n);
    b.finish(b.endObject());
    const bytes = b.asUint8Array().slice();
    const v = new FlatView(bytes, 'x.bin');
    const t = v.table(new DataView(bytes.buffer).getUint32(0, true), 'big');
    expect(() => v.u64(t, 0, 'offset')).toThrow(/big: offset 1152921504606846976 exceeds 2\^53 - 1/);
  });
});
