import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { problemToCsv } from '../../src/export/csv.js';
import { modelTrace, planTrace, problemTrace, TRACE_US_PER_STEP, traceText, type Trace, type TraceEvent } from '../../src/export/trace.js';
import { importTflite } from '../../src/import/tflite/index.js';
import { highWaterProfile, liveProfile } from '../../src/problem/profile.js';
import type { Problem } from '../../src/problem/types.js';
import { planWithSpill } from '../../src/solve/spill.js';
import { solveVerified } from '../helpers/plan.js';
import { randomProblem } from '../helpers/problems.js';
import { buildTflite, FIXTURES } from '../helpers/tflite-builder.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(join(tmpdir(), 'arenapack-trace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The Trace Event Format's rules for the events arenapack writes (Google's "Trace Event Format" spec,
 * JSON Object Format): every event has name, ph, ts (µs), pid, tid; X has a non-negative dur; C's
 * args are numbers; M names a process or thread; and complete events on one thread nest (here: they
 * never overlap, since no buffer contains another's range on one lane).
 */
function checkTraceFormat(t: Trace): void {
  expect(Array.isArray(t.traceEvents)).toBe(true);
  expect(['ms', 'ns']).toContain(t.displayTimeUnit);
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of t.traceEvents) {
    expect(typeof e.name).toBe('string');
    expect(['X', 'C', 'M']).toContain(e.ph);
    expect(Number.isFinite(e.ts) && e.ts >= 0).toBe(true);
    expect(Number.isSafeInteger(e.pid) && Number.isSafeInteger(e.tid)).toBe(true);
    if (e.ph === 'X') {
      expect(Number.isFinite(e.dur) && e.dur! >= 0).toBe(true);
      const k = `${e.pid}/${e.tid}`;
      byThread.set(k, [...(byThread.get(k) ?? []), e]);
    }
    if (e.ph === 'C') for (const v of Object.values(e.args!)) expect(typeof v).toBe('number');
    if (e.ph === 'M') {
      expect(['process_name', 'thread_name', 'process_sort_index']).toContain(e.name);
      expect(e.args).toBeDefined();
    }
  }
  for (const slices of byThread.values()) {
    const s = [...slices].sort((a, b) => a.ts - b.ts);
    for (let k = 1; k < s.length; k++) expect(s[k]!.ts).toBeGreaterThanOrEqual(s[k - 1]!.ts + s[k - 1]!.dur!);
  }
}

const slices = (t: Trace): TraceEvent[] => t.traceEvents.filter((e) => e.ph === 'X');
const processNames = (t: Trace): Map<number, string> =>
  new Map(t.traceEvents.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => [e.pid, String(e.args!['name'])]));

describe('the plan as a Chrome / Perfetto trace', () => {
  it('one slice per buffer over its steps, offset and size in args; counters follow the profiles', () => {
    const problem = randomProblem(60, 3);
    const plan = solveVerified(problem, { method: 'greedy-size' });
    const t = JSON.parse(traceText(problemTrace(problem, plan, 'r.csv'))) as Trace;
    checkTraceFormat(t);
    expect([...processNames(t).values()]).toEqual(['on chip']);
    const xs = slices(t);
    expect(xs).toHaveLength(problem.buffers.length);
    const seen = new Set<number>();
    for (const e of xs) {
      const i = Number(e.args!['buffer']);
      const b = problem.buffers[i]!;
      seen.add(i);
      expect(e.name).toBe(b.id);
      expect(e.ts).toBe(b.start * TRACE_US_PER_STEP);
      expect(e.dur).toBe((b.end - b.start) * TRACE_US_PER_STEP);
      expect(e.args).toMatchObject({ offset: plan.offsets[i], size: b.size, end: plan.offsets[i]! + b.size });
    }
    expect(seen.size).toBe(problem.buffers.length);
    // The high-water counter's largest value is the plan's peak; bytes live peaks at the live bound.
    const counter = (name: string): number[] => t.traceEvents.filter((e) => e.ph === 'C' && e.name === name).map((e) => Number(e.args!['bytes']));
    expect(Math.max(...counter('high-water mark'))).toBe(plan.peak);
    expect(Math.max(...counter('bytes live'))).toBe(plan.liveBound);
    expect(counter('bytes live').slice(0, -1)).toEqual(liveProfile(problem).values);
    expect(counter('high-water mark').slice(0, -1)).toEqual(highWaterProfile(problem, plan.offsets).values);
  });

  it('lanes: overlapping buffers go on different threads, a buffer that starts when another ends may share one', () => {
    const problem: Problem = {
      buffers: [
        { id: 'a', size: 4, start: 0, end: 2 },
        { id: 'b', size: 4, start: 1, end: 3 },
        { id: 'c', size: 4, start: 2, end: 4 },
      ],
    };
    const t = planTrace([{ name: 'm', problem, idx: [0, 1, 2], offsets: [0, 4, 0], labels: ['a', 'b', 'c'] }], 'x');
    checkTraceFormat(t);
    const tid = Object.fromEntries(slices(t).map((e) => [e.name, e.tid]));
    expect(tid['a']).not.toBe(tid['b']);
    expect(tid['c']).toBe(tid['a']);
  });

  it('a spilled plan: a track per memory, each buffer on the one it lives in', () => {
    const problem = randomProblem(30, 7);
    const whole = solveVerified(problem, { method: 'greedy-size' });
    const capacity = Math.floor(whole.peak * 0.6);
    const capped = { ...problem, capacity };
    const plan = planWithSpill(capped, solveVerified(capped, { method: 'greedy-size' }), { method: 'greedy-size' });
    expect(plan.spill).toBeDefined();
    const t = problemTrace(problem, plan, 'r.csv');
    checkTraceFormat(t);
    const names = processNames(t);
    expect([...names.values()]).toEqual(['on chip', 'DDR']);
    for (const e of slices(t)) {
      const i = Number(e.args!['buffer']);
      expect(names.get(e.pid)).toBe(plan.spill!.memory[i] === 'chip' ? 'on chip' : 'DDR');
    }
    expect(slices(t).filter((e) => names.get(e.pid) === 'DDR')).toHaveLength(plan.spill!.spilled.length);
  });

  it('a model: slices named by tensor with the tensor kind; the file name only, not its folders', () => {
    const model = importTflite(buildTflite(FIXTURES.chain()), '/home/someone/models/chain.tflite', { align: 1 });
    const plans = model.subgraphs.map((sg) => solveVerified(sg.problem, { method: 'greedy-size' }));
    const text = traceText(modelTrace(model, plans));
    expect(text).not.toContain('/home/someone');
    const t = JSON.parse(text) as Trace;
    checkTraceFormat(t);
    expect(slices(t).map((e) => e.name).sort()).toEqual(['conv', 'input', 'logits', 'relu']);
    expect(slices(t).find((e) => e.name === 'input')!.cat).toBe('input');
    expect(traceText(modelTrace(model, plans))).toBe(text); // deterministic
  });

  it('arenapack plan --trace FILE writes it (CSV and model); a failing run writes nothing', () => {
    const cli = join(root, 'build', 'js', 'cli.js');
    const problem = randomProblem(20, 4);
    const csv = join(dir, 'p.csv');
    writeFileSync(csv, problemToCsv(problem));
    const out = join(dir, 'p.trace.json');
    const r = spawnSync(process.execPath, [cli, 'plan', csv, '--method', 'greedy-size', '--trace', out], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const t = JSON.parse(readFileSync(out, 'utf8')) as Trace;
    checkTraceFormat(t);
    expect(slices(t)).toHaveLength(20);
    const model = join(dir, 'chain.tflite');
    writeFileSync(model, buildTflite(FIXTURES.chain()));
    const mt = join(dir, 'chain.trace.json');
    expect(spawnSync(process.execPath, [cli, 'plan', model, '--trace', mt], { encoding: 'utf8' }).status).toBe(0);
    expect(slices(JSON.parse(readFileSync(mt, 'utf8')) as Trace)).toHaveLength(4);
    // All or none: --trace on the input is refused before anything is written.
    const before = readdirSync(dir).sort();
    const bad = spawnSync(process.execPath, [cli, 'plan', model, '--trace', model], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--trace .*never overwrites its input/);
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});

describe('trace of a large plan', () => {
  it('200,000 buffers over 200,000 steps: no spread of the input into arguments (it overflowed the stack)', () => {
    const n = 200_000;
    // Buffer i lives at step i alone, all at offset 0: one lane, a counter event per step.
    const problem = { buffers: Array.from({ length: n }, (_, i) => ({ id: `b${i}`, start: i, end: i + 1, size: 1 + (i % 7) })) };
    const t = problemTrace(problem, { offsets: new Array<number>(n).fill(0) }, 'big.csv');
    const slices = t.traceEvents.filter((e) => e.ph === 'X');
    expect(slices).toHaveLength(n);
    expect(t.traceEvents.filter((e) => e.name === 'thread_name')).toHaveLength(1);
    expect(Math.max(...slices.slice(0, 10).map((e) => e.ts))).toBe(9 * TRACE_US_PER_STEP);
  });
});
