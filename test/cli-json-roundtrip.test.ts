/**
 * A plan JSON written by `plan --out x.json` reads back as the problem it solves (src/import/json.ts):
 * after spilling and over memory tiers (only on-chip offsets stay fixed, as the CSV reader keeps them),
 * with gaps, hints and aliases; and a field the JSON format does not have is an error naming it.
 * Runs build/js/cli.js (npm run build first).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJson } from '../src/import/json.js';
import { verifyPlan } from '../src/problem/verify.js';
import { cliRunner } from './helpers/cli.js';
import { buildTflite, FIXTURES } from './helpers/tflite-builder.js';
import { model as onnxModel, node, vi } from './helpers/onnx-builder.js';

const { run, file, dir } = cliRunner('arenapack-json-roundtrip-');
// Issue #10's spill case: 88 KiB live at once against 64 KiB.
const spill = file('spill.csv', 'id,lower,upper,size\nimg,0,2,24576\nc1,1,3,40960\nc2,2,4,32768\nres,1,5,16384\nhead,4,6,8192\n');

interface PlanJson {
  peak: number;
  buffers: { id: string; offset: number | null; memory?: string }[];
}

describe('plan JSON read back as a problem', () => {
  it('after spilling: the on-chip offsets are kept as fixed, the DDR ones not; the plan read back is valid', () => {
    const out = join(dir, 'spilled.json');
    expect(run('plan', spill, '--capacity', '64KiB', '--out', out).code).toBe(0);
    const written = JSON.parse(readFileSync(out, 'utf8')) as PlanJson;
    expect(written.buffers.some((b) => b.memory === 'ddr')).toBe(true);
    const problem = parseJson(readFileSync(out, 'utf8'), out);
    written.buffers.forEach((b, i) => expect(problem.buffers[i]!.offset).toBe(b.memory === 'chip' ? b.offset : undefined));
    const again = run('plan', out, '--json');
    expect(again.code, again.err).toBe(0);
    const plan = JSON.parse(again.out) as PlanJson;
    // The same choice again: the on-chip buffers at their fixed offsets, valid within 64 KiB; c1 in DDR.
    expect(plan.buffers.map((b) => b.memory)).toEqual(written.buffers.map((b) => b.memory));
    const chip = plan.buffers.flatMap((b, i) => (b.memory === 'chip' ? [i] : []));
    expect(chip.map((i) => plan.buffers[i]!.offset)).toEqual(chip.map((i) => written.buffers[i]!.offset));
    const onChip = { buffers: chip.map((i) => ({ ...problem.buffers[i]!, offset: undefined })), capacity: 64 * 1024 };
    expect(verifyPlan(onChip, chip.map((i) => plan.buffers[i]!.offset!)).valid).toBe(true);
  });

  it('over memory tiers: read back with its memories, no offset fixed', () => {
    const out = join(dir, 'tiers.json');
    expect(run('plan', spill, '--memory', 'a=48KiB:1', '--memory', 'b:4', '--out', out).code).toBe(0);
    const problem = parseJson(readFileSync(out, 'utf8'), out);
    expect(problem.memories?.map((m) => [m.name, m.capacity, m.cost])).toEqual([['a', 48 * 1024, 1], ['b', undefined, 4]]);
    expect(problem.buffers.every((b) => b.offset === undefined)).toBe(true);
    expect(run('plan', out).code).toBe(0);
  });

  it('with gaps, hints and aliases (examples/gaps.csv): the same plan again', () => {
    const out = join(dir, 'gaps.json');
    const first = run('plan', 'examples/gaps.csv', '--out', out, '--json');
    expect(first.code, first.err).toBe(0);
    const again = run('plan', out, '--json');
    expect(again.code, again.err).toBe(0);
    const [a, b] = [first.out, again.out].map((t) => JSON.parse(t) as PlanJson);
    expect(b!.peak).toBe(a!.peak);
    expect(b!.buffers.map((x) => x.offset)).toEqual(a!.buffers.map((x) => x.offset));
  });

  it('a misspelt field is an error naming it, exit 2: at the top, in a buffer, in a memory', () => {
    const cases: [string, RegExp][] = [
      ['{"capacty":"1KiB","buffers":[{"id":"a","start":0,"end":2,"size":8}]}', /unknown field "capacty"/],
      ['{"buffers":[{"id":"a","start":0,"end":2,"size":8,"alignment":16}]}', /buffer "a": unknown field "alignment"/],
      ['{"memories":[{"name":"m","capcity":64,"cost":1}],"buffers":[{"id":"a","start":0,"end":2,"size":8}]}', /memory #0: unknown field "capcity"/],
    ];
    cases.forEach(([text, message], k) => {
      const r = run('plan', file(`typo-${k}.json`, text));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
    });
  });
});

/**
 * Issue #10: a model's plan JSON (and the list several files' --json prints) is no problem: refused,
 * exit 2, with what the file is and what to give instead — not "unknown field model"; nothing written.
 */
describe('a plan JSON that is not a problem', () => {
  const tflite = file('chain.tflite', buildTflite(FIXTURES.chain()));
  const onnx = file(
    'relu.onnx',
    onnxModel({ inputs: [vi('x', [1, 8])], outputs: [vi('y', [1, 8])], nodes: [node('Relu', ['x'], ['a'], [], 'r1'), node('Relu', ['a'], ['y'], [], 'r2')] }),
  );

  it.each([
    ['a TFLite model', tflite, 'tflite'],
    ['an ONNX model', onnx, 'onnx'],
  ])("%s's plan (--out x.json, --json): says what it is and what to give instead, exit 2", (_, model, format) => {
    const out = join(dir, `${format}.plan.json`);
    expect(run('plan', model, '--out', out).code).toBe(0);
    const csvOut = join(dir, `${format}.again.csv`);
    const r = run('plan', out, '--out', csvOut);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${out}: this is the plan arenapack wrote for the model ${JSON.stringify(model)} (${format}, 1 subgraph), not a problem`);
    expect(r.err).toContain(`Plan the model itself (arenapack plan ${model})`);
    expect(r.err).not.toMatch(/unknown field/);
    expect(existsSync(csvOut)).toBe(false);
    // What the message offers instead does read back: subgraph 0's solution CSV.
    const csv = join(dir, `${format}.plan.csv`);
    expect(run('plan', model, '--out', csv).code).toBe(0);
    expect(run('plan', csv).code).toBe(0);
  });

  it("several files' --json list: says what it is, exit 2", () => {
    const a = file('a.csv', 'id,lower,upper,size\na,0,2,8\n');
    const b = file('b.csv', 'id,lower,upper,size\nb,0,2,8\n');
    const list = file('list.json', run('plan', a, b, '--json').out);
    const r = run('plan', list);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${list}: this is the list of plans arenapack printed for several files`);
  });
});
