/**
 * tiersInfeasibility: the facts that prove a tiers instance has no plan before any search (a buffer
 * larger than every memory it may use; a step over all the memories together), checked against brute
 * force, and named by the planner and the CLI.
 */
import { describe, expect, it } from 'vitest';
import type { Buffer, MemoryTier, Problem } from '../../src/problem/types.js';
import { planTiers, tierInstance } from '../../src/solve/tiers/index.js';
import { tiersInfeasibility } from '../../src/solve/tiers/infeasibility.js';
import { bruteForceTiers } from '../helpers/brute-force.js';
import { cliRunner } from '../helpers/cli.js';
import { rng } from '../helpers/problems.js';

/** 3-6 buffers over 2-3 memories, every memory bounded (0.15-0.9 of the live bound each), some buffers restricted. */
function bounded(seed: number): { problem: Problem; memories: MemoryTier[] } {
  const r = rng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const k = int(2, 3);
  const names = ['tcm', 'sram', 'ddr'].slice(3 - k);
  const buffers: Buffer[] = [];
  for (let i = 0, n = int(3, 6); i < n; i++) {
    const start = int(0, 4);
    const b: Buffer = { id: `b${i}`, size: int(1, 64), start, end: start + int(1, 4) };
    if (r() < 0.25) b.memories = names.filter(() => r() < 0.5).concat(names[int(0, k - 1)]!);
    buffers.push(b);
  }
  let live = 0;
  for (let t = 0; t < 10; t++) live = Math.max(live, buffers.reduce((s, b) => s + (b.start <= t && t < b.end ? b.size : 0), 0));
  const memories = names.map((name, m): MemoryTier => ({ name, cost: m + 1, capacity: Math.max(1, Math.round(live * (0.15 + 0.75 * r()))) }));
  return { problem: { buffers }, memories };
}

describe('tiersInfeasibility: a reason only when no plan exists (brute force)', () => {
  it('300 random bounded instances: every reason given is right, and both kinds of reason occur', () => {
    let named = 0;
    let byBuffer = 0;
    let byStep = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const { problem, memories } = bounded(seed);
      const why = tiersInfeasibility(tierInstance(problem, memories));
      if (why === undefined) continue;
      named++;
      if (why.startsWith('buffer')) byBuffer++;
      if (why.startsWith('at step')) byStep++;
      expect(bruteForceTiers(problem, memories), `seed ${seed}: ${why}`).toBe(Infinity);
    }
    expect(byBuffer).toBeGreaterThan(5);
    expect(byStep).toBeGreaterThan(5);
    expect(named).toBe(byBuffer + byStep);
  });

  it('an unbounded last memory: no step reason (everything fits there)', () => {
    const problem: Problem = { buffers: [{ id: 'a', size: 100, start: 0, end: 2 }, { id: 'b', size: 100, start: 0, end: 2 }] };
    expect(tiersInfeasibility(tierInstance(problem, [{ name: 'sram', cost: 1, capacity: 64 }, { name: 'ddr', cost: 5 }]))).toBeUndefined();
  });

  it('the planner names the buffer and the step, status infeasible, before any search', async () => {
    const problem: Problem = { buffers: [{ id: 'a', size: 100, start: 0, end: 2 }, { id: 'b', size: 200, start: 1, end: 3 }, { id: 'c', size: 50, start: 2, end: 4 }] };
    const big = await planTiers(problem, [{ name: 'sram', cost: 1, capacity: 128 }, { name: 'psram', cost: 5, capacity: 128 }]);
    expect([big.status, big.failure]).toEqual(['infeasible', 'buffer "b" (200 B) is larger than every memory it may use (sram 128 B, psram 128 B)']);
    const busy: Problem = { buffers: ['x', 'y', 'z'].map((id) => ({ id, size: 100, start: 0, end: 1 })) };
    const step = await planTiers(busy, [{ name: 'sram', cost: 1, capacity: 128 }, { name: 'psram', cost: 5, capacity: 128 }]);
    expect([step.status, step.failure]).toEqual(['infeasible', 'at step 0 300 B are live ("x" 100 B, "y" 100 B, "z" 100 B), more than all the memories hold together (sram 128 B + psram 128 B = 256 B)']);
  });
});

describe('CLI: an infeasible --memory plan says which buffer or step', () => {
  const { run, file } = cliRunner('arenapack-tiers-why-');
  it('a buffer larger than every memory: exit 3, named in the report and the JSON', () => {
    const csv = file('big.csv', 'id,lower,upper,size\na,0,2,100\nb,1,3,200\nc,2,4,50\n');
    const r = run('plan', csv, '--memory', 'sram=128:1', '--memory', 'psram=128:5');
    expect(r.code).toBe(3);
    expect(r.out).toContain('status: infeasible: buffer "b" (200 B) is larger than every memory it may use (sram 128 B, psram 128 B)');
    const j = run('plan', csv, '--memory', 'sram=128:1', '--memory', 'psram=128:5', '--json');
    expect(j.code).toBe(3);
    expect((JSON.parse(j.out) as { failure: string }).failure).toMatch(/^buffer "b" \(200 B\) is larger/);
  });
});
