/**
 * `--capacity` on a TFLite model whose kernels request scratch: TFLM places the scratch in the head
 * at run time, so what must fit the capacity is the head WITH the scratch and the tail estimate,
 * spilled or not (src/plan-model.ts spillPhase, src/runtime/tflm/scratch-room.ts). On the scratch
 * fixtures (one operator: every tensor and every scratch buffer live at once) the smallest on-chip
 * head any spill can reach is the scratch alone, each request rounded up to 16: a capacity of tail +
 * that fits after spilling, 16 B less does not fit (exit 3, the scratch named), and a spilled plan's
 * head holds its on-chip tensors and the scratch together. Before this, a plan spilled to fit the
 * capacity less the tail counted no scratch ("fits after spilling" with the scratch nowhere), and a
 * plan whose tensors fit that room was not spilled though its head with scratch did not fit.
 * Runs build/js/cli.js (npm run build first).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { alignUp } from '../src/format/bytes.js';
import { importTflite } from '../src/import/tflite/index.js';
import type { Memory } from '../src/problem/types.js';
import { verifySpilledPlan } from '../src/problem/verify.js';
import { join } from 'node:path';
import { cliRunner } from './helpers/cli.js';
import { sharedDir } from './helpers/shared.js';
import { scratchFixtures } from './helpers/scratch-fixtures.js';
import { buildTflite } from './helpers/tflite-builder.js';

const { run, file } = cliRunner('arenapack-capacity-scratch-');

interface Json {
  peak: number;
  status: string;
  arena: { fits?: boolean; tflm: { head: number; total: number; tail: { bytes: number } } };
  buffers: { id: string; size: number; offset: number; memory?: Memory }[];
  /** A subgraph's spill choice: in `subgraphs` (the top level's spill keys are the model's). */
  subgraphs: { spill?: { capacity: number; ddrPeak: number; spilled: string[] } }[];
  spillFailure?: string;
}

const plan = (path: string, ...args: string[]): { code: number; json: Json; err: string } => {
  const r = run('plan', path, '--json', '--method', 'heuristic', ...args);
  return { code: r.code, json: JSON.parse(r.out) as Json, err: r.err };
};

describe('--capacity with kernel scratch: the head with its scratch must fit, spilled or not', () => {
  for (const fx of scratchFixtures()) {
    const path = file(`${fx.name}.tflite`, buildTflite(fx.spec));
    const scratch = fx.scratch.reduce((a, b) => a + alignUp(b, 16), 0);
    const problem = importTflite(new Uint8Array(readFileSync(path)), path).subgraphs[0]!.problem;
    // The plan with no capacity, read by both tests: run once, by whichever asks first.
    let freeRun: Json | undefined;
    const freePlan = (): Json => (freeRun ??= plan(path).json);

    it(`${fx.name}: tail + scratch fits after spilling; 16 B less does not, and says the scratch must stay on chip`, () => {
      const free = freePlan();
      const tail = free.arena.tflm.tail.bytes;
      expect(free.arena.tflm.head).toBeGreaterThan(scratch); // the fixture's tensors take room beside the scratch

      const tight = plan(path, '--capacity', String(tail + scratch));
      expect(tight.code, tight.err).toBe(0);
      expect(tight.json.status).toBe('spilled');
      expect(tight.json.arena.fits).toBe(true);
      expect(tight.json.arena.tflm.head).toBe(scratch);
      expect(tight.json.arena.tflm.total).toBeLessThanOrEqual(tail + scratch);

      const under = plan(path, '--capacity', String(tail + scratch - 16));
      expect(under.code).toBe(3);
      expect(under.json.arena.fits).toBe(false);
      expect(under.json.spillFailure).toContain("the kernels' scratch TFLM places in the head must stay on chip");
      // The report's spill hint tells the same: no spill can make room.
      const report = run('plan', path, '--method', 'heuristic', '--capacity', String(tail + scratch - 16));
      expect(report.code).toBe(3);
      expect(report.out).toMatch(/- spilling: .*the kernels' scratch TFLM places in the head must stay on chip/);
    });

    it(`${fx.name}: between the scratch and the head, the spilled head holds the on-chip tensors and the scratch; the plan verifies`, () => {
      const free = freePlan();
      const tail = free.arena.tflm.tail.bytes;
      const cap = tail + free.arena.tflm.head - 16;
      const r = plan(path, '--capacity', String(cap));
      expect(r.code, r.err).toBe(0);
      expect(r.json.status).toBe('spilled');
      const onChip = r.json.buffers.filter((b) => (b.memory ?? 'chip') === 'chip').reduce((a, b) => a + alignUp(b.size, 16), 0);
      // One operator: every on-chip tensor and the scratch are live together.
      expect(r.json.arena.tflm.head).toBeGreaterThanOrEqual(onChip + scratch);
      expect(r.json.arena.tflm.head + tail).toBeLessThanOrEqual(cap);
      const v = verifySpilledPlan(
        problem,
        r.json.buffers.map((b) => b.memory ?? 'chip'),
        r.json.buffers.map((b) => b.offset),
        r.json.subgraphs[0]!.spill!.capacity,
      );
      expect(v.errors).toEqual([]);
    });
  }
});

const corpus = sharedDir('models/tflite');

describe('--reorder on a model with kernel scratch: the orders are compared on the same kind of plan', () => {
  // keyword_scrambled_8bit: TFLM's head is smallest with the plan that leaves room for the SVDF scratch
  // (672 B of tensors' top against 288 B without), so the new order's TFLM plan and the stored order's
  // plain plan differ though no operator moves.
  it.skipIf(corpus === undefined)('nothing moved: the reordered best peak is the stored one (was "-133.33% lower": the new order with room for scratch against the stored one without)', () => {
    const r = run('plan', join(corpus!, 'tfmicro_keyword_scrambled_8bit.tflite'), '--reorder', '--method', 'heuristic');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('(room for scratch)'); // the TFLM plan kept is the one with room for scratch
    const peak = (label: string): string => r.out.match(new RegExp(`${label}\\s+live bound [^,]+, best peak (.+?) \\(`))![1]!;
    expect(r.out).toMatch(/ 0 of \d+ operators moved/);
    expect(peak('reordered')).toBe(peak('stored order'));
    expect(r.out).toContain('best peak 0.00% lower');
  });
});
