import { describe, expect, it } from 'vitest';
import { BASELINE_MAX_BUFFERS, BASELINE_MAX_WORK, problemBefore } from '../../src/export/report.js';
import { GREEDY_PLANNER_NAME } from '../../src/runtime/tflm/greedy-planner.js';
import { greedyPlan, type PlannerBuffer } from '../../src/runtime/tflm/greedy-planner.js';
import { greedyPlanOfProblem } from '../../src/runtime/tflm/greedy-planner.js';
import { verifyPlan } from '../../src/problem/verify.js';
import { liveBound } from '../../src/problem/bounds.js';
import type { Problem } from '../../src/problem/types.js';
import { rng } from '../helpers/problems.js';

const overlap = (a: PlannerBuffer, b: PlannerBuffer): boolean => a.first <= b.last && b.first <= a.last;

/**
 * Brute reasoning, written from TFLM's description rather than its loop: offline buffers keep their
 * offsets; online ones are taken largest first, ties by *later* addition first (TFLM fills the
 * online part of its array from the tail, then bubble-sorts it stably); each goes to the lowest
 * offset (tried byte by byte) where it collides with no earlier-placed buffer live at the same time.
 */
function bruteForce(buffers: readonly PlannerBuffer[]): number[] {
  const offsets = new Array<number>(buffers.length).fill(-1);
  const done: number[] = [];
  const ids = buffers.map((_, i) => i);
  const online = ids.filter((i) => buffers[i]!.offline === undefined).sort((a, b) => buffers[b]!.size - buffers[a]!.size || b - a);
  for (const i of ids.filter((i) => buffers[i]!.offline !== undefined)) {
    offsets[i] = buffers[i]!.offline!;
    done.push(i);
  }
  for (const i of online) {
    const want = buffers[i]!;
    for (let x = 0; ; x++) {
      const clash = done.some((j) => overlap(buffers[j]!, want) && x < offsets[j]! + buffers[j]!.size && offsets[j]! < x + want.size);
      if (!clash) {
        offsets[i] = x;
        break;
      }
    }
    done.push(i);
  }
  return offsets;
}

function randomBuffers(r: () => number, withOffline: boolean): PlannerBuffer[] {
  const n = 1 + Math.floor(r() * 9);
  return Array.from({ length: n }, () => {
    const first = Math.floor(r() * 6);
    // Now and then last < first (a tensor TFLM never marks used): TFLM's overlap test still decides.
    const last = r() < 0.1 ? first - 1 - Math.floor(r() * 3) : first + Math.floor(r() * 4);
    const b: PlannerBuffer = { size: 16 * (1 + Math.floor(r() * 4)), first, last };
    if (withOffline && r() < 0.4) b.offline = 16 * Math.floor(r() * 8);
    return b;
  });
}

describe('greedyPlan (TFLM GreedyMemoryPlanner)', () => {
  it('places every online buffer at the lowest free offset among earlier-placed live buffers (2,000 random cases vs brute force)', () => {
    const r = rng(11);
    for (let k = 0; k < 2000; k++) {
      const buffers = randomBuffers(r, k % 2 === 1);
      const got = greedyPlan(buffers);
      const want = bruteForce(buffers);
      expect(got.offsets, JSON.stringify(buffers)).toEqual(want);
      expect(got.size).toBe(Math.max(...buffers.map((b, i) => want[i]! + b.size)));
    }
  });

  it('never overlaps two online buffers live at the same time, and keeps every offline offset', () => {
    const r = rng(5);
    for (let k = 0; k < 500; k++) {
      const buffers = randomBuffers(r, true);
      const { offsets } = greedyPlan(buffers);
      buffers.forEach((a, i) => {
        if (a.offline !== undefined) expect(offsets[i]).toBe(a.offline);
        buffers.forEach((b, j) => {
          if (j <= i || a.offline !== undefined || !overlap(a, b)) return;
          const apart = offsets[i]! + a.size <= offsets[j]! || offsets[j]! + b.size <= offsets[i]!;
          expect(apart, JSON.stringify({ buffers, offsets })).toBe(true);
        });
      });
    }
  });

  it('breaks size ties by the later-added buffer first, as TFLM does', () => {
    // Two 32-byte buffers and a 16-byte one live together: the second-added 32 goes to 0.
    expect(greedyPlan([
      { size: 32, first: 0, last: 1 },
      { size: 32, first: 0, last: 1 },
      { size: 16, first: 0, last: 1 },
    ]).offsets).toEqual([32, 0, 64]);
  });

  it('puts scratch in a gap the offline plan leaves, or above the top', () => {
    const offline: PlannerBuffer[] = [
      { size: 64, first: 0, last: 1, offline: 0 },
      { size: 32, first: 1, last: 2, offline: 96 },
    ];
    // At step 1 the gap [64, 96) is free: a 32-byte scratch fits, a 48-byte one goes on top (128).
    expect(greedyPlan([...offline, { size: 32, first: 1, last: 1 }]).offsets[2]).toBe(64);
    const above = greedyPlan([...offline, { size: 48, first: 1, last: 1 }]);
    expect(above.offsets[2]).toBe(128);
    expect(above.size).toBe(176);
  });

  it('returns size 0 for no buffers', () => {
    expect(greedyPlan([])).toEqual({ offsets: [], size: 0 });
  });
});

describe('greedyPlanOfProblem (the reports\' "before" for a CSV or JSON problem)', () => {
  it('is greedyPlan on the buffers with inclusive lifetimes and aligned sizes; its plan verifies', () => {
    const r = rng(5);
    for (let k = 0; k < 300; k++) {
      const align = [1, 4, 16][k % 3]!;
      const n = 1 + Math.floor(r() * 10);
      const problem: Problem = {
        buffers: Array.from({ length: n }, (_, i) => {
          const start = Math.floor(r() * 8);
          return { id: `b${i}`, size: 1 + Math.floor(r() * 40), start, end: start + 1 + Math.floor(r() * 4), align };
        }),
      };
      const got = greedyPlanOfProblem(problem);
      const want = greedyPlan(problem.buffers.map((b) => ({ size: Math.ceil(b.size / align) * align, first: b.start, last: b.end - 1 })));
      expect(got).toEqual(want);
      // The offsets verify; the size is in rounded sizes, so at least the real top.
      expect(verifyPlan(problem, got.offsets).errors).toEqual([]);
      expect(got.size).toBeGreaterThanOrEqual(Math.max(...problem.buffers.map((b, i) => got.offsets[i]! + b.size)));
      expect(got.size).toBeGreaterThanOrEqual(liveBound(problem));
    }
  });
});

describe('greedyPlan on crowded lifetimes', () => {
  /** The lowest offset free of every earlier-placed live buffer, tried at 0 and at each one's end. */
  function lowestFree(buffers: readonly PlannerBuffer[]): number[] {
    const offsets = new Array<number>(buffers.length).fill(-1);
    const done: number[] = [];
    const online = buffers.map((_, i) => i).sort((a, b) => buffers[b]!.size - buffers[a]!.size || b - a);
    for (const i of online) {
      const want = buffers[i]!;
      const live = done.filter((j) => overlap(buffers[j]!, want));
      const tries = [0, ...live.map((j) => offsets[j]! + buffers[j]!.size)].sort((a, b) => a - b);
      offsets[i] = tries.find((x) => live.every((j) => x >= offsets[j]! + buffers[j]!.size || offsets[j]! >= x + want.size))!;
      done.push(i);
    }
    return offsets;
  }

  it('gives the lowest free offset when dozens of buffers live at once (50 random cases of 150 buffers)', () => {
    const r = rng(5);
    for (let k = 0; k < 50; k++) {
      const buffers: PlannerBuffer[] = Array.from({ length: 150 }, () => {
        const first = Math.floor(r() * 8);
        return { size: 1 + Math.floor(r() * 100), first, last: first + Math.floor(r() * 12) };
      });
      expect(greedyPlan(buffers).offsets).toEqual(lowestFree(buffers));
    }
  });
});

describe('the report\'s "before" line at scale', () => {
  it('is TFLite\'s planner up to BASELINE_MAX_BUFFERS buffers, and left out above (saying why), by the size alone', () => {
    const buffers = (n: number): Problem['buffers'] => Array.from({ length: n }, (_, i) => ({ id: `b${i}`, size: 16, start: i, end: i + 1 }));
    expect(problemBefore({ buffers: buffers(100) })).toEqual({ name: GREEDY_PLANNER_NAME, peak: 16 });
    expect(problemBefore({ buffers: buffers(BASELINE_MAX_BUFFERS + 1) })).toBe(`TFLite's greedy planner is left out above ${BASELINE_MAX_BUFFERS} buffers (a second full placement)`);
  });

  it('is left out past BASELINE_MAX_WORK (many buffers live at once), by its work, not the clock', () => {
    // 3,000 buffers all live at once: each meets every other (~4.5e6) and sorts the placed (~k log k): past 2^23.
    const dense: Problem = { buffers: Array.from({ length: 3000 }, (_, i) => ({ id: `d${i}`, size: 1 + (i % 97), start: 0, end: 5 })) };
    expect(problemBefore(dense)).toMatch(/^TFLite's greedy planner is left out past 2\^23 units of its work \(a second full placement; 3000 buffers, many live at once\)$/);
    // The same number of buffers one after another: far below it, computed.
    const chain: Problem = { buffers: dense.buffers.map((b, i) => ({ ...b, start: i, end: i + 1 })) };
    expect(problemBefore(chain)).toEqual({ name: GREEDY_PLANNER_NAME, peak: 97 });
    // greedyPlan with a work cap: the same plan as without when under it, undefined past it.
    const planner = (p: Problem): PlannerBuffer[] => p.buffers.map((b) => ({ size: b.size, first: b.start, last: b.end - 1 }));
    expect(greedyPlan(planner(chain), BASELINE_MAX_WORK)).toEqual(greedyPlan(planner(chain)));
    expect(greedyPlan(planner(dense), BASELINE_MAX_WORK)).toBeUndefined();
    expect(greedyPlan(planner(dense)).size).toBeGreaterThan(0);
  });
});
