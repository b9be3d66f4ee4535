import { formatBytes } from '../../src/format/bytes.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { problemToCsv } from '../../src/export/csv.js';
import { importModelFile } from '../../src/import/model-file.js';
import { planModel } from '../../src/plan-model.js';
import type { Memory } from '../../src/problem/types.js';
import { verifyPlan, verifySpilledPlan } from '../../src/problem/verify.js';
import { solve } from '../../src/solve/solve.js';
import { planWithSpill } from '../../src/solve/spill.js';
import { fileDeadline, outputsReserveMs, planFiles, REPORT_MS_PER_BUFFER, summaryRow } from '../../src/worker/plan-files.js';
import { JSON_OUTPUT_MS_PER_BUFFER } from '../../src/cli-io.js';
import { Deadline } from '../../src/solve/deadline.js';
import { randomProblem } from '../helpers/problems.js';
import { FIXTURES, buildTflite } from '../helpers/tflite-builder.js';

const dir = mkdtempSync(join(tmpdir(), 'arenapack-plan-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, data: string | Uint8Array): string => {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
};

const p1 = randomProblem(120, 1);
const p2 = randomProblem(80, 2);
const a = write('a.csv', problemToCsv(p1));
const b = write('b.csv', problemToCsv(p2));
const modelBytes = buildTflite(FIXTURES.chain());
const m = write('chain.tflite', modelBytes);
const bad = write('bad.csv', 'id,lower,upper,size\nx,0,2,8\nneg,1,3,-4\n');

function collect(): { out: string[]; err: string[]; output: { out(t: string): void; err(t: string): void } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, output: { out: (t) => out.push(t), err: (t) => err.push(t) } };
}

describe('planFiles (arenapack plan a b … --jobs N)', () => {
  it('prints one report per file in the order given, and exits 0 when all planned', async () => {
    const c = collect();
    const code = await planFiles([a, b, m], { jobs: 2, method: 'greedy-size' }, c.output);
    expect(code).toBe(0);
    expect(c.err).toEqual([]);
    expect(c.out).toHaveLength(4);
    expect(c.out[0]).toContain(a);
    expect(c.out[1]).toContain(b);
    expect(c.out[2]).toContain('chain.tflite — subgraph 0');
    const peak1 = solve(p1, { method: 'greedy-size' });
    expect(c.out[0]).toContain(`(${peak1.peak} B)`);
    // Then one summary table, a row per file: arena, bound, status, capacity.
    const table = c.out[3]!.trim().split('\n');
    expect(table[0]).toBe('summary: 3 files');
    expect(table[1]).toMatch(/^ +file +arena +lower bound +status +capacity$/);
    expect(table.slice(2).map((r) => r.trim().split(/ {2,}/)[0])).toEqual([a, b, m]);
    expect(table[2]).toContain(` ${formatBytes(peak1.peak)}  `);
    expect(table[2]!.trim().split(/ {2,}/).slice(2)).toEqual([formatBytes(peak1.bound), peak1.status === 'optimal' ? 'optimal' : `gap ${(peak1.gap * 100).toFixed(1)}%`, '-']);
  });

  it('--json: one array of plans, each valid and equal to inline solve()', async () => {
    const c = collect();
    const code = await planFiles([a, b, m], { jobs: 2, method: 'greedy-size', json: true }, c.output);
    expect(code).toBe(0);
    const entries = JSON.parse(c.out.join('')) as { file: string; plan: { peak: number; buffers: { offset: number }[] } }[];
    expect(entries.map((e) => e.file)).toEqual([a, b, m]);
    const problems = [p1, p2, importModelFile(modelBytes, m).subgraphs[0]!.problem];
    entries.forEach((e, i) => {
      const offsets = e.plan.buffers.map((x) => x.offset);
      expect(verifyPlan(problems[i]!, offsets, e.plan.peak).valid).toBe(true);
      expect(offsets).toEqual(solve(problems[i]!, { method: 'greedy-size' }).offsets);
    });
  });

  it('reports a bad file on stderr, plans the others, and exits non-zero', async () => {
    const c = collect();
    const code = await planFiles([a, bad, join(dir, 'missing.csv'), b], { jobs: 1 }, c.output);
    expect(code).toBe(2);
    expect(c.out).toHaveLength(3);
    expect(c.out[2]).toMatch(/bad\.csv +- +- +error \(exit 2\)/);
    expect(c.err).toHaveLength(2);
    expect(c.err[0]).toMatch(/bad\.csv.*neg/);
    expect(c.err[1]).toMatch(/missing\.csv: cannot read/);
  });

  it('exits 3 when a plan does not fit the capacity', async () => {
    const c = collect();
    const code = await planFiles([b], { capacity: 1024, json: true, spill: false }, c.output);
    expect(code).toBe(3);
    const [entry] = JSON.parse(c.out.join('')) as { plan: { peak: number; fits: boolean; buffers: { offset: number }[] } }[];
    expect(entry!.plan.fits).toBe(false);
    expect(verifyPlan(p2, entry!.plan.buffers.map((x) => x.offset), entry!.plan.peak).valid).toBe(true);
    // Spilling (the default) fits it: exit 0, the same plan as inline, verified over both memories.
    const s = collect();
    expect(await planFiles([b], { capacity: 1024, json: true }, s.output)).toBe(0);
    const [spilled] = JSON.parse(s.out.join('')) as { plan: { peak: number; status: string; buffers: { offset: number; memory: Memory }[]; spill: { ddrPeak: number } } }[];
    expect(spilled!.plan.status).toBe('spilled');
    const bs = spilled!.plan.buffers;
    const v = verifySpilledPlan(p2, bs.map((x) => x.memory), bs.map((x) => x.offset), 1024, { chipPeak: spilled!.plan.peak, ddrPeak: spilled!.plan.spill.ddrPeak });
    expect(v.errors).toEqual([]);
    const capped = { ...p2, capacity: 1024 };
    expect(bs.map((x) => x.offset)).toEqual(planWithSpill(capped, solve(capped)).offsets);
  });

  it('a model under a capacity: the same report and JSON (capacity, fits, arena) as planning it alone', async () => {
    const model = importModelFile(modelBytes, m);
    const peak = solve(model.subgraphs[0]!.problem).peak;
    // A TFLite model fits when its whole TFLM arena does: head + tail estimate.
    const free = collect();
    await planFiles([m], { json: true }, free.output);
    const whole = (JSON.parse(free.out.join('')) as { plan: { arena: { tflm: { total: number } } } }[])[0]!.plan.arena.tflm.total;
    for (const [capacity, code] of [[whole, 0], [peak - 1, 3]] as const) {
      const c = collect();
      expect(await planFiles([m], { capacity, json: true, spill: false }, c.output)).toBe(code);
      const [entry] = JSON.parse(c.out.join('')) as { plan: { peak: number; capacity: number; fits: boolean; arena: { capacity: number; fits: boolean }; buffers: { offset: number }[] } }[];
      expect(entry!.plan.capacity).toBe(capacity);
      expect(entry!.plan.fits).toBe(code === 0);
      expect(entry!.plan.arena).toMatchObject({ capacity, fits: code === 0 });
      expect(verifyPlan(model.subgraphs[0]!.problem, entry!.plan.buffers.map((x) => x.offset), entry!.plan.peak).valid).toBe(true);
      const t = collect();
      await planFiles([m], { capacity, spill: false }, t.output);
      expect(t.out.join('')).toMatch(code === 0 ? /capacity .*: fits/ : /capacity .*: does NOT fit/);
    }
    // With spilling (the default) the tight capacity fits after spilling, as planModel() inline plans it.
    const c = collect();
    expect(await planFiles([m], { capacity: peak - 1, json: true }, c.output)).toBe(0);
    const [entry] = JSON.parse(c.out.join('')) as { plan: { status: string; arena: { fits: boolean }; buffers: { offset: number }[] } }[];
    expect(entry!.plan.status).toBe('spilled');
    expect(entry!.plan.arena.fits).toBe(true);
    const inline = planModel(importModelFile(modelBytes, m), {}, peak - 1).results[0]!;
    expect(entry!.plan.buffers.map((x) => x.offset)).toEqual(inline.offsets);
  });
});

describe('summaryRow: a model\'s row says the worst of its subgraphs', () => {
  const p1 = { buffers: [{ id: 'a', size: 8, start: 0, end: 2 }, { id: 'b', size: 8, start: 1, end: 3 }] };
  const p2 = { buffers: [{ id: 'x', size: 64, start: 0, end: 2 }, { id: 'y', size: 32, start: 1, end: 3 }] };
  const optimal = solve(p1);
  const second = solve(p2);
  it('optimal only when every subgraph is; else the largest gap; a spilled subgraph makes the row spilled', () => {
    expect(optimal.status).toBe('optimal');
    expect(second.status).toBe('optimal');
    expect(summaryRow([optimal, second], 16, undefined, 0, []).status).toBe('optimal');
    const gapped = { ...second, status: 'feasible' as const, gap: 0.25 };
    expect(summaryRow([optimal, gapped], 16, undefined, 0, []).status).toBe('gap 25.0%');
    const spilled = planWithSpill(p2, second, {}, 64);
    expect(spilled.spill).toBeDefined();
    expect(verifySpilledPlan(p2, spilled.spill!.memory, spilled.offsets, 64).valid).toBe(true);
    const row = summaryRow([optimal, spilled], 16, 64, 0, []);
    expect([row.status, row.fits, row.bound]).toEqual(['spilled', 'fits after spilling', optimal.bound]);
  });
});

describe('summaryRow compares like with like after spilling (issue #10 trial: an on-chip arena under the all-on-chip bound)', () => {
  it('a spilled file\'s bound is the bound of what stays on chip, never above its on-chip arena', () => {
    // x and y overlap: 96 B all on chip; within 64 B, x stays (64 B) and y spills.
    const p = { buffers: [{ id: 'x', size: 64, start: 0, end: 2 }, { id: 'y', size: 32, start: 1, end: 3 }] };
    const spilled = planWithSpill(p, solve(p), {}, 64);
    expect(verifySpilledPlan(p, spilled.spill!.memory, spilled.offsets, 64).valid).toBe(true);
    expect(spilled.spill!.whole.bound).toBe(96);
    const row = summaryRow([spilled], spilled.peak, 64, 0, []);
    expect(row.arena).toBe(64);
    expect(row.bound).toBe(spilled.bound);
    expect(row.bound).toBeLessThanOrEqual(row.arena!);
  });
});

describe('fileDeadline', () => {
  it('cuts the time left into a slot per round of files: a round ends by its slot, the last by the command\'s end', () => {
    let t = 1000;
    const end = new Deadline(5000, () => t);
    // 4 files, 2 at a time: 2 rounds of 2 s each from now (1 s); the second round ends with the command.
    expect([0, 1, 2, 3].map((i) => fileDeadline(end, i, 4, 2).endMs)).toEqual([3000, 3000, 5000, 5000]);
    // 5 files, 2 at a time: 3 rounds.
    expect([0, 1, 2, 3, 4].map((i) => Math.round(fileDeadline(end, i, 5, 2).endMs))).toEqual([2333, 2333, 3667, 3667, 5000]);
    // One round (files <= jobs): the command's deadline itself.
    expect(fileDeadline(end, 1, 2, 2)).toBe(end);
    // Read later: the slots are of what is left then, on the same clock.
    t = 3000;
    const d = fileDeadline(end, 0, 4, 2);
    expect(d.endMs).toBe(4000);
    expect(d.leftMs()).toBe(1000);
  });
});

describe('outputsReserveMs', () => {
  it("keeps back the outputs the main thread writes after the last round's solves: every file's JSON, the other files' reports", () => {
    // One file at the end: its report is in what solve() keeps back; its JSON is not.
    expect(outputsReserveMs(100_000, 1, false)).toBe(0);
    expect(outputsReserveMs(100_000, 1, true)).toBeCloseTo(100_000 * JSON_OUTPUT_MS_PER_BUFFER);
    // Two files end together: one more report, and both JSONs.
    expect(outputsReserveMs(100_000, 2, false)).toBeCloseTo(100_000 * REPORT_MS_PER_BUFFER);
    expect(outputsReserveMs(100_000, 2, true)).toBeCloseTo(100_000 * (2 * JSON_OUTPUT_MS_PER_BUFFER + REPORT_MS_PER_BUFFER));
    // Grows with the buffers and the files of the round.
    expect(outputsReserveMs(200_000, 3, false)).toBeCloseTo(4 * outputsReserveMs(100_000, 2, false));
    expect(outputsReserveMs(0, 4, true)).toBe(0);
  });
});
