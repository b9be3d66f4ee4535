// Memory tiers short of time (issue #10): when the planner cuts one arena into bands it asks nothing of
// GLPK, so planTiers does not load it (its module and WASM count in --time-limit: 20,000 buffers over three
// memories at 1 s spent ~0.4 s outside the planner). The time left comes from a clock that stands still.
import { describe, expect, it, vi } from 'vitest';
import { liveBound } from '../../src/problem/bounds.js';
import type { MemoryTier } from '../../src/problem/types.js';
import { verifyTieredPlan } from '../../src/problem/verify.js';
import { Deadline } from '../../src/solve/deadline.js';
import { scatteredProblem } from '../helpers/problems.js';

vi.mock('../../src/solve/ilp/glpk.js', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../src/solve/ilp/glpk.js')>();
  return { ...m, loadGlpk: vi.fn(m.loadGlpk) };
});

const { loadGlpk } = await import('../../src/solve/ilp/glpk.js');
const { planTiers } = await import('../../src/solve/tiers/index.js');
const { BANDS_MIN_BUFFERS, HEURISTIC_MS_PER_BUFFER, heuristicEstimateMs, tiersTakeBands } = await import('../../src/solve/tiers/planner.js');
const { spillPlanner } = await import('../../src/solve/spill.js');

describe('planTiers loads GLPK only when the planner may ask it', () => {
  const n = BANDS_MIN_BUFFERS + 904;
  const p = scatteredProblem(n, 3);
  const lb = liveBound(p);
  const memories: MemoryTier[] = [
    { name: 'tcm', capacity: Math.floor(lb / 4), cost: 1 },
    { name: 'sram', capacity: Math.floor(lb / 2), cost: 2 },
    { name: 'ddr', capacity: 4 * lb, cost: 10 },
  ];
  const stillAt = (ms: number): Deadline => new Deadline(ms, () => 0);

  it('short of time (the bands): not loaded, and the plan is the bands\', verified', async () => {
    const deadline = stillAt(n * HEURISTIC_MS_PER_BUFFER * 0.9);
    expect(tiersTakeBands(p, memories, { deadline }, { spill: spillPlanner })).toBe(true);
    vi.mocked(loadGlpk).mockClear();
    const plan = await planTiers(p, memories, { method: 'greedy-size', deadline });
    expect(vi.mocked(loadGlpk)).not.toHaveBeenCalled();
    expect(plan.how).toBe('bands');
    expect(verifyTieredPlan(p, memories, plan.memory, plan.offsets, plan.usage.map((u) => u.used)).errors).toEqual([]);
  });

  it('with the time the heuristic\'s estimate asks for (or below BANDS_MIN_BUFFERS buffers): loaded, as before', async () => {
    const deadline = stillAt(heuristicEstimateMs(n) * 1.1);
    expect(tiersTakeBands(p, memories, { deadline }, { spill: spillPlanner })).toBe(false);
    // 12 buffers: GLPK's models are small (each of its calls ends by its own work, the clock standing still).
    const small = scatteredProblem(12, 3, 4);
    const slb = liveBound(small);
    const few: MemoryTier[] = [
      { name: 'tcm', capacity: Math.floor(slb / 2), cost: 1 },
      { name: 'sram', capacity: slb, cost: 2 },
      { name: 'ddr', cost: 10 },
    ];
    expect(tiersTakeBands(small, few, { deadline: stillAt(0) }, { spill: spillPlanner })).toBe(false);
    vi.mocked(loadGlpk).mockClear();
    const plan = await planTiers(small, few, { method: 'greedy-size', deadline: stillAt(60_000) });
    expect(vi.mocked(loadGlpk)).toHaveBeenCalled();
    expect(plan.how).not.toBe('bands');
  });
});
