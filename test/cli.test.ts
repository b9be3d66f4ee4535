import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../src/import/csv.js';
import { verifyPlan } from '../src/problem/verify.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'build', 'js', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'arenapack-cli-'));

function run(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const CSV = 'id,lower,upper,size\nb1,0,3,4\nb2,3,9,4\nb3,0,9,4\nb4,9,21,4\nb5,0,21,4\n';

describe('arenapack plan', () => {
  it('prints the report for the built-in example and says whether it fits', () => {
    const r = run('plan', 'examples/small-cnn.csv', '--capacity', '256KiB');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/live bound\s+144.00 KiB \(147456 B\)/);
    expect(r.out).toMatch(/greedy-size/);
    expect(r.out).toMatch(/slots-inorder/);
    expect(r.out).toMatch(/capacity 256.00 KiB: fits, 112.00 KiB to spare/);
  });

  it('--json prints exactly the promised keys, and the plan verifies', () => {
    const f = file('p.csv', CSV);
    const r = run('plan', f, '--json', '--capacity', '12');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    for (const k of ['peak', 'liveBound', 'status', 'method', 'buffers']) expect(j).toHaveProperty(k);
    expect(j.peak).toBe(12);
    expect(j.liveBound).toBe(12);
    expect(j.status).toBe('optimal');
    expect(j.fits).toBe(true);
    expect(Object.keys(j.buffers[0]).sort()).toEqual(['end', 'id', 'offset', 'size', 'start']);
    const problem = parseCsv(CSV);
    expect(verifyPlan(problem, j.buffers.map((b: { offset: number }) => b.offset), j.peak).valid).toBe(true);
  });

  it('exits 3 when the plan does not fit the capacity', () => {
    const r = run('plan', file('q.csv', CSV), '--capacity', '11');
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/does NOT fit/);
    expect(r.out).toMatch(/infeasible/);
  });

  it('writes --out as a MiniMalloc solution CSV or as JSON', () => {
    const f = file('s.csv', CSV);
    const outCsv = join(dir, 'sol.csv');
    expect(run('plan', f, '--out', outCsv, '--method', 'greedy-size').code).toBe(0);
    const sol = parseCsv(readFileSync(outCsv, 'utf8'));
    expect(verifyPlan(parseCsv(CSV), sol.buffers.map((b) => b.offset!)).valid).toBe(true);
    const outJson = join(dir, 'sol.json');
    expect(run('plan', f, '--out', outJson).code).toBe(0);
    expect(JSON.parse(readFileSync(outJson, 'utf8')).peak).toBe(12);
  });

  it.each([
    [['plan', 'missing.csv'], /missing.csv: cannot read \(ENOENT\)/],
    [['plan', 'BAD', '--capacity', 'lots'], /--capacity: "lots" is not a size/],
    [['plan', 'BAD'], /bad.csv:3: buffer "b2": size "x" is not a safe integer/],
    [['plan', 'DUP'], /dup.csv: buffer "a": id is used twice/],
    [['plan', 'BAD', '--method', 'magic'], /argument 'magic' is invalid/],
    [['plan', 'BAD', '--time-limit', '-1'], /--time-limit/],
    [['frobnicate'], /unknown command/],
  ])('%j: a clear error, exit 2, nothing written', (args, msg) => {
    const bad = file('bad.csv', 'id,lower,upper,size\nb1,0,1,4\nb2,0,1,x\n');
    const dup = file('dup.csv', 'id,lower,upper,size\na,0,1,4\na,0,1,4\n');
    const out = join(dir, `never-${Math.random().toString(36).slice(2)}.json`);
    const argv = args.map((a) => (a === 'BAD' ? bad : a === 'DUP' ? dup : a));
    const r = run(...argv, '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(msg);
    expect(existsSync(out)).toBe(false);
  });
});
