import { describe, expect, it } from 'vitest';
import { capMessage, excerpt, listId, MAX_MESSAGE_CHARS, printable, quoted, terminalSafe } from '../../src/format/printable.js';

describe('printable and terminalSafe', () => {
  it('escape the bidirectional marks, the XML noncharacters U+FFFE/U+FFFF and lone surrogates', () => {
    const name = 'a\u200eb\u200fc\u061cd\ufffee\uffffz';
    expect(printable(name)).toBe('a\\u200eb\\u200fc\\u061cd\\ufffee\\uffffz');
    expect(terminalSafe(`${name}\n`)).toBe('a\\u200eb\\u200fc\\u061cd\\ufffee\\uffffz\n');
    // A lone high or low surrogate (at either end, or in the middle) is escaped; a pair is a character and stays.
    expect(printable('\ud800x\udc00')).toBe('\\ud800x\\udc00');
    expect(printable('x\udbff')).toBe('x\\udbff');
    expect(printable('\udfffx')).toBe('\\udfffx');
    expect(printable('\udc00\ud800')).toBe('\\udc00\\ud800');
    expect(printable('ok \u{1f600} \ud83d\ude00')).toBe('ok \u{1f600} \ud83d\ude00');
    // The result is well-formed text: it encodes to UTF-8 and back unchanged.
    const out = printable('\ud800\udc00\ud800');
    expect(new TextDecoder().decode(new TextEncoder().encode(out))).toBe(out);
  });

  it('leave ordinary names, including non-Latin letters, unchanged', () => {
    for (const name of ['conv2d/Relu;bias', 'صورة', '名前', 'ü\u00a0x']) expect(printable(name)).toBe(name);
  });
});

describe('listId and quoted: one id, one item in a list (issue #10)', () => {
  it('a plain id as it is; one with a comma, a quote, a backslash, white space or a control character quoted and escaped', () => {
    for (const id of ['c1', '#3', 'conv2d/Relu;bias', '名前', '-']) expect(listId(id)).toBe(id);
    expect(listId('a,b')).toBe('"a,b"');
    expect(listId('c d')).toBe('"c d"');
    expect(listId('')).toBe('""');
    expect(listId('a"b')).toBe('"a\\"b"');
    expect(listId("it's")).toBe('"it\'s"');
    expect(listId('a\\b')).toBe('"a\\\\b"');
    expect(listId('\u001b[31m')).toBe('"\\x1b[31m"');
    // Two ids that differ read differently: a list of them splits back into what it was.
    const ids = ['a,b', 'a', 'b', 'x", "y', 'q\\'];
    const text = ids.map(listId).join(', ');
    const back = [...text.matchAll(/"((?:[^"\\]|\\.)*)"|([^,\s"]+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!));
    expect(back).toEqual(ids);
  });

  it('quoted(): a quote in a name cannot end it early', () => {
    expect(quoted('relu')).toBe('"relu"');
    expect(quoted('re"lu, x')).toBe('"re\\"lu, x"');
    expect(quoted('a\nb')).toBe('"a\\nb"');
  });
});

describe('excerpt and capMessage', () => {
  it('excerpt: short values as printable(), long ones cut with their length, a surrogate pair never split', () => {
    expect(excerpt('a\x1bb')).toBe('a\\x1bb');
    expect(excerpt('z'.repeat(80))).toBe('z'.repeat(80));
    expect(excerpt('z'.repeat(81))).toBe(`${'z'.repeat(80)}… (81 characters)`);
    expect(excerpt(`${'z'.repeat(3)}😀zz`, 4)).toBe('zzz… (7 characters)');
  });

  it('capMessage: whole up to the limit, else cut with the length', () => {
    expect(capMessage('m'.repeat(MAX_MESSAGE_CHARS))).toBe('m'.repeat(MAX_MESSAGE_CHARS));
    expect(capMessage('m'.repeat(MAX_MESSAGE_CHARS + 1))).toBe(`${'m'.repeat(MAX_MESSAGE_CHARS)}… (message cut: ${MAX_MESSAGE_CHARS + 1} characters)`);
  });
});
