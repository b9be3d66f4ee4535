import { describe, expect, it } from 'vitest';
import { cHeader, cIdentifier } from '../../src/export/c-header.js';
import type { ImportedModel } from '../../src/import/model.js';
import type { SolveResult } from '../../src/solve/solve.js';
import { importTflite } from '../../src/import/tflite/index.js';
import { buildTflite, FIXTURES } from '../helpers/tflite-builder.js';
import { solveVerified } from '../helpers/plan.js';

const SHA = 'ab'.repeat(32);

function header(model: ImportedModel): { text: string; peaks: number[]; plans: SolveResult[] } {
  const plans = model.subgraphs.map((sg) => solveVerified(sg.problem, { iterations: 200 }));
  return { text: cHeader(model, plans, { sha256: SHA }), peaks: plans.map((p) => p.peak), plans };
}

describe('cHeader', () => {
  it('cIdentifier: valid C identifiers', () => {
    expect(cIdentifier('model/conv2d;Relu:0')).toBe('MODEL_CONV2D_RELU_0');
    expect(cIdentifier('1st')).toBe('_1ST');
    expect(cIdentifier('*/')).toBe('');
  });

  it('arena size, sha256, one offset per planned tensor, valid unique identifiers, deterministic', () => {
    const model = importTflite(buildTflite(FIXTURES.reshape()), 'r.tflite');
    const { text, peaks, plans } = header(model);
    expect(text).toContain(`#define R_MODEL_SHA256 "${SHA}"`);
    // The prefix and the guard come from the file name: r.tflite -> R.
    // TFLite: the head TFLM will use = the peak rounded up to 16 (offsets are multiples of 16, every size rounded as TFLM does).
    const head = Math.ceil(peaks[0]! / 16) * 16;
    expect(text).toContain(`#define R_HEAD_SIZE ${head}`);
    // No figure for TFLM's tail: the arena is the head plus a tail the user measures.
    expect(text).toContain('#define R_ARENA_SIZE(tail_bytes) (R_HEAD_SIZE + (tail_bytes))');
    expect(text).not.toMatch(/TAIL_ESTIMATE/);
    expect(text).toMatch(/^#ifndef R_PLAN_H$/m);
    const defines = [...text.matchAll(/^#define (\w+) (\S+)/gm)].map((m): [string, string] => [m[1]!, m[2]!]);
    const names = defines.map(([n]) => n);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/);
    const offsets = defines.filter(([n]) => n.endsWith('_OFFSET'));
    // tensors 0, 1, 3, 4, 5 are planned (2 is the constant shape): five offsets, 3 and 4 equal.
    expect(offsets.map(([n]) => /_T(\d+)_/.exec(n)![1])).toEqual(['0', '1', '3', '4', '5']);
    expect(offsets[2]![1]).toBe(offsets[3]![1]);
    // And each value is that tensor's buffer's offset in the plan.
    const sg = model.subgraphs[0]!;
    const plan = plans[0]!;
    for (const [n, v] of offsets) {
      const t = Number(/_T(\d+)_/.exec(n)![1]);
      const b = sg.tensorsOf.findIndex((ts) => ts.includes(t));
      expect(Number(v)).toBe(plan.offsets[b]);
    }
    expect(offsets[0]![0]).toBe('R_SG0_T0_IN_OFFSET');
    expect(header(model).text).toBe(text);
  });

  it('names that sanitise alike, very long names and comment breakers stay unique and harmless', () => {
    const spec = FIXTURES.chain();
    const sg = spec.subgraphs[0]!;
    sg.tensors[2]!.name = 'x'.repeat(200) + '*/ #define EVIL 1';
    sg.tensors[3]!.name = 'x'.repeat(200) + '*/ #define EVIL 2';
    const { text } = header(importTflite(buildTflite(spec), 'c.tflite'));
    expect(text).not.toContain('*/ #define');
    const names = [...text.matchAll(/^#define (\w+)/gm)].map((m) => m[1]!);
    expect(new Set(names).size).toBe(names.length);
    expect(names.every((n) => n.length <= 63)).toBe(true);
    expect(text.match(/EVIL/g)?.length).toBe(2); // only inside comments
    for (const line of text.split('\n').filter((l) => l.includes('EVIL'))) expect(line).toMatch(/\/\*.*EVIL.*\*\/$/);
  });

  it('two subgraphs: bases and sizes per subgraph, total arena', () => {
    const model = importTflite(buildTflite(FIXTURES.twoSubgraphs()), 't.tflite');
    const { text, peaks } = header(model);
    const base1 = Math.ceil(peaks[0]! / 16) * 16;
    expect(text).toContain(`#define T_SG1_BASE ${base1}`);
    expect(text).toContain(`#define T_SG1_SIZE ${peaks[1]}`);
    expect(text).toContain(`#define T_HEAD_SIZE ${Math.ceil((base1 + peaks[1]!) / 16) * 16}`);
    expect(text).toMatch(/#define T_SG1_T0_B_IN_OFFSET \d+/);
  });

  it('a variable: offset -1 territory (no define), its bytes in VARIABLES_SIZE', () => {
    const model = importTflite(buildTflite(FIXTURES.variable()), 'v.tflite');
    const { text } = header(model);
    expect(text).toContain('#define V_VARIABLES_SIZE 16');
    expect(text).not.toMatch(/_T1_STATE_OFFSET/);
  });
});
