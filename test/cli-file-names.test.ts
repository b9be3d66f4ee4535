/**
 * Issue #10: a file name with a newline, ESC or another control character is shown escaped (as
 * src/format/printable.ts printable() shows tensor names: `\n`, `\x1b`) in every message and output —
 * the report, errors, the summary of several files, the C header, the SVG and the trace — from real
 * files whose names hold those characters. The JSON carries the name as given (as it carries tensor
 * names), JSON's own escapes keeping every control character out of the text.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRunner } from './helpers/cli.js';
import { buildTflite, FIXTURES } from './helpers/tflite-builder.js';

const { dir, run, file } = cliRunner('arenapack-names-');

/** A name part with a line break and an escape sequence (clear the screen). */
const BAD = 'x\n\x1b[2Jy';
/** How it must be shown. */
const SHOWN = 'x\\n\\x1b[2Jy';

/** Text with no raw control character but the line breaks of its own lines, and none of BAD's line break. */
function clean(text: string): void {
  expect(text).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
  expect(text).not.toContain('x\n');
  expect(text).not.toMatch(/^\x1b|^\[2Jy/m);
}

describe('file names with control characters are shown escaped', () => {
  const csv = file(`spill${BAD}.csv`, 'id,lower,upper,size\nimg,0,2,24576\nc1,1,3,40960\nc2,2,4,32768\nres,1,5,16384\nhead,4,6,8192\n');
  const model = file(`model${BAD}.tflite`, buildTflite(FIXTURES.chain()));

  it("the argument parser's own errors: an unknown option, command or choice quoting what was given", () => {
    for (const [args, shown] of [
      [['plan', `-${BAD}.csv`], `unknown option '-${SHOWN}.csv'`],
      [[`pl${BAD}an`, 'a.csv'], `unknown command 'pl${SHOWN}an'`],
      [['plan', '--method', BAD, 'a.csv'], `argument '${SHOWN}' is invalid`],
    ] as const) {
      const r = run(...args);
      expect(r.code).toBe(2);
      clean(r.err);
      expect(r.err).toContain(shown);
    }
  });

  it('a CSV: the report, the SVG, the trace; an error in the file; a missing file; --out on the input', () => {
    const r = run('plan', csv, '--capacity', '64KiB', '--svg', join(dir, 'p.svg'), '--trace', join(dir, 'p.trace.json'));
    expect(r.code).toBe(0);
    clean(r.out);
    expect(r.out).toContain(`spill${SHOWN}.csv: 5 buffers`);
    clean(readFileSync(join(dir, 'p.svg'), 'utf8'));
    clean(readFileSync(join(dir, 'p.trace.json'), 'utf8'));
    const bad = run('plan', file(`bad${BAD}.csv`, 'id,lower,upper,size\na,0,2,x\n'));
    expect(bad.code).toBe(2);
    clean(bad.err);
    expect(bad.err).toContain(`bad${SHOWN}.csv:2: buffer "a"`);
    const missing = run('plan', join(dir, `none${BAD}.csv`));
    expect(missing.code).toBe(2);
    clean(missing.err);
    expect(missing.err).toContain(`none${SHOWN}.csv: cannot read`);
    const self = run('plan', csv, '--out', csv);
    expect(self.code).toBe(2);
    clean(self.err);
    expect(self.err).toContain(`--out ${join(dir, `spill${SHOWN}.csv`)} is the input`);
  });

  it('a model: the report (TFLM lines too), --json, the C header, the SVG', () => {
    const header = join(dir, 'm.h');
    const r = run('plan', model, '--capacity', '64KiB', '--header', header, '--svg', join(dir, 'm.svg'));
    expect(r.code).toBe(0);
    clean(r.out);
    expect(r.out).toContain(`model${SHOWN}.tflite: TensorFlow Lite Micro`);
    const h = readFileSync(header, 'utf8');
    clean(h);
    expect(h.split('\n')[0]).toContain(`model${SHOWN}.tflite`);
    clean(readFileSync(join(dir, 'm.svg'), 'utf8'));
    const json = run('plan', model, '--json');
    expect(json.code).toBe(0);
    clean(json.out);
    // The JSON carries the name as given, as it carries tensor names: JSON's own escapes (\n, \u001b) keep it printable.
    expect((JSON.parse(json.out) as { model: string }).model).toBe(model);
    const inspect = run('inspect', model);
    expect(inspect.code).toBe(0);
    clean(inspect.out);
  });

  it('several files: the summary and each report', () => {
    const r = run('plan', csv, model, '--capacity', '64KiB');
    expect(r.code).toBe(0);
    clean(r.out);
    clean(r.err);
    expect(r.out).toContain(`spill${SHOWN}.csv`);
    expect(r.out).toContain(`model${SHOWN}.tflite`);
  });
});

describe('JSON outputs escape C1 controls and bidi marks (issue #10: JSON.stringify leaves them raw)', () => {
  /** An id with NEL and CSI (C1), a right-to-left override, an isolate, DEL. */
  const ID = 'r\u0085s\u009b2J\u202et\u2066u\u007fv';
  /** Characters that must not stand raw in a JSON text the CLI writes. */
  const RAW = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
  const csv = file('c1.csv', `id,lower,upper,size\n${ID},0,2,64\nb,1,3,32\n`);
  const ids = (text: string): string[] => (JSON.parse(text) as { buffers: { id: string }[] }).buffers.map((b) => b.id);

  it('plan --json, --out .json, --trace: escaped as \\uXXXX, the id the same when parsed', () => {
    const out = join(dir, 'c1.plan.json');
    const trace = join(dir, 'c1.trace.json');
    const r = run('plan', csv, '--json', '--out', out, '--trace', trace);
    expect(r.code).toBe(0);
    for (const text of [r.out, readFileSync(out, 'utf8'), readFileSync(trace, 'utf8')]) expect(text).not.toMatch(RAW);
    for (const text of [r.out, readFileSync(out, 'utf8')]) expect(text).toContain('r\\u0085s\\u009b2J\\u202et\\u2066u\\u007fv');
    expect(ids(r.out)).toEqual([ID, 'b']);
    expect(ids(readFileSync(out, 'utf8'))).toEqual([ID, 'b']);
    JSON.parse(readFileSync(trace, 'utf8'));
  });

  it('--capacity, memory tiers, several files with --json: the same', () => {
    const spill = run('plan', csv, '--capacity', '64', '--json');
    const tiers = run('plan', csv, '--memory', 'sram=64:1', '--memory', 'ddr:5', '--json');
    const several = run('plan', csv, csv, '--json');
    for (const r of [spill, tiers, several]) {
      expect(r.code).toBe(0);
      expect(r.out).not.toMatch(RAW);
      expect(r.out).toContain('r\\u0085s\\u009b2J\\u202et\\u2066u\\u007fv');
    }
    expect(ids(spill.out)).toEqual([ID, 'b']);
    expect(ids(tiers.out)).toEqual([ID, 'b']);
    expect((JSON.parse(several.out) as { plan: { buffers: { id: string }[] } }[]).map((e) => e.plan.buffers[0]!.id)).toEqual([ID, ID]);
  });
});

describe('a file name that is not valid UTF-8 (issue #10: reported as ENOENT though the file exists)', () => {
  it('says so plainly: the name is not valid UTF-8, rename it (exit 2)', () => {
    const { cli, dir: where } = cliRunner('arenapack-utf8-');
    // The name's bytes as the shell passes them: b a d 0xff . c s v (Node decodes 0xff as U+FFFD).
    writeFileSync(Buffer.concat([Buffer.from(`${where}/bad`), Buffer.from([0xff]), Buffer.from('.csv')]), 'id,lower,upper,size\na,0,2,10\n');
    const r = spawnSync('sh', ['-c', `"$0" "$1" plan "$(printf '%s/bad\\377.csv' "$2")"`, process.execPath, cli, where], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('bad\ufffd.csv: cannot read: the file name is not valid UTF-8 as given');
    expect(r.stderr).toContain('rename the file');
    expect(r.stderr).not.toContain('ENOENT');
  });
});

describe('`-` as the input (standard input to many tools)', () => {
  it('says arenapack reads named files only, and how to save it (exit 2, no ENOENT)', () => {
    const { cli, dir: where } = cliRunner('arenapack-stdin-');
    const r = spawnSync(process.execPath, [cli, 'plan', '-'], { encoding: 'utf8', cwd: where, input: 'id,lower,upper,size\na,0,2,10\n' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("arenapack: -: no such file: arenapack does not read standard input (a file's format comes from its name): save it to a file first, e.g. `cat > problem.csv`\n");
  });
});
