import { describe, expect, it } from 'vitest';
import { bounds, liveBound } from '../../src/problem/bounds.js';
import { InputError } from '../../src/problem/errors.js';
import { blocksOf, footprint, liveRects } from '../../src/problem/relative.js';
import type { Buffer, Problem } from '../../src/problem/types.js';
import { validateProblem } from '../../src/problem/validate.js';
import { verifyPlan } from '../../src/problem/verify.js';
import { rng } from '../helpers/problems.js';
import { gridLiveBound, gridValid, validTied } from '../helpers/tied-oracle.js';

const buf = (id: string, start: number, end: number, size: number, more: Partial<Buffer> = {}): Buffer => ({ id, start, end, size, ...more });

describe('validation of gaps, hints and aliases', () => {
  it.each<[string, Buffer[], RegExp]>([
    ['a gap outside the range', [buf('a', 0, 4, 8, { gaps: [{ start: 3, end: 5 }] })], /buffer "a": gaps #1 \[3, 5\) is not inside the live range \[0, 4\)/],
    ['an empty gap', [buf('a', 0, 4, 8, { gaps: [{ start: 2, end: 2 }] })], /buffer "a": gaps #1 \[2, 2\) is empty/],
    ['overlapping gaps', [buf('a', 0, 9, 8, { gaps: [{ start: 1, end: 4 }, { start: 3, end: 5 }] })], /buffer "a": gaps \[1, 4\) and \[3, 5\) overlap/],
    ['a window past the buffer', [buf('a', 0, 4, 8, { gaps: [{ start: 1, end: 2, window: { lo: 4, hi: 9 } }] })], /buffer "a": gaps #1: window .* 0 <= lo < hi <= 8/],
    ['a negative hint', [buf('a', 0, 4, 8, { hint: -2 })], /buffer "a": hint must be a non-negative safe integer/],
    ['a misaligned hint', [buf('a', 0, 4, 8, { hint: 4, align: 8 })], /buffer "a": hint 4 is not a multiple of its alignment 8/],
    ['an alias of nothing', [buf('a', 0, 4, 8, { aliasOf: 'zz' })], /buffer "a": alias_of names no buffer \("zz"\)/],
    ['an alias of itself', [buf('a', 0, 4, 8, { aliasOf: 'a' })], /buffer "a": alias_of names the buffer itself/],
    ['an alias offset without alias_of', [buf('a', 0, 4, 8, { aliasOffset: 2 })], /buffer "a": alias_offset is given without alias_of/],
    ['an alias outside its target', [buf('a', 0, 4, 8), buf('b', 0, 4, 4, { aliasOf: 'a', aliasOffset: 6 })], /buffer "b": alias_offset 6 puts its 4 bytes outside "a" \(8 bytes\)/],
    ['a negative alias offset', [buf('a', 0, 4, 8), buf('b', 0, 4, 4, { aliasOf: 'a', aliasOffset: -1 })], /buffer "b": alias_offset must be a non-negative/],
    ['fixed offsets that disagree with an alias', [buf('a', 0, 4, 8, { offset: 0 }), buf('b', 0, 4, 4, { aliasOf: 'a', offset: 2 })], /buffer "b": offset 2 disagrees with the fixed offset of "a" and their aliases \(0\)/],
    ['a fixed alias that puts its root below 0', [buf('a', 0, 4, 8), buf('b', 0, 4, 4, { aliasOf: 'a', aliasOffset: 4, offset: 2 })], /buffer "b": offset 2 puts "a", which it lies inside at \+4, below 0/],
    ['fixed buffers holding one byte at one step', [buf('a', 0, 4, 8, { offset: 0, gaps: [{ start: 1, end: 3, window: { lo: 0, hi: 2 } }] }), buf('b', 1, 3, 4, { offset: 1 })], /buffer "a": fixed offset 0 collides with buffer "b" at 1 \(both live at step 1\)/],
    ['a cycle', [buf('a', 0, 4, 8, { aliasOf: 'c' }), buf('b', 0, 4, 8, { aliasOf: 'a' }), buf('c', 0, 4, 8, { aliasOf: 'b' })], /alias_of is in a cycle of aliases \("a" -> "c" -> "b" -> "a"\)|cycle/],
    ['an alias breaking its alignment', [buf('a', 0, 4, 16), buf('b', 0, 4, 4, { aliasOf: 'a', aliasOffset: 2, align: 4 })], /buffer "b": alias_offset puts it 2 bytes from the start of "a", not a multiple of its alignment 4/],
    ['an alias of a fixed root off its alignment', [buf('a', 0, 4, 16, { offset: 2, align: 2 }), buf('b', 0, 4, 4, { aliasOf: 'a', aliasOffset: 0, align: 4 })], /buffer "b": offset is fixed at 2 \(by its block's fixed offset\), not a multiple of its alignment 4/],
  ])('rejects %s, naming the buffer', (_, buffers, msg) => {
    expect(() => validateProblem({ buffers })).toThrow(InputError);
    expect(() => validateProblem({ buffers })).toThrow(msg);
  });

  it('accepts fixed buffers that share only idle bytes, and an alias fixed in place of its root', () => {
    const p: Problem = {
      buffers: [buf('a', 0, 4, 8, { offset: 0, gaps: [{ start: 1, end: 3, window: { lo: 0, hi: 2 } }] }), buf('b', 1, 3, 4, { offset: 2 }), buf('c', 0, 4, 2, { aliasOf: 'a', aliasOffset: 6, offset: 6 })],
    };
    expect(validateProblem(p)).toBe(p);
    const q: Problem = { buffers: [buf('a', 0, 4, 8), buf('c', 0, 4, 4, { aliasOf: 'a', aliasOffset: 4, offset: 12 })] };
    expect(validateProblem(q)).toBe(q);
    expect(blocksOf(q)[0]!.fixed).toBe(8);
  });

  it('accepts chains of aliases, gaps with windows and aligned hints', () => {
    const p: Problem = {
      buffers: [
        buf('a', 0, 6, 16, { gaps: [{ start: 2, end: 3 }, { start: 4, end: 5, window: { lo: 0, hi: 8 } }], hint: 32 }),
        buf('b', 1, 4, 8, { aliasOf: 'a', aliasOffset: 8 }),
        buf('c', 3, 7, 4, { aliasOf: 'b', aliasOffset: 4, align: 4 }),
      ],
    };
    expect(validateProblem(p)).toBe(p);
    const [block] = blocksOf(p);
    expect(block!.members).toEqual([{ index: 0, delta: 0 }, { index: 1, delta: 8 }, { index: 2, delta: 12 }]);
    expect(block!.align).toBe(4);
    expect(block!.height).toBe(16);
    expect(block!.hint).toBe(32);
  });
});

describe('live rectangles and the live bound', () => {
  it('cuts a buffer by its gaps, keeping a window', () => {
    expect(liveRects(buf('a', 0, 9, 8, { gaps: [{ start: 5, end: 7, window: { lo: 2, hi: 6 } }, { start: 1, end: 3 }] }))).toEqual([
      { start: 0, end: 1, lo: 0, hi: 8 },
      { start: 3, end: 5, lo: 0, hi: 8 },
      { start: 5, end: 7, lo: 2, hi: 6 },
      { start: 7, end: 9, lo: 0, hi: 8 },
    ]);
  });

  it('counts a union once: overlapping rectangles of one block', () => {
    expect(footprint([{ start: 0, end: 4, lo: 0, hi: 8 }, { start: 2, end: 6, lo: 4, hi: 12 }])).toEqual([
      { start: 0, end: 2, bytes: 8 },
      { start: 2, end: 4, bytes: 12 },
      { start: 4, end: 6, bytes: 8 },
    ]);
  });

  it('leaves idle bytes out: a skip connection idle while two others peak', () => {
    const p: Problem = { buffers: [buf('skip', 0, 8, 64, { gaps: [{ start: 2, end: 6 }] }), buf('x', 2, 4, 64), buf('y', 3, 6, 64)] };
    expect(liveBound(p)).toBe(128);
    expect(liveBound({ buffers: p.buffers.map(({ gaps: _, ...b }) => b) })).toBe(192);
  });

  it('equals the grid count of held bytes when no two groups share a byte (random problems)', () => {
    const problems = validTied(60);
    expect(problems.length).toBe(60);
    for (const p of problems) {
      // Stacking the blocks apart: every held byte at its own address, so the grid counts exactly what is live.
      const blocks = blocksOf(p);
      const offsets = new Array<number>(p.buffers.length).fill(0);
      let base = 0;
      for (const block of blocks) {
        base = Math.ceil(base / block.align) * block.align;
        for (const m of block.members) offsets[m.index] = base + m.delta;
        base += block.height;
      }
      expect(gridValid(p, offsets)).toBe(true);
      expect(verifyPlan(p, offsets).valid).toBe(true);
      expect(liveBound(p)).toBe(gridLiveBound(p, offsets));
      expect(bounds(p).bound).toBe(Math.max(liveBound(p), ...p.buffers.map((b) => b.size)));
    }
  });
});

describe('verifyPlan on gaps and aliases', () => {
  const p: Problem = {
    buffers: [
      buf('skip', 0, 8, 64, { gaps: [{ start: 2, end: 6, window: { lo: 0, hi: 16 } }] }),
      buf('x', 2, 6, 48),
      buf('sum', 6, 8, 64),
      buf('view', 6, 8, 32, { aliasOf: 'sum', aliasOffset: 32 }),
    ],
  };
  it('lets a buffer use the idle bytes of another during its gap', () => {
    expect(verifyPlan(p, [0, 16, 64, 96], 128)).toEqual({ valid: true, errors: [], peak: 128 });
  });
  it('catches the window: bytes still live during the gap', () => {
    const v = verifyPlan(p, [0, 8, 64, 96]);
    expect(v.valid).toBe(false);
    expect(v.errors.join()).toMatch(/"skip" \[0, 16\) and "x" \[8, 56\) overlap in memory while both live at step 2/);
  });
  it('catches an alias moved off its target', () => {
    const v = verifyPlan(p, [0, 16, 64, 64]);
    expect(v.valid).toBe(false);
    expect(v.errors.join()).toMatch(/buffer "view": offset 64 is not that of "sum" plus 32 \(96\)/);
  });
  it('agrees with the grid on random plans of random problems', () => {
    const r = rng(7);
    let valid = 0;
    let invalid = 0;
    for (const p of validTied(80)) {
      for (let k = 0; k < 20; k++) {
        const offsets = p.buffers.map(() => Math.floor(r() * 8));
        // Half the time put every alias where it belongs, so the byte checks are what decides.
        if (k % 2 === 0) {
          for (let pass = 0; pass < p.buffers.length; pass++) {
            p.buffers.forEach((b, i) => {
              if (b.aliasOf !== undefined) offsets[i] = offsets[p.buffers.findIndex((c) => c.id === b.aliasOf)]! + (b.aliasOffset ?? 0);
            });
          }
        }
        const want = gridValid(p, offsets);
        expect(verifyPlan(p, offsets).valid, JSON.stringify({ p, offsets })).toBe(want);
        if (k % 2 === 0) {
          // The plan as fixed offsets (a solution read back): validation accepts exactly the valid ones.
          const fixed: Problem = { buffers: p.buffers.map((b, i) => ({ ...b, offset: offsets[i]! })) };
          const accepted = (() => {
            try {
              validateProblem(fixed);
              return true;
            } catch (e) {
              if (e instanceof InputError) return false;
              throw e;
            }
          })();
          expect(accepted, JSON.stringify({ p, offsets })).toBe(want);
        }
        if (want) valid++;
        else invalid++;
      }
    }
    expect(valid).toBeGreaterThan(50);
    expect(invalid).toBeGreaterThan(50);
  });
});
