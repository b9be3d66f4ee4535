import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { internalErrorText, writeAllAtomic } from '../src/cli-io.js';
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
    for (const bad of [join(dir, 'no', 'such', 'dir.h'), join(dir, 'is-a-dir')]) {
      const first = join(dir, `first-${bad.length}.json`);
      expect(() => writeAllAtomic([[first, '{}'], [bad, 'x']])).toThrow(InputError);
      expect(() => writeAllAtomic([[first, '{}'], [bad, 'x']])).toThrow(/cannot write \((ENOENT|EISDIR)\)/);
      expect(existsSync(first)).toBe(false);
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
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
