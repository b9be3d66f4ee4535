/**
 * `--time-limit` is one deadline for the whole command, counted from the process's start (README,
 * --time-limit), with several files (`--jobs`) and `--shared-arena` as with one. The process is made
 * to spend longer than the limit before the CLI even loads (a module preloaded with --require that
 * waits): every plan must then be one that the deadline cut (the first method's alone), on any
 * machine. Counted from the start of the planning instead, the limit left the solves all their time.
 * Runs build/js/cli.js (npm run build first).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { builtCli, cliRunner, repoRoot } from './helpers/cli.js';
import { buildTflite, FIXTURES } from './helpers/tflite-builder.js';
import { overrunNote } from '../src/cli-overrun.js';

const { file } = cliRunner('arenapack-time-limit-');
/** A preloaded module that keeps the process busy for 1.2 s before anything else runs. */
const wait = file('wait.cjs', 'const t = Date.now(); while (Date.now() - t < 1200) {}\n');

/** The CLI with `wait` preloaded: the limit of 1 s (given in `args`) has passed before the CLI starts. */
function runLate(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--require', wait, builtCli, ...args], { encoding: 'utf8', cwd: repoRoot });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe('--time-limit counts from the process start with several files', () => {
  it('--jobs: a deadline passed before the planning starts leaves every method but the first out, in each file', () => {
    const a = file('a.csv', 'id,lower,upper,size\na,0,2,64\nb,1,3,32\nc,2,4,48\n');
    const b = file('b.csv', 'id,lower,upper,size\nx,0,3,16\ny,1,2,64\nz,2,4,32\n');
    const r = runLate('plan', a, b, '--jobs', '2', '--time-limit', '1');
    expect(r.code, r.err).toBe(0);
    const reports = r.out.split(/\n(?=\S)/).filter((t) => t.startsWith(a) || t.startsWith(b));
    expect(reports.length).toBe(2);
    for (const t of reports) {
      expect(t).toMatch(/arena needed .* greedy-size/);
      expect(t).toContain('note: naive left out: the time limit was reached');
    }
  });

  it('--shared-arena: each model planned by the first method alone, the others left out by the deadline', () => {
    const a = file('conv_quant.tflite', buildTflite(FIXTURES.convQuant()));
    const b = file('svdf_state.tflite', buildTflite(FIXTURES.svdfState()));
    const r = runLate('plan', a, b, '--shared-arena', '--json', '--time-limit', '1');
    expect(r.code, r.err).toBe(0);
    const models = (JSON.parse(r.out) as { models: { methods: { method: string }[] }[] }).models;
    expect(models.length).toBe(2);
    for (const m of models) expect(m.methods.map((x) => x.method)).toEqual(['greedy-size']);
  });
});

describe('--time-limit below the least time a plan takes', () => {
  // One file planned after its limit has passed: the plan is the first method's alone, and the command
  // ends past the limit whatever it does, so it says so (the report's notes, and limitCuts in --json).
  it('one CSV: the report and --json say the limit is below the least time, and list what it cut', () => {
    const a = file('late.csv', 'id,lower,upper,size\na,0,2,64\nb,1,3,32\nc,2,4,48\n');
    const text = runLate('plan', a, '--time-limit', '1');
    expect(text.code, text.err).toBe(0);
    expect(text.out).toMatch(/note: the time limit \(1\.00 s\) is below the least time a plan of 3 buffers takes here .*: the plan was ready \d+\.\d\d s after the time it had .*so the command ends past the limit/);
    const json = runLate('plan', a, '--time-limit', '1', '--json');
    expect(json.code, json.err).toBe(0);
    const plan = JSON.parse(json.out) as { method: string; limitCuts?: string[] };
    expect(plan.method).toBe('greedy-size');
    expect(plan.limitCuts).toBeDefined();
    expect(plan.limitCuts!.some((c) => c.startsWith('the time limit (1.00 s) is below the least time a plan of 3 buffers takes here'))).toBe(true);
    expect(plan.limitCuts).toContain('naive left out: the time limit was reached');
    for (const c of plan.limitCuts!) expect(c).toMatch(/time limit/);
  });
});

describe('a command that ends more than 10% past its time limit says so', () => {
  it('overrunNote: nothing within 10%; past it, the cause it measured (waiting for the CPU, or work)', () => {
    expect(overrunNote(1000, 1100, 1100)).toBeUndefined();
    expect(overrunNote(1000, 900, 100)).toBeUndefined();
    expect(overrunNote(1000, 1101, 1101)).toMatch(/^the command took 1\.10 s, over its time limit \(1\.00 s\) by more than 10%, on the CPU all along: /);
    expect(overrunNote(1000, 2000, 1599)).toMatch(/^the command took 2\.00 s, .*: it had the CPU for 1\.60 s of them \(other processes held the cores\)/);
    expect(overrunNote(1000, 2000, 1600)).toMatch(/on the CPU all along/);
  });

  // The plan is ready in time (3 buffers) and its outputs then take 1.5 s: the plan's own note (which
  // looks before the outputs) cannot see it, the command's last check does.
  const slowOut = file('slow-out.cjs', [
    'const write = process.stdout.write.bind(process.stdout);',
    'let first = true;',
    'process.stdout.write = (...a) => { if (first) { first = false; const t = Date.now(); while (Date.now() - t < 1500) {} } return write(...a); };',
    '',
  ].join('\n'));
  const sleep = file('sleep.cjs', 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);\n');
  const csv = file('small.csv', 'id,lower,upper,size\na,0,2,64\nb,1,3,32\nc,2,4,48\n');
  const run = (preload: string, ...args: string[]) => {
    const r = spawnSync(process.execPath, ['--require', preload, builtCli, ...args], { encoding: 'utf8', cwd: repoRoot });
    return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
  };

  // Which cause the note gives depends on the machine's load (the busy loop may wait for a core while
  // other tests run): overrunNote's test checks the causes, this one that the note comes.
  it('outputs that make the command late: a note on stderr, the report unchanged', () => {
    const r = run(slowOut, 'plan', csv, '--time-limit', '1');
    expect(r.code, r.err).toBe(0);
    expect(r.out).not.toMatch(/below the least time/);
    expect(r.out).toMatch(/arena needed/);
    expect(r.err).toMatch(/^arenapack: note: the command took \d+\.\d\d s, over its time limit \(1\.00 s\) by more than 10%(, on the CPU all along: |: it had the CPU for )/m);
  });

  it('a process that waited for the CPU: the note says how little of the time it had', () => {
    const r = run(sleep, 'plan', csv, '--time-limit', '1', '--json');
    expect(r.code, r.err).toBe(0);
    expect(() => JSON.parse(r.out) as unknown).not.toThrow();
    expect(r.err).toMatch(/^arenapack: note: the command took \d+\.\d\d s, over its time limit \(1\.00 s\) by more than 10%: it had the CPU for \d+\.\d\d s of them/m);
  });

  it('within the limit: no note', () => {
    const r = spawnSync(process.execPath, [builtCli, 'plan', csv, '--time-limit', '30'], { encoding: 'utf8', cwd: repoRoot });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/over its time limit/);
  });
});
