import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdSet } from '../../src/problem/id-set.js';

describe('IdSet (validateProblem: ids are unique)', () => {
  it('answers as a Set<string> does, through growth and hash collisions', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 4 }), { maxLength: 300 }), fc.nat(40), (ids, expected) => {
        const mine = new IdSet(expected);
        const set = new Set<string>();
        for (const id of ids) {
          expect(mine.add(id)).toBe(set.size !== set.add(id).size);
          expect(mine.size).toBe(set.size);
        }
      }),
      { numRuns: 300, seed: 14 },
    );
  });

  it('tells apart ids that start at the same slot of a large table', () => {
    // Two ids whose FNV-1a hashes agree on their low 20 bits (found by search): the same first slot of a
    // table of 2^20 slots, so the second one probes past the first.
    const s = new IdSet(1 << 19);
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; pair === undefined && i < 300_000; i++) {
      const id = `b${i}`;
      let h = 0x811c9dc5 | 0;
      for (let k = 0; k < id.length; k++) h = Math.imul(h ^ id.charCodeAt(k), 16777619);
      const other = seen.get(h & 0xfffff);
      if (other !== undefined) pair = [other, id];
      else seen.set(h & 0xfffff, id);
    }
    expect(pair).toBeDefined();
    expect(s.add(pair![0])).toBe(true);
    expect(s.add(pair![1])).toBe(true);
    expect(s.add(pair![0])).toBe(false);
    expect(s.add(pair![1])).toBe(false);
    expect(s.size).toBe(2);
  });
});
