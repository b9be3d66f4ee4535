import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { solutionToCsv } from '../../src/export/csv.js';
import { parseCsv } from '../../src/import/csv.js';
import { importProblem } from '../../src/import/index.js';
import { liveBound } from '../../src/problem/bounds.js';
import { InputError } from '../../src/problem/errors.js';
import type { Problem } from '../../src/problem/types.js';
import { verifyPlan, verifySpilledPlan } from '../../src/problem/verify.js';
import { BLOCK_ORDERS, envelopeOf, fromBases, lowestBase, placeBlocks, type BlockMethod } from '../../src/solve/blocks.js';
import { blocksOf } from '../../src/problem/relative.js';
import { solveWithGlpk } from '../../src/solve/ilp/solve-glpk.js';
import { solve } from '../../src/solve/solve.js';
import { planWithSpill } from '../../src/solve/spill.js';
import { Deadline } from '../../src/solve/deadline.js';
import { planToJson } from '../../src/export/plan-json.js';
import { rng, tightProblem } from '../helpers/problems.js';
import { bruteForceTiedMinPeak, gridValid, validTied } from '../helpers/tied-oracle.js';

const example = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'gaps.csv');
const METHODS = Object.keys(BLOCK_ORDERS) as BlockMethod[];

describe('lowestBase', () => {
  it('is the lowest aligned base free of every placed rectangle (random cases against a scan)', () => {
    const r = rng(3);
    const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
    for (let k = 0; k < 300; k++) {
      const rect = () => {
        const start = int(0, 5);
        const lo = int(0, 6);
        return { start, end: start + int(1, 3), lo, hi: lo + int(1, 4) };
      };
      const placed = Array.from({ length: int(0, 6) }, rect);
      const block = { rects: Array.from({ length: int(1, 3) }, rect), align: [1, 2, 4][int(0, 2)]! };
      const free = (base: number): boolean =>
        block.rects.every((s) => placed.every((p) => !(s.start < p.end && p.start < s.end && base + s.lo < p.hi && p.lo < base + s.hi)));
      let want = 0;
      while (!free(want)) want += block.align;
      expect(lowestBase(block, placed)).toBe(want);
      const prefer = int(0, 12);
      expect(lowestBase(block, placed, prefer)).toBe(prefer % block.align === 0 && free(prefer) ? prefer : want);
    }
  });
});

describe('block heuristics on gaps and aliases', () => {
  const problems = validTied(50, 5, 3);

  it('give valid plans, never below the brute-force optimum, which is never below the live bound', () => {
    expect(problems.length).toBe(50);
    let metOptimum = 0;
    for (const p of problems) {
      const best = bruteForceTiedMinPeak(p);
      expect(best).toBeGreaterThanOrEqual(liveBound(p));
      for (const method of METHODS) {
        const plan = placeBlocks(p, method);
        expect(gridValid(p, plan.offsets), `${method} ${JSON.stringify(p)}`).toBe(true);
        expect(verifyPlan(p, plan.offsets, plan.peak).valid).toBe(true);
        expect(plan.peak).toBeGreaterThanOrEqual(best);
      }
      const res = solve(p);
      expect(verifyPlan(p, res.offsets, res.peak).valid).toBe(true);
      expect(res.peak).toBeGreaterThanOrEqual(best);
      expect(res.bound).toBeLessThanOrEqual(best);
      if (res.status === 'optimal') expect(res.peak).toBe(best);
      else expect(res.status).toBe('feasible');
      if (res.peak === best) metOptimum++;
    }
    // The heuristics are not exact, but on problems this small they mostly find the optimum.
    expect(metOptimum).toBeGreaterThan(35);
  });

  it('plan blocks as their bounding rectangles: any plan of those is a valid plan of the blocks', () => {
    for (const p of problems) {
      const blocks = blocksOf(p);
      const env = envelopeOf(p, blocks);
      expect(env.buffers.every((b) => b.gaps === undefined && b.aliasOf === undefined)).toBe(true);
      for (const method of ['greedy-size', 'naive', 'search'] as const) {
        const r = solve(env, { method });
        const plan = fromBases(p, blocks, r.offsets);
        expect(gridValid(p, plan.offsets), `${method} ${JSON.stringify(p)}`).toBe(true);
        expect(plan.peak).toBe(r.peak);
      }
    }
  });

  it('put a block at its hint when free, elsewhere when not', () => {
    const p: Problem = {
      buffers: [
        { id: 'a', start: 0, end: 4, size: 16 },
        { id: 'b', start: 0, end: 4, size: 8, hint: 32 },
        { id: 'c', start: 2, end: 6, size: 8, hint: 4 },
      ],
    };
    const plan = placeBlocks(p, 'blocks-greedy-size');
    expect(plan.offsets[1]).toBe(32);
    expect(plan.offsets[2]).not.toBe(4);
    expect(verifyPlan(p, plan.offsets).valid).toBe(true);
    expect(placeBlocks(p, 'blocks-greedy-size', false).offsets).toEqual([0, 16, 24]);
  });
});

describe('solve() on gaps and aliases', () => {
  it('plans examples/gaps.csv at its live bound (idle bytes reused, the view inside its sum)', () => {
    const p = importProblem(readFileSync(example, 'utf8'), 'gaps.csv');
    const res = solve(p);
    expect(res.liveBound).toBe(128);
    expect(res.peak).toBe(128);
    expect(res.status).toBe('optimal');
    expect(res.methods.map((m) => m.method).slice(0, 3)).toEqual(METHODS);
    expect(res.methods[3]!.method).toMatch(/^rectangles: /);
    expect(res.method).toBe('blocks-greedy-size');
    expect(res.notes?.join()).toMatch(/by every other method on its bounding rectangle/);
    const ids = p.buffers.map((b) => b.id);
    const at = (id: string): number => res.offsets[ids.indexOf(id)]!;
    expect(at('conv2')).toBe(0); // its hint, in the bytes "skip" leaves idle
    expect(at('view')).toBe(at('sum') + 32);
    // Round trip: the solution read back has every offset fixed, and plans to the same offsets.
    const back = importProblem(solutionToCsv(p, res.offsets), 'sol.csv');
    expect(back.buffers.map(({ offset: _, ...b }) => b)).toEqual(p.buffers);
    expect(solve(back).offsets).toEqual(res.offsets);
  });

  it("takes the rectangles' plan when it is lower: a tight packing with a gap, at its live bound", () => {
    // tightProblem's optimum is its live bound (256); a gap only lowers what is live, not that bound here.
    const p = tightProblem(12, 2, 16, 256);
    const b = p.buffers.find((x) => x.end - x.start >= 3)!;
    b.gaps = [{ start: b.start + 1, end: b.start + 2 }];
    const res = solve(p);
    expect(verifyPlan(p, res.offsets, res.peak).valid).toBe(true);
    const blocksBest = Math.min(...res.methods.filter((m) => m.method.startsWith('blocks-')).map((m) => m.peak));
    expect(blocksBest).toBeGreaterThan(256);
    expect(res.method).toMatch(/^rectangles: /);
    expect(res.peak).toBe(256);
    expect(res.liveBound).toBe(256);
    expect(res.status).toBe('optimal');
  });

  it('without its gaps and aliases the same file needs more', () => {
    const p = parseCsv(readFileSync(example, 'utf8'));
    const plain: Problem = { buffers: p.buffers.map(({ gaps: _g, aliasOf: _a, aliasOffset: _o, ...b }) => b) };
    expect(solve(plain).peak).toBeGreaterThan(128);
  });

  it('keeps a plain problem\'s hints unless another method does strictly better', () => {
    const p: Problem = {
      buffers: [
        { id: 'a', start: 0, end: 2, size: 16, hint: 16 },
        { id: 'b', start: 2, end: 4, size: 16, hint: 16 },
        { id: 'c', start: 1, end: 3, size: 16 },
      ],
    };
    const res = solve(p);
    expect(res.methods[0]!.method).toBe('greedy-size-hints');
    expect(res.peak).toBe(32);
    expect(res.method).toBe('greedy-size-hints');
    expect(res.offsets).toEqual([16, 16, 0]);
    // A hint that costs bytes: the plan keeping it (peak 80) loses to one that does not.
    const crowded: Problem = { buffers: [...p.buffers, { id: 'd', start: 0, end: 4, size: 16, hint: 64 }] };
    const r2 = solve(crowded);
    expect(r2.methods[0]).toMatchObject({ method: 'greedy-size-hints', peak: 80 });
    expect(r2.peak).toBe(48);
    expect(r2.method).not.toBe('greedy-size-hints');
    expect(verifyPlan(crowded, r2.offsets).valid).toBe(true);
  });

  it('spills such a problem block by block (test/solve/tiers-tied.test.ts checks it against brute force)', () => {
    const p = importProblem(readFileSync(example, 'utf8'), 'gaps.csv');
    const res = planWithSpill({ ...p, capacity: 100 }, solve({ ...p, capacity: 100 }));
    expect(res.fits).toBe(true);
    expect(res.spill?.how).toBe('blocks');
    const memory = res.spill!.memory;
    expect(verifySpilledPlan(p, memory, res.offsets, 100, { chipPeak: res.peak, ddrPeak: res.spill!.ddrPeak }).errors).toEqual([]);
    // view is the upper half of sum: they spill or stay together.
    expect(memory[p.buffers.findIndex((b) => b.id === 'view')]).toBe(memory[p.buffers.findIndex((b) => b.id === 'sum')]);
  });

  it('spilling block by block when the time limit has passed: what the clock cut in the tiers heuristic reaches the plan (limitCuts)', () => {
    const p = importProblem(readFileSync(example, 'utf8'), 'gaps.csv');
    const whole = solve({ ...p, capacity: 100 });
    // A clock past the deadline from the start: every phase the deadline can cut is cut.
    const late = new Deadline(0, () => 1);
    const res = planWithSpill({ ...p, capacity: 100 }, whole, { deadline: late });
    expect(res.spill?.how).toBe('blocks');
    expect(verifySpilledPlan(p, res.spill!.memory, res.offsets, 100, { chipPeak: res.peak, ddrPeak: res.spill!.ddrPeak }).errors).toEqual([]);
    const cuts = planToJson(p, res).limitCuts ?? [];
    expect(cuts.some((c) => c.startsWith('spill (blocks): '))).toBe(true);
    // On a clock that never moves, nothing is cut, nothing said.
    const still = planWithSpill({ ...p, capacity: 100 }, whole, { deadline: new Deadline(600_000, () => 0) });
    expect((planToJson(p, still).limitCuts ?? []).filter((c) => c.startsWith('spill (blocks): '))).toEqual([]);
  });

  it("refuses GLPK's models for such a problem", async () => {
    const p = importProblem(readFileSync(example, 'utf8'), 'gaps.csv');
    await expect(solveWithGlpk(p)).rejects.toThrow(InputError);
    await expect(solveWithGlpk(p)).rejects.toThrow(/GLPK's models take aliases only where each tied block is a rectangle, and no gaps/);
  });
});
