/**
 * `--capacity` on a TFLite model holds the whole arena a user types in as kTensorArenaSize: TFLM's
 * head and its tail estimate (src/runtime/tflm/arena.ts), spilled or not: the tail is persistent and
 * lives on chip beside the head, so a plan spills within the capacity less the tail
 * (src/plan-model.ts). A capacity the head fits but head + tail does not: the plan spills and fits
 * (JSON fits true only with head + tail within the capacity), or with --no-spill "does NOT fit", exit
 * 3; a capacity the tail alone fills: "does NOT fit: TFLM's tail estimate alone is X", exit 3.
 * Runs build/js/cli.js (npm run build first).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatBytes, formatBytesBoth } from '../src/format/bytes.js';
import { importTflite } from '../src/import/tflite/index.js';
import type { Memory } from '../src/problem/types.js';
import { verifySpilledPlan } from '../src/problem/verify.js';
import { cliRunner } from './helpers/cli.js';
import { buildTflite, FIXTURES } from './helpers/tflite-builder.js';

const { dir, run, file } = cliRunner('arenapack-capacity-tflite-');
const path = file('plain.tflite', buildTflite(FIXTURES.plainFloat()));

interface ArenaJson {
  peak: number;
  status: string;
  arena: { size: number; capacity?: number; fits?: boolean; tflm: { head: number; total: number; tail: { bytes: number } } };
  hints?: { change: string; arena?: number; fits?: boolean }[];
  buffers: { offset: number; memory?: Memory }[];
  /** A subgraph's spill choice: in `subgraphs` (the top level's spill keys are the model's). */
  subgraphs: { spill?: { capacity: number; ddrPeak: number } }[];
}

describe('--capacity on a TFLite model: the whole arena, head + tail estimate', () => {
  const free = JSON.parse(run('plan', path, '--json', '--method', 'heuristic').out) as ArenaJson;
  const { head, total } = free.arena.tflm;
  const tail = free.arena.tflm.tail.bytes;
  // plainFloat: four 32 B tensors, three live at once (96 B), a tail of about 900 B. Between head and
  // head + tail: the head fits, head + tail does not, and the tail leaves the head 64 B (one spill).
  const cap = tail + 64;
  // Below the tail: the head fits the capacity, but the tail alone fills it.
  const belowTail = tail - 16;
  const problem = importTflite(new Uint8Array(readFileSync(path)), path).subgraphs[0]!.problem;

  it('the fixture has a head below both capacities, a tail between them, and a whole arena above them', () => {
    expect(total).toBe(head + tail);
    expect(head).toBeLessThan(belowTail);
    expect(belowTail).toBeLessThan(tail);
    expect(tail).toBeLessThan(cap);
    expect(head).toBeLessThan(cap);
    expect(total).toBeGreaterThan(cap);
  });

  it('head fits, head + tail does not: the plan spills within the capacity less the tail, and fits; the JSON and exit code agree; the plan verifies', () => {
    const r = run('plan', path, '--json', '--method', 'heuristic', '--capacity', String(cap));
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as ArenaJson;
    expect(j.status).toBe('spilled');
    expect(j.subgraphs[0]!.spill!.capacity).toBe(cap - tail);
    expect(j.arena.capacity).toBe(cap); // the user's capacity, not the room the tail leaves
    // fits is true only because the on-chip head and the tail fit the capacity together.
    expect(j.arena.tflm.tail.bytes).toBe(tail);
    expect(j.arena.tflm.total).toBe(j.arena.tflm.head + tail);
    expect(j.arena.tflm.total).toBeLessThanOrEqual(cap);
    expect(j.arena.fits).toBe(true);
    const v = verifySpilledPlan(
      problem,
      j.buffers.map((b) => b.memory ?? 'chip'),
      j.buffers.map((b) => b.offset),
      cap - tail,
      { chipPeak: j.peak, ddrPeak: j.subgraphs[0]!.spill!.ddrPeak },
    );
    expect(v.errors).toEqual([]);
    expect(j.buffers.some((b) => b.memory === 'ddr')).toBe(true);
  });

  it('report: fits after spilling, head + tail against the capacity, and the room the head was given', () => {
    const r = run('plan', path, '--method', 'heuristic', '--capacity', String(cap));
    expect(r.code).toBe(0);
    const j = JSON.parse(run('plan', path, '--json', '--method', 'heuristic', '--capacity', String(cap)).out) as ArenaJson;
    const { head: onChip, total: whole } = j.arena.tflm;
    expect(r.out).toContain(`capacity        ${formatBytes(cap)}: fits after spilling, ${formatBytes(cap - whole)} to spare (head + TFLM's tail estimate, kTensorArenaSize ~ ${formatBytesBoth(whole)})`);
    expect(r.out).toContain(`on chip: head ${formatBytesBoth(onChip)} within the capacity less TFLM's tail estimate, ${formatBytesBoth(cap - tail)}`);
    expect(r.out).toMatch(new RegExp(`^  on-chip room    ${formatBytes(cap - tail)}: does NOT fit all on chip`, 'm'));
    expect(r.out).not.toMatch(/does NOT fit,/);
  });

  it('--no-spill: does NOT fit, by how much, with the tail estimate; exit 3; the hints name the capacity needed and the spill', () => {
    const r = run('plan', path, '--method', 'heuristic', '--capacity', String(cap), '--no-spill');
    expect(r.code).toBe(3);
    expect(r.out).toContain(`capacity        ${formatBytes(cap)}: does NOT fit, ${formatBytes(total - cap)} over (head + TFLM's tail estimate, kTensorArenaSize ~ ${formatBytesBoth(total)})`);
    expect(r.out).toContain(`- a capacity of ${formatBytesBoth(total)}: the plan of every tensor on chip fits it with TFLM's tail estimate (${formatBytesBoth(tail)})`);
    expect(r.out).toMatch(/- spill 1 buffer \(32 B\) to DDR \(without --no-spill\): 64 B on chip \+ TFLM's tail estimate/);
    // The subgraph's part gives no verdict of its own (its plan alone fits): one story, the model's.
    expect(r.out).not.toMatch(/: fits, .* to spare/);
    expect(r.out).toMatch(new RegExp(`^  capacity        ${formatBytes(cap)}: judged for the whole model above \\(TFLM's head and tail\\); this plan alone: `, 'm'));
    const j = JSON.parse(run('plan', path, '--json', '--method', 'heuristic', '--capacity', String(cap), '--no-spill').out) as ArenaJson;
    expect(j.arena).toMatchObject({ capacity: cap, fits: false });
    // The top level says the model's verdict too (it said subgraph 0's plan alone fits: true, with exit 3).
    expect((j as ArenaJson & { fits?: boolean }).fits).toBe(false);
    expect(j.arena.tflm.total).toBe(total);
    expect(j.hints?.[0]).toEqual({ change: 'capacity', arena: total, fits: true });
  });

  it('a capacity the tail alone fills: does NOT fit, the tail named, nothing spilled; exit 3 in the report and the JSON', () => {
    const r = run('plan', path, '--method', 'heuristic', '--capacity', String(belowTail));
    expect(r.code).toBe(3);
    expect(r.out).toContain(`capacity        ${formatBytes(belowTail)}: does NOT fit: TFLM's tail estimate alone is ${formatBytesBoth(tail)}, leaving no room for the head; no spill can help`);
    expect(r.out).toContain(`- spilling: TFLM's tail estimate alone (${formatBytesBoth(tail)}) fills the capacity, no spill can help`);
    expect(r.out).not.toMatch(/after spilling/);
    const j = JSON.parse(run('plan', path, '--json', '--method', 'heuristic', '--capacity', String(belowTail)).out) as ArenaJson;
    expect(j.arena).toMatchObject({ capacity: belowTail, fits: false });
    expect(j.status).not.toBe('spilled');
    expect(j.buffers.every((b) => b.memory !== 'ddr')).toBe(true);
    expect(j.peak).toBeLessThanOrEqual(belowTail);
    expect(j.hints?.[0]).toEqual({ change: 'capacity', arena: total, fits: true });
  });

  it('--jobs (several files in workers), --reorder (and its stored order), --inplace and --svg follow the same rule', () => {
    const single = JSON.parse(run('plan', path, '--json', '--method', 'heuristic', '--capacity', String(cap)).out) as ArenaJson;
    const other = file('plain2.tflite', buildTflite(FIXTURES.plainFloat()));
    const jobs = run('plan', path, other, '--jobs', '2', '--json', '--method', 'heuristic', '--capacity', String(cap));
    expect(jobs.code, jobs.err).toBe(0);
    const [first] = JSON.parse(jobs.out) as { plan: ArenaJson }[];
    expect(first!.plan.buffers).toEqual(single.buffers);
    expect(first!.plan.arena).toEqual(single.arena);
    expect(run('plan', path, other, '--jobs', '2', '--method', 'heuristic', '--capacity', String(belowTail)).code).toBe(3);
    // --reorder: the new order's plan spills within the same room, and the stored order's figures are its one-arena plan.
    const re = run('plan', path, '--json', '--method', 'heuristic', '--capacity', String(cap), '--reorder');
    expect(re.code, re.err).toBe(0);
    const rj = JSON.parse(re.out) as ArenaJson & { storedOrder: { peak: number } };
    expect(rj.arena.fits).toBe(true);
    expect(rj.arena.tflm.total).toBeLessThanOrEqual(cap);
    expect(rj.storedOrder.peak).toBe(free.peak);
    // --inplace: the model planned without it spills under the same rule; the saving compares one-arena plans.
    const ip = run('plan', path, '--json', '--method', 'heuristic', '--capacity', String(cap), '--inplace', 'elementwise');
    expect(ip.code, ip.err).toBe(0);
    const ipj = JSON.parse(ip.out) as ArenaJson & { inplace: { with: number; without: number } };
    expect(ipj.arena.tflm.total).toBeLessThanOrEqual(cap);
    expect(ipj.inplace.without).toBe(free.peak);
    expect(ipj.inplace.with).toBeLessThan(ipj.inplace.without);
    // --svg: the on-chip panel's line is the room the tail leaves, named so.
    const svg = join(dir, 'plain.svg');
    expect(run('plan', path, '--method', 'heuristic', '--capacity', String(cap), '--svg', svg).code).toBe(0);
    expect(readFileSync(svg, 'utf8')).toContain(`capacity - tail ${formatBytes(cap - tail)}`);
  });

  it('a capacity of the whole arena fits: exit 0, no hints', () => {
    const r = run('plan', path, '--json', '--method', 'heuristic', '--capacity', String(total));
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as ArenaJson;
    expect(j.arena).toMatchObject({ capacity: total, fits: true });
    expect(j.hints).toBeUndefined();
    expect(run('plan', path, '--method', 'heuristic', '--capacity', String(total)).out).toContain(`capacity        ${formatBytes(total)}: fits, 0 B to spare (head + TFLM's tail estimate`);
  });
});
