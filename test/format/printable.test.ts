import { describe, expect, it } from 'vitest';
import { printable, terminalSafe } from '../../src/format/printable.js';

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
