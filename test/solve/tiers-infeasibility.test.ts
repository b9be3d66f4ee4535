/**
 * tiersInfeasibility: the facts that prove a tiers instance has no plan before any search (a buffer
 * larger than every memory it may use; a step over all the memories together), checked against brute
 * force, and named by the planner and the CLI.
 */
import { describe, expect, it } from 'vitest';
import type { Buffer, MemoryTier, Problem } from '../../src/problem/types.js';
import { planTiers, tierInstance } from '../../src/solve/tiers/index.js';
import { tiersInfeasibility, unitTooLarge } from '../../src/solve/tiers/infeasibility.js';
import { bruteForceTiers } from '../helpers/brute-force.js';
import { cliRunner } from '../helpers/cli.js';
import { rng } from '../helpers/problems.js';

/** 3-6 buffers over 2-3 memories, every memory bounded (0.15-0.9 of the live bound each), some buffers restricted. */
function bounded(seed: number, restricted = 0.25): { problem: Problem; memories: MemoryTier[] } {
  const r = rng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const k = int(2, 3);
  const names = ['tcm', 'sram', 'ddr'].slice(3 - k);
  const buffers: Buffer[] = [];
  for (let i = 0, n = int(3, 6); i < n; i++) {
    const start = int(0, 4);
    const b: Buffer = { id: `b${i}`, size: int(1, 64), start, end: start + int(1, 4) };
    if (r() < restricted) b.memories = names.filter(() => r() < 0.5).concat(names[int(0, k - 1)]!);
    buffers.push(b);
  }
  let live = 0;
  for (let t = 0; t < 10; t++) live = Math.max(live, buffers.reduce((s, b) => s + (b.start <= t && t < b.end ? b.size : 0), 0));
  const memories = names.map((name, m): MemoryTier => ({ name, cost: m + 1, capacity: Math.max(1, Math.round(live * (0.15 + 0.75 * r()))) }));
  return { problem: { buffers }, memories };
}

describe('tiersInfeasibility: a reason only when no plan exists (brute force)', () => {
  it('500 random instances (300 bounded, 200 with an unbounded last memory and more buffers restricted): every reason given is right, and each kind of reason occurs', () => {
    let named = 0;
    let byBuffer = 0;
    let byStep = 0;
    let byMemories = 0;
    for (let seed = 1; seed <= 500; seed++) {
      const { problem, memories } = bounded(seed, seed > 300 ? 0.6 : 0.25);
      // Seeds past 300: the last memory unbounded, so only a buffer's own memories can make it infeasible at a step.
      if (seed > 300) delete memories[memories.length - 1]!.capacity;
      const why = tiersInfeasibility(tierInstance(problem, memories));
      if (why === undefined) continue;
      named++;
      if (why.startsWith('buffer')) byBuffer++;
      if (why.startsWith('at step') && why.includes('more than all the memories')) byStep++;
      if (why.startsWith('at step') && why.includes('that may use only')) byMemories++;
      expect(bruteForceTiers(problem, memories), `seed ${seed}: ${why}`).toBe(Infinity);
    }
    expect(byBuffer).toBeGreaterThan(5);
    expect(byStep).toBeGreaterThan(5);
    expect(byMemories).toBeGreaterThan(2);
    expect(named).toBe(byBuffer + byStep + byMemories);
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

describe('counts and nouns agree (issue #10: "the 1 aliased to it ... is larger")', () => {
  const two: MemoryTier[] = [{ name: 'sram', cost: 1, capacity: 64 }, { name: 'ddr', cost: 5, capacity: 64 }];
  const block = (aliases: number): Problem => ({
    buffers: [{ id: 'x', size: 100, start: 0, end: 6 }, ...Array.from({ length: aliases }, (_, k) => ({ id: `y${k}`, size: 10, start: 1 + k, end: 2 + k, aliasOf: 'x', aliasOffset: 10 * k }))],
  });
  it('one alias: "the buffer aliased to it ... are larger"; two: "the 2 buffers"', () => {
    expect(unitTooLarge(tierInstance(block(1), two))?.reason).toBe('buffer "x" and the buffer aliased to it (100 B together) are larger than every memory they may use (sram 64 B, ddr 64 B)');
    expect(unitTooLarge(tierInstance(block(2), two))?.reason).toBe('buffer "x" and the 2 buffers aliased to it (100 B together) are larger than every memory they may use (sram 64 B, ddr 64 B)');
  });
});

describe("buffers' own memories: a step over the memories they may use is named (issue #10)", () => {
  const memories: MemoryTier[] = [{ name: 'sram', cost: 1, capacity: 100 }, { name: 'ddr', cost: 10 }];
  it('two sram-only buffers over sram at one step: the step, the buffers and the memory, status infeasible, how "checked", before any search', async () => {
    const problem: Problem = { buffers: [{ id: 'a', size: 60, start: 0, end: 2, memories: ['sram'] }, { id: 'b', size: 60, start: 1, end: 3, memories: ['sram'] }, { id: 'c', size: 10, start: 0, end: 3 }] };
    const plan = await planTiers(problem, memories);
    expect([plan.status, plan.how, plan.rounds]).toEqual(['infeasible', 'checked', 0]);
    expect(plan.failure).toBe('at step 1 2 buffers that may use only sram are live with 120 B ("a" 60 B, "b" 60 B), more than sram holds 100 B');
    expect(bruteForceTiers(problem, memories)).toBe(Infinity);
  });
  it('buffers pinned to the first memory count with those that name it; two memories named: both capacities', async () => {
    const three: MemoryTier[] = [{ name: 'tcm', cost: 1, capacity: 40 }, { name: 'sram', cost: 2, capacity: 50 }, { name: 'ddr', cost: 10 }];
    const problem: Problem = {
      buffers: [
        { id: 'p', size: 30, start: 0, end: 4, spillable: false },
        { id: 'q', size: 35, start: 2, end: 5, memories: ['tcm', 'sram'] },
        { id: 'r', size: 30, start: 1, end: 3, memories: ['sram', 'tcm'] },
        { id: 's', size: 500, start: 0, end: 5 },
      ],
    };
    const plan = await planTiers(problem, three);
    expect([plan.status, plan.how, plan.failure]).toEqual(['infeasible', 'checked', 'at step 2 3 buffers that may use only tcm or sram are live with 95 B ("q" 35 B, "p" 30 B, "r" 30 B), more than tcm and sram hold 90 B together (tcm 40 B + sram 50 B)']);
    expect(bruteForceTiers(problem, three)).toBe(Infinity);
  });
  it('a problem that fits is left to the search (no reason given)', () => {
    const problem: Problem = { buffers: [{ id: 'a', size: 50, start: 0, end: 2, memories: ['sram'] }, { id: 'b', size: 50, start: 1, end: 3, memories: ['sram'] }] };
    expect(tiersInfeasibility(tierInstance(problem, memories))).toBeUndefined();
  });
  it('CLI: the report names them; --json says how "checked", rounds 0', () => {
    const { run, file } = cliRunner('arenapack-tiers-own-');
    const json = file('own.json', JSON.stringify({ memories, buffers: [{ id: 'a', start: 0, end: 2, size: 60, memories: ['sram'] }, { id: 'b', start: 1, end: 3, size: 60, memories: ['sram'] }] }));
    const r = run('plan', json);
    expect(r.code).toBe(3);
    expect(r.out).toContain('status: infeasible: at step 1 2 buffers that may use only sram are live with 120 B ("a" 60 B, "b" 60 B), more than sram holds 100 B');
    const j = run('plan', json, '--json');
    expect(j.code).toBe(3);
    const parsed = JSON.parse(j.out) as { how: string; rounds: number; failure: string };
    expect([parsed.how, parsed.rounds]).toEqual(['checked', 0]);
    expect(parsed.failure).toMatch(/^at step 1 2 buffers that may use only sram/);
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
