import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capacityUnitNote, internalErrorText, JSON_OUTPUT_MS_PER_BUFFER, JSON_OUTPUT_PER_READ, planDeadline, secondsOption, UsageError, writeAllAtomic } from '../src/cli-io.js';
import { cliRunner } from './helpers/cli.js';
import { Deadline } from '../src/solve/deadline.js';
import { InputError } from '../src/problem/errors.js';

describe('writeAllAtomic', () => {
  it('writes every file, or none when one cannot be written, and leaves no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'arenapack-io-'));
    writeAllAtomic([
      [join(dir, 'a.json'), '{}'],
      [join(dir, 'b.svg'), new Uint8Array([60, 47, 62])],
    ]);
    expect(readFileSync(join(dir, 'a.json'), 'utf8')).toBe('{}');
    expect(readFileSync(join(dir, 'b.svg'), 'utf8')).toBe('</>');

    mkdirSync(join(dir, 'is-a-dir'));
    writeFileSync(join(dir, 'a-file'), '');
    for (const bad of [join(dir, 'no', 'such', 'dir.h'), join(dir, 'is-a-dir'), join(dir, 'a-file', 'under-a-file.h')]) {
      const first = join(dir, `first-${bad.length}.json`);
      expect(() => writeAllAtomic([[first, '{}'], [bad, 'x']])).toThrow(InputError);
      expect(() => writeAllAtomic([[first, '{}'], [bad, 'x']])).toThrow(/cannot write \((ENOENT|EISDIR|ENOTDIR)\)/);
      expect(existsSync(first)).toBe(false);
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('writes through a symbolic link (the link stays, its target gets the content); a dangling link is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'arenapack-io-'));
    writeFileSync(join(dir, 'target.json'), 'old');
    symlinkSync('target.json', join(dir, 'link.json'));
    writeAllAtomic([[join(dir, 'link.json'), '{"new":1}']]);
    expect(lstatSync(join(dir, 'link.json')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'target.json'), 'utf8')).toBe('{"new":1}');
    symlinkSync('nowhere/x.json', join(dir, 'dangling.json'));
    expect(() => writeAllAtomic([[join(dir, 'dangling.json'), '{}']])).toThrow(/dangling\.json: cannot write \(ENOENT\)/);
    expect(lstatSync(join(dir, 'dangling.json')).isSymbolicLink()).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it.skipIf(process.platform === 'win32')('writes to a FIFO directly (a shell\'s >(...)): it stays a FIFO and its reader gets the content', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arenapack-io-'));
    const fifo = join(dir, 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // The reader: cat, killed after 20 s so that a broken writer cannot hang the suite.
    const reader = spawn('cat', [fifo], { timeout: 20_000 });
    let got = '';
    reader.stdout.on('data', (d: Buffer) => (got += d.toString()));
    const done = new Promise<number | null>((ok) => reader.on('close', ok));
    writeAllAtomic([[join(dir, 'a.json'), '{}'], [fifo, 'through the pipe']]);
    expect(await done).toBe(0);
    expect(got).toBe('through the pipe');
    expect(statSync(fifo).isFIFO()).toBe(true);
    expect(readFileSync(join(dir, 'a.json'), 'utf8')).toBe('{}');
  });
});

describe('internalErrorText', () => {
  it('escapes control characters in an unexpected error, its message and its stack', () => {
    const text = internalErrorText(new Error('bad tensor "x\x1b[2J\u202e"'));
    expect(text.startsWith('arenapack: Error: bad tensor "x\\x1b[2J\\u202e"')).toBe(true);
    expect(text).not.toMatch(/[\x1b\u202e]/);
    expect(text.endsWith('\n')).toBe(true);
    // Not an Error: its text, escaped the same way.
    expect(internalErrorText('odd\x07')).toBe('arenapack: odd\\x07\n');
  });
});

describe('planDeadline', () => {
  it('keeps back the JSON outputs\' time per buffer from the plan, the command\'s deadline otherwise', () => {
    const end = new Deadline(10_000, () => 0);
    // A million buffers: 2.5 s a JSON output (--json, --out), none for the text report alone.
    expect(planDeadline(end, 1_000_000, {}).endMs).toBe(10_000);
    expect(planDeadline(end, 1_000_000, { json: true }).endMs).toBe(10_000 - 1_000_000 * JSON_OUTPUT_MS_PER_BUFFER);
    expect(planDeadline(end, 1_000_000, { json: true, out: 'plan.json' }).endMs).toBe(10_000 - 2 * 1_000_000 * JSON_OUTPUT_MS_PER_BUFFER);
    expect(JSON_OUTPUT_MS_PER_BUFFER * 1_000_000).toBe(2500);
    // The same clock: what is left is read on it.
    expect(planDeadline(end, 1000, { out: 'x.csv' }).leftMs()).toBe(10_000 - 2.5);
  });

  it('keeps back more when reading the file took long (a busy machine writes the JSON slower too), never less than the constant', () => {
    const end = new Deadline(10_000, () => 0);
    // Reading a million buffers took 1.5 s: 2.6 x 1.5 s = 3.9 s a JSON output, over the constant's 2.5 s.
    expect(planDeadline(end, 1_000_000, { json: true }, 1500).endMs).toBeCloseTo(10_000 - 1500 * JSON_OUTPUT_PER_READ, 6);
    expect(planDeadline(end, 1_000_000, { json: true, out: 'p.json' }, 1500).endMs).toBeCloseTo(10_000 - 2 * 1500 * JSON_OUTPUT_PER_READ, 6);
    expect(JSON_OUTPUT_PER_READ * 1500).toBeGreaterThan(JSON_OUTPUT_MS_PER_BUFFER * 1_000_000);
    // A quick read (0.5 s): the constant per buffer still holds; no JSON output, nothing kept back.
    expect(planDeadline(end, 1_000_000, { json: true }, 500).endMs).toBe(10_000 - 1_000_000 * JSON_OUTPUT_MS_PER_BUFFER);
    expect(planDeadline(end, 1_000_000, {}, 1500).endMs).toBe(10_000);
  });
});

describe('secondsOption (--time-limit)', () => {
  it.each([
    ['10', 10],
    ['0.5', 0.5],
    ['.25', 0.25],
    ['2.', 2],
    ['1000000', 1_000_000],
  ])('%j is %d s', (text, s) => expect(secondsOption(text)).toBe(s));

  it.each(['0', '0.0', '-1', '+1', '0x10', '1e3', ' 1', '1 ', 'Infinity', 'NaN', '', '.', '1,5', '1000001'])('%j is refused, naming the flag', (text) => {
    expect(() => secondsOption(text)).toThrow(UsageError);
    expect(() => secondsOption(text)).toThrow(/--time-limit/);
  });
});

describe('--capacity in a unit read two ways (issue #10: 2M as linker scripts vs 4MB)', () => {
  it('capacityUnitNote echoes what was written and the bytes for KB/MB/GB and K/M/G, nothing for bytes or KiB/MiB/GiB', () => {
    expect(capacityUnitNote('4MB', 4_000_000)).toBe('--capacity 4MB is 4000000 B (3.81 MiB): MB is decimal; write MiB (x 1024^2) for the binary size');
    expect(capacityUnitNote('2M', 2 ** 21)).toBe('--capacity 2M is 2097152 B (2.00 MiB): M is binary, as linker scripts read it; write MB (x 1000^2) for the decimal size');
    expect(capacityUnitNote('64kb', 64_000)).toMatch(/^--capacity 64kb is 64000 B \(62\.50 KiB\): KB is decimal/);
    for (const plain of ['2MiB', '1536KiB', '2097152', '2097152B']) expect(capacityUnitNote(plain, 1)).toBeUndefined();
  });

  it('one rule and one note for every size: --memory, a JSON problem\'s "capacity" and memories; a refused command line prints no note', () => {
    const { run, file } = cliRunner('arenapack-units-all-');
    const csv = file('u.csv', 'id,lower,upper,size\na,0,2,1000\nb,1,3,2000\n');
    const mem = run('plan', csv, '--memory', 'sram=2M:1', '--memory', 'ddr=4mb:5', '--memory', 'psram:20');
    expect(mem.code).toBe(0);
    expect(mem.err).toBe(
      'arenapack: note: --memory sram: 2M is 2097152 B (2.00 MiB): M is binary, as linker scripts read it; write MB (x 1000^2) for the decimal size\n' +
        'arenapack: note: --memory ddr: 4mb is 4000000 B (3.81 MiB): MB is decimal; write MiB (x 1024^2) for the binary size\n',
    );
    const cap = file('c.json', JSON.stringify({ capacity: '2M', buffers: [{ id: 'a', start: 0, end: 2, size: 1000 }] }));
    const c = run('plan', cap, '--json');
    expect(c.code).toBe(0);
    expect(c.err).toBe(`arenapack: note: ${cap}: "capacity" 2M is 2097152 B (2.00 MiB): M is binary, as linker scripts read it; write MB (x 1000^2) for the decimal size\n`);
    expect((JSON.parse(c.out) as { capacity: number }).capacity).toBe(2097152);
    const mems = file('m.json', JSON.stringify({ memories: [{ name: 'sram', capacity: '64KB', cost: 1 }, { name: 'ddr', cost: 5 }], buffers: [{ id: 'a', start: 0, end: 2, size: 1000 }] }));
    const m = run('plan', mems);
    expect(m.code).toBe(0);
    expect(m.err).toBe(`arenapack: note: ${mems}: memory "sram" "capacity" 64KB is 64000 B (62.50 KiB): KB is decimal; write KiB (x 1024) for the binary size\n`);
    const twice = run('plan', csv, '--capacity', '1K', '--capacity', '2K');
    expect(twice.code).toBe(2);
    expect(twice.err).not.toMatch(/note/);
    expect(twice.err).toMatch(/--capacity is given twice/);
  });

  it('the report shows the capacity in bytes, and a note on stderr what 4MB and 2M were taken as', () => {
    const { run, file } = cliRunner('arenapack-units-');
    const csv = file('u.csv', 'id,lower,upper,size\na,0,2,1000\nb,1,3,2000\n');
    const mb = run('plan', csv, '--capacity', '4MB');
    expect(mb.code).toBe(0);
    expect(mb.err).toBe('arenapack: note: --capacity 4MB is 4000000 B (3.81 MiB): MB is decimal; write MiB (x 1024^2) for the binary size\n');
    expect(mb.out).toMatch(/\n  capacity +3\.81 MiB \(4000000 B\): fits/);
    const m = run('plan', csv, '--capacity', '2M', '--json');
    expect(m.code).toBe(0);
    expect(m.err).toMatch(/--capacity 2M is 2097152 B \(2\.00 MiB\): M is binary/);
    expect((JSON.parse(m.out) as { capacity: number }).capacity).toBe(2097152);
    const mib = run('plan', csv, '--capacity', '2MiB');
    expect(mib.err).toBe('');
    expect(mib.out).toMatch(/\n  capacity +2\.00 MiB \(2097152 B\): fits/);
  });
});
