/**
 * `--capacity` on a TFLite model holds the whole arena a user types in as kTensorArenaSize: TFLM's
 * head and its tail estimate (src/runtime/tflm/arena.ts). A capacity the head fits but head + tail
 * does not: "does NOT fit" in the report and the JSON, exit 3, and the capacity needed with the tail.
 * Runs build/js/cli.js (npm run build first).
 */
import { describe, expect, it } from 'vitest';
import { formatBytes, formatBytesBoth } from '../src/format/bytes.js';
import { cliRunner } from './helpers/cli.js';
import { buildTflite, FIXTURES } from './helpers/tflite-builder.js';

const { run, file } = cliRunner('arenapack-capacity-tflite-');
const path = file('plain.tflite', buildTflite(FIXTURES.plainFloat()));

interface ArenaJson {
  peak: number;
  arena: { capacity?: number; fits?: boolean; tflm: { head: number; total: number; tail: { bytes: number } } };
  hints?: { change: string; arena?: number; fits?: boolean }[];
}

describe('--capacity on a TFLite model: the whole arena, head + tail estimate', () => {
  const free = JSON.parse(run('plan', path, '--json', '--method', 'heuristic').out) as ArenaJson;
  const { head, total } = free.arena.tflm;
  // Between the two: the head fits, head + tail does not.
  const cap = head + Math.floor((total - head) / 2);

  it('the fixture has a head below the capacity and a whole arena above it', () => {
    expect(total).toBe(head + free.arena.tflm.tail.bytes);
    expect(head).toBeLessThan(cap);
    expect(total).toBeGreaterThan(cap);
  });

  it('JSON: fits false, exit 3, the capacity needed is the whole arena (nothing spilled: the head fits)', () => {
    const r = run('plan', path, '--json', '--method', 'heuristic', '--capacity', String(cap));
    expect(r.code, r.err).toBe(3);
    const j = JSON.parse(r.out) as ArenaJson;
    expect(j.arena).toMatchObject({ capacity: cap, fits: false });
    expect(j.arena.tflm.total).toBe(total);
    expect(j.peak).toBeLessThanOrEqual(cap);
    expect(j.hints?.[0]).toEqual({ change: 'capacity', arena: total, fits: true });
  });

  it('report: does NOT fit, by how much, with the tail estimate; the capacity needed says so too', () => {
    const r = run('plan', path, '--method', 'heuristic', '--capacity', String(cap));
    expect(r.code).toBe(3);
    expect(r.out).toContain(`capacity        ${formatBytes(cap)}: does NOT fit, ${formatBytes(total - cap)} over (head + TFLM's tail estimate, kTensorArenaSize ~ ${formatBytesBoth(total)})`);
    expect(r.out).toContain(`- a capacity of ${formatBytesBoth(total)}: the plan of every tensor on chip fits it with TFLM's tail estimate (${formatBytesBoth(total - head)})`);
    // The subgraph's part gives no verdict of its own (its plan alone fits): one story, the model's.
    expect(r.out).not.toMatch(/: fits, .* to spare/);
    expect(r.out).toMatch(new RegExp(`^  capacity        ${formatBytes(cap)}: judged for the whole model above \\(TFLM's head and tail\\); this plan alone: `, 'm'));
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
