import { describe, expect, it } from 'vitest';
import { Prefix } from '../../src/export/flatbuffer-prefix.js';
import { FlatView } from '../../src/import/tflite/table.js';

describe('Prefix', () => {
  it('a table in the prefix whose fields point into the prefix and into the old bytes', () => {
    // "old" bytes: 4 bytes of padding, then a vector of two int32 [7, 9] at old position 4.
    const old = new Uint8Array(16);
    const dv = new DataView(old.buffer);
    dv.setUint32(4, 2, true);
    dv.setInt32(8, 7, true);
    dv.setInt32(12, 9, true);
    const w = new Prefix();
    const root = w.u32(0);
    const table = w.table(w.vtable([true, false, true]));
    w.local.push({ at: root, to: table });
    const local = w.u32(0);
    w.old.push({ at: w.u32(0), to: 4 });
    w.pad(4);
    w.local.push({ at: local, to: w.length });
    w.u32(1);
    w.i32(-5);
    const out = w.finish(old);
    expect((out.length - old.length) % 16).toBe(0);
    expect(out.subarray(out.length - 16)).toEqual(old);
    const v = new FlatView(out, 'p.bin');
    const t = v.table(new DataView(out.buffer).getUint32(0, true), 'root');
    expect(v.slots(t)).toBe(3);
    expect(v.ints(t, 0, 'local')).toEqual([-5]);
    expect(v.has(t, 1)).toBe(false);
    expect(v.ints(t, 2, 'old')).toEqual([7, 9]);
  });

  it('pad with a phase puts the next-but-4 byte on a 16-byte boundary (vector data alignment)', () => {
    const w = new Prefix();
    w.u16(1);
    w.pad(16, 4);
    expect((w.length + 4) % 16).toBe(0);
  });
});
