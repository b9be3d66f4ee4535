/**
 * The bytes put in front of an existing flatbuffer: written front to back (little-endian), with the
 * uoffsets to fill once the layout is known, either to a position in the prefix or to a position in
 * the old file (which follows the prefix, so every such offset points forward, as flatbuffers require).
 */
export class Prefix {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  length = 0;
  /** uoffsets to fill: to a position in the prefix, or in the old file (shifted by the prefix). */
  readonly local: { at: number; to: number }[] = [];
  readonly old: { at: number; to: number }[] = [];

  private grow(n: number): number {
    const at = this.length;
    if (at + n > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, at + n));
      next.set(this.buf);
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    this.length += n;
    return at;
  }
  pad(align: number, phase = 0): void {
    while ((this.length + phase) % align !== 0) this.grow(1);
  }
  u16(v: number): number {
    const at = this.grow(2);
    this.view.setUint16(at, v, true);
    return at;
  }
  u32(v: number): number {
    const at = this.grow(4);
    this.view.setUint32(at, v >>> 0, true);
    return at;
  }
  i32(v: number): number {
    const at = this.grow(4);
    this.view.setInt32(at, v, true);
    return at;
  }
  bytes(b: Uint8Array): void {
    const at = this.grow(b.length);
    this.buf.set(b, at);
  }
  /** A vtable for a table of `fields` 4-byte fields (slot i at table offset 4 + 4 i, 0 = absent). */
  vtable(present: readonly boolean[]): number {
    this.pad(2);
    const at = this.u16(4 + 2 * present.length);
    this.u16(4 + 4 * present.filter(Boolean).length);
    let off = 4;
    for (const p of present) {
      this.u16(p ? off : 0);
      if (p) off += 4;
    }
    return at;
  }
  /** Starts a table whose vtable is at `vt`; returns the table's position. */
  table(vt: number): number {
    this.pad(4);
    const at = this.length;
    this.i32(at - vt);
    return at;
  }
  /** Pads the prefix to 16 bytes, fills the offsets and returns prefix + old. */
  finish(old: Uint8Array): Uint8Array {
    this.pad(16);
    const p = this.length;
    for (const { at, to } of this.local) this.view.setUint32(at, to - at, true);
    for (const { at, to } of this.old) this.view.setUint32(at, p + to - at, true);
    const out = new Uint8Array(p + old.length);
    out.set(this.buf.subarray(0, p));
    out.set(old, p);
    return out;
  }
}

