import { describe, expect, it } from 'vitest';
import { blocksOf } from '../../src/problem/relative.js';
import type { Problem } from '../../src/problem/types.js';
import { verifyPlan } from '../../src/problem/verify.js';
import { solveWithGlpk } from '../../src/solve/ilp/solve-glpk.js';
import { isRectangle, mergeRectangles } from '../../src/solve/rectangles.js';
import { solve } from '../../src/solve/solve.js';
import { planWithSpill } from '../../src/solve/spill.js';
import { bruteForceTiedMinPeak, gridValid, inplaceChains } from '../helpers/tied-oracle.js';

describe('merged rectangles (in-place chains)', () => {
  it('a chain whose links overlap by one step is a rectangle; one with a hole or a step in height is not', () => {
    const chain: Problem = {
      buffers: [
        { id: 'x', size: 8, start: 0, end: 3 },
        { id: 'y', size: 8, start: 2, end: 5, aliasOf: 'x' },
      ],
    };
    expect(blocksOf(chain).map((b) => isRectangle(chain, b))).toEqual([true]);
    const hole: Problem = { buffers: [chain.buffers[0]!, { ...chain.buffers[1]!, start: 4, end: 6 }] };
    expect(blocksOf(hole).map((b) => isRectangle(hole, b))).toEqual([false]);
    // A gap at the end of a buffer's range: its bounding rectangle holds idle steps.
    const idleEnd: Problem = { buffers: [{ id: 'g', size: 4, start: 0, end: 3, gaps: [{ start: 2, end: 3 }] }] };
    expect(blocksOf(idleEnd).map((b) => isRectangle(idleEnd, b))).toEqual([false]);
    // A concatenation whose inputs start at different steps: its output's bytes are not all live early.
    const concat: Problem = {
      buffers: [
        { id: 'out', size: 8, start: 3, end: 5 },
        { id: 'in0', size: 4, start: 0, end: 4, aliasOf: 'out' },
        { id: 'in1', size: 4, start: 2, end: 4, aliasOf: 'out', aliasOffset: 4 },
      ],
    };
    expect(blocksOf(concat).map((b) => isRectangle(concat, b))).toEqual([false]);
    expect(mergeRectangles(concat)).toBeUndefined();
    // Inputs that start together fill the output's bytes from their first step: a rectangle.
    const together: Problem = { buffers: concat.buffers.map((b) => (b.id === 'in1' ? { ...b, start: 0 } : b)) };
    expect(blocksOf(together).map((b) => isRectangle(together, b))).toEqual([true]);
  });

  it('solve() proves the optimum of 60 random chain problems, equal to brute force over every placement', () => {
    let proven = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const p = inplaceChains(seed, 3, 1);
      const res = solve(p, { method: 'auto' });
      expect(verifyPlan(p, res.offsets, res.peak).valid).toBe(true);
      expect(gridValid(p, res.offsets), `seed ${seed}`).toBe(true);
      const best = bruteForceTiedMinPeak(p);
      expect(res.peak, `seed ${seed}`).toBe(best);
      // Merged, the exact search runs and its proof stands for the tied problem.
      expect(res.status, `seed ${seed}: ${res.proof}`).toBe('optimal');
      if (p.buffers.some((b) => b.aliasOf !== undefined)) expect(res.notes?.[0]).toMatch(/each a rectangle, planned as one buffer each/);
      proven++;
    }
    expect(proven).toBe(60);
  });

  it('the exact search alone (method search) gives the same optimum on merged chains', () => {
    for (let seed = 61; seed <= 80; seed++) {
      const p = inplaceChains(seed, 4, 0);
      const res = solve(p, { method: 'search' });
      expect(res.peak, `seed ${seed}`).toBe(bruteForceTiedMinPeak(p));
      expect(res.status).toBe('optimal');
    }
  });

  it('spills merged chains whole: each block in one memory, every part verified with its aliases', () => {
    let spilled = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const p = inplaceChains(seed, 3, 2);
      const whole = solve(p);
      const capacity = Math.max(1, Math.floor(whole.peak * 0.6));
      const res = planWithSpill({ ...p, capacity }, solve({ ...p, capacity }));
      expect(res.spillFailure, `seed ${seed}`).toBeUndefined();
      if (res.spill === undefined) continue;
      spilled++;
      expect(res.peak).toBeLessThanOrEqual(capacity);
      for (const b of p.buffers) {
        if (b.aliasOf === undefined) continue;
        const i = p.buffers.indexOf(b);
        const t = p.buffers.findIndex((c) => c.id === b.aliasOf);
        expect(res.spill.memory[i]).toBe(res.spill.memory[t]);
        expect(res.offsets[i]).toBe(res.offsets[t]! + (b.aliasOffset ?? 0));
      }
      for (const where of ['chip', 'ddr'] as const) {
        const idx = p.buffers.map((_, i) => i).filter((i) => res.spill!.memory[i] === where);
        const part: Problem = { buffers: idx.map((i) => p.buffers[i]!) };
        expect(gridValid(part, idx.map((i) => res.offsets[i]!)), `seed ${seed} ${where}`).toBe(true);
      }
    }
    expect(spilled).toBeGreaterThan(10);
  });

  it("GLPK's model plans merged chains to the brute-force optimum", async () => {
    for (let seed = 1; seed <= 4; seed++) {
      const p = inplaceChains(seed, 2, 1);
      const res = await solveWithGlpk(p, 5000);
      expect(verifyPlan(p, res.offsets, res.peak).valid).toBe(true);
      expect(res.peak, `seed ${seed}`).toBe(bruteForceTiedMinPeak(p));
    }
  });
});
