/**
 * A set of strings (buffer ids) in typed arrays: open addressing over 32-bit FNV-1a hashes, the
 * strings compared only when their hashes agree. For validateProblem's check that ids are unique: at a
 * million ids about twice as fast as a Set<string>, and no garbage for the collector (a Set's tables are
 * rebuilt as it grows; `npm run bench -- scale`).
 */
export class IdSet {
  private readonly keys: string[] = [];
  /** Index + 1 into keys per slot, 0 when empty; the table is a power of two, at least twice `expected`. */
  private slots: Int32Array;
  private hashes: Int32Array;
  private mask: number;

  /** `expected`: about how many ids will be added (the table grows past half full whatever it is). */
  constructor(expected: number) {
    let size = 16;
    while (size < 2 * expected) size *= 2;
    this.slots = new Int32Array(size);
    this.hashes = new Int32Array(size);
    this.mask = size - 1;
  }

  /** Adds `id`; returns false when it was there already (the set is then unchanged). */
  add(id: string): boolean {
    let h = 0x811c9dc5 | 0;
    for (let k = 0; k < id.length; k++) h = Math.imul(h ^ id.charCodeAt(k), 16777619);
    let p = h & this.mask;
    for (;;) {
      const at = this.slots[p]!;
      if (at === 0) break;
      if (this.hashes[p] === h && this.keys[at - 1] === id) return false;
      p = (p + 1) & this.mask;
    }
    this.keys.push(id);
    this.slots[p] = this.keys.length;
    this.hashes[p] = h;
    if (2 * this.keys.length > this.slots.length) this.grow();
    return true;
  }

  /** How many ids the set holds. */
  get size(): number {
    return this.keys.length;
  }

  /** Doubles the table and puts every id back where its hash now points. */
  private grow(): void {
    const { slots, hashes } = this;
    this.slots = new Int32Array(slots.length * 2);
    this.hashes = new Int32Array(slots.length * 2);
    this.mask = this.slots.length - 1;
    for (let q = 0; q < slots.length; q++) {
      if (slots[q] === 0) continue;
      const h = hashes[q]!;
      let p = h & this.mask;
      while (this.slots[p] !== 0) p = (p + 1) & this.mask;
      this.slots[p] = slots[q]!;
      this.hashes[p] = h;
    }
  }
}
