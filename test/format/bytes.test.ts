import { describe, expect, it } from 'vitest';
import { formatBytes, parseSize } from '../../src/format/bytes.js';

describe('parseSize', () => {
  it.each([
    ['2MiB', 2097152],
    ['4MB', 4000000],
    ['1536KiB', 1572864],
    ['2097152', 2097152],
    ['512B', 512],
    ['1.5MiB', 1572864],
    ['2 mib', 2097152],
    ['1GiB', 2 ** 30],
  ])('%s = %d bytes', (text, bytes) => expect(parseSize(text)).toBe(bytes));
  it.each(['', 'abc', '2XB', '-1', '0', '1.3B', '99999999999GiB'])('rejects %j', (text) => {
    expect(() => parseSize(text)).toThrow();
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(2097152)).toBe('2.00 MiB');
  });
});
