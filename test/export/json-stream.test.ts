import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeJsonPieces } from '../../src/export/json-stream.js';
import { stringifyJson } from '../../src/format/json-text.js';
import { planToJson } from '../../src/export/plan-json.js';
import { solve } from '../../src/solve/solve.js';
import { scatteredProblem } from '../helpers/problems.js';

/** The pieces joined, and how many there were. */
function pieces(value: Record<string, unknown>, entries?: number): { text: string; count: number } {
  const out: string[] = [];
  writeJsonPieces(value, (p) => out.push(p), entries);
  return { text: out.join(''), count: out.length };
}

describe('writeJsonPieces', () => {
  it("writes stringifyJson(value, undefined, 2)'s bytes for any object, long arrays a slice at a time", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary' }), fc.oneof(fc.jsonValue({ stringUnit: 'binary' }), fc.array(fc.jsonValue(), { maxLength: 12 }), fc.constant(undefined))), fc.integer({ min: 1, max: 5 }), (value, entries) => {
        expect(pieces(value, entries).text).toBe(stringifyJson(value, undefined, 2));
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it("a plan's JSON: the same bytes, its buffers in pieces of 4096 entries", () => {
    const problem = scatteredProblem(10_000, 3);
    const json = planToJson(problem, solve(problem, { method: 'greedy-size' })) as unknown as Record<string, unknown>;
    const { text, count } = pieces(json);
    expect(text).toBe(JSON.stringify(json, null, 2));
    // Keys, then the buffers' head, 3 slices (4096 + 4096 + 1808) and their tail, then the end.
    expect(count).toBeGreaterThan(5);
    expect(JSON.parse(text)).toEqual(json);
  });
});
