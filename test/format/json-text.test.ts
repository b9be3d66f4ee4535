/**
 * JSON text a terminal can show (issue #10): JSON.stringify leaves DEL, C1 controls and the bidi marks
 * raw; escapeJsonText writes them as \uXXXX, the text still valid JSON with the same value.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeJsonText, stringifyJson } from '../../src/format/json-text.js';

/** Characters that must not stand raw in the JSON: DEL, C1, bidi marks, overrides and isolates, separators, noncharacters. */
const RAW = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff]/;

describe('escapeJsonText / stringifyJson', () => {
  it('a name with C1 controls and bidi marks: escaped as \\uXXXX, the same value when parsed', () => {
    const value = { id: 'a\u0085b\u009bc\u202ed\u2066e\u200ff\u007fg', n: 1 };
    const text = stringifyJson(value, undefined, 2);
    expect(text).not.toMatch(RAW);
    expect(text).toContain('"a\\u0085b\\u009bc\\u202ed\\u2066e\\u200ff\\u007fg"');
    expect(JSON.parse(text)).toEqual(value);
  });
  it('any value: valid JSON, no raw character of the list, the same value when parsed', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'binary' }), (value) => {
        const text = escapeJsonText(JSON.stringify(value));
        expect(text).not.toMatch(RAW);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 500, seed: 3 },
    );
  });
});
