import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../src/import/csv.js';
import { verifyPlan } from '../src/problem/verify.js';
import { cliRunner } from './helpers/cli.js';
import { readOfflinePlanOf } from './helpers/offline-plan.js';
import { sharedDir } from './helpers/shared.js';
import { buildTflite, FIXTURES, int32s, type ModelSpec } from './helpers/tflite-builder.js';

/**
 * What arenapack writes is what the device gets (issue #10): every tensor's offset is the same in
 * --json (tensorOffsets), the --out CSV, the C header and the written .tflite's offline plan, the
 * tensors a kept offline plan places included; and the header's SHA-256 is that of the model written.
 */

const { run, file, dir } = cliRunner('arenapack-agree-');
const models = sharedDir('models/tflite');

/** plainFloat (in, a, b, out: FLOAT32 [1, 8], 32 B each) carrying an offline plan of its own: `offsets` per tensor, -1 = not placed. */
function withPlan(offsets: number[]): Uint8Array {
  const spec: ModelSpec = { ...FIXTURES.plainFloat(), metadata: [{ name: 'OfflineMemoryAllocation', data: int32s([0, 1, offsets.length, ...offsets]) }] };
  return buildTflite(spec);
}

interface TensorJson {
  tensor: number;
  offset: number;
  memory: string;
  kept?: true;
}

/** Each output's offset per tensor of subgraph 0 (`tensor index -> offset`). */
interface Outputs {
  json: Map<number, number>;
  kept: number[];
  header: Map<number, number>;
  csv: Map<number, number>;
  report: string;
}

/** Plans `model` once with --json --header --out CSV (and the text report in a second run), and reads each output's offsets. */
function outputs(model: string, name: string): Outputs {
  const h = join(dir, `${name}.h`);
  const csv = join(dir, `${name}.csv`);
  const r = run('plan', model, '--json', '--header', h, '--out', csv);
  expect(r.code, r.err).toBe(0);
  const j = JSON.parse(r.out) as { tensorOffsets: TensorJson[]; buffers: { id: string; tensors: number[] }[] };
  const header = new Map<number, number>();
  for (const m of readFileSync(h, 'utf8').matchAll(/^#define \w+_SG0_T(\d+)\w*_OFFSET (\d+)/gm)) header.set(Number(m[1]), Number(m[2]));
  // The CSV reads back as a problem whose offsets (the `offset` column) pass the verifier.
  const text = readFileSync(csv, 'utf8');
  const problem = parseCsv(text, csv);
  const offsets = problem.buffers.map((b) => b.offset!);
  const verdict = verifyPlan(problem, offsets);
  expect(verdict.errors).toEqual([]);
  const rows = new Map(problem.buffers.filter((b) => /^\d+$/.test(b.id)).map((b) => [Number(b.id), b.offset!] as const));
  const report = run('plan', model);
  expect(report.code, report.err).toBe(0);
  return {
    json: new Map(j.tensorOffsets.filter((t) => t.memory === 'chip').map((t) => [t.tensor, t.offset] as const)),
    kept: j.tensorOffsets.filter((t) => t.kept).map((t) => t.tensor),
    header,
    csv: rows,
    report: report.out,
  };
}

/** The offsets of subgraph 0's tensors in the model `plan --write-tflite` writes (-1 where not placed). */
function written(model: string, name: string): number[] {
  const out = join(dir, `${name}.planned.tflite`);
  expect(run('plan', model, '--write-tflite', out).code).toBe(0);
  const values = readOfflinePlanOf(new Uint8Array(readFileSync(out)), out)!;
  return values.slice(3);
}

const placed = (offsets: readonly number[]): Map<number, number> => new Map(offsets.flatMap((o, t) => (o >= 0 ? [[t, o] as const] : [])));

describe('every tensor the device uses has one offset in --json, --out CSV, --header and --write-tflite', () => {
  it('a full offline plan (every tensor kept, at offsets other than 0): each output lists each tensor at its stored offset', () => {
    const stored = [0, 32, 64, 96];
    const model = file('full.tflite', withPlan(stored));
    const o = outputs(model, 'full');
    const want = placed(stored);
    expect(o.header).toEqual(want);
    expect(o.json).toEqual(want);
    expect(o.csv).toEqual(want);
    expect(placed(written(model, 'full'))).toEqual(want);
    expect(o.kept).toEqual([0, 1, 2, 3]);
    expect(o.report).toMatch(/tensors +4 tensors \(0 planned, 4 keep the model's own offline-plan offsets, 0 constant\), 3 operators/);
  });

  it('a partial offline plan (in and out kept at 48 and 0): the kept ones at their stored offsets, the planned ones as planned, the same everywhere', () => {
    const model = file('partial.tflite', withPlan([48, -1, -1, 0]));
    const o = outputs(model, 'partial');
    expect(o.header.get(0)).toBe(48);
    expect(o.header.get(3)).toBe(0);
    // a and b planned above the block reserved at 0..80.
    expect(o.header.get(1)! >= 80 && o.header.get(2)! >= 80).toBe(true);
    expect(o.json).toEqual(o.header);
    expect(o.csv).toEqual(o.header);
    expect(placed(written(model, 'partial'))).toEqual(o.header);
    expect(o.kept).toEqual([0, 3]);
    expect(o.report).toMatch(/tensors +4 tensors \(2 planned in 2 buffers, 2 keep the model's own offline-plan offsets, 0 constant\)/);
  });

  it('a partial offline plan spilled (--capacity 1000: TFLM\'s tail leaves 104 B on chip): kept tensors on chip, a and b in DDR, the same in each output', () => {
    const model = file('spilled.tflite', withPlan([48, -1, -1, 0]));
    const h = join(dir, 'spilled.h');
    const csv = join(dir, 'spilled.csv');
    const r = run('plan', model, '--capacity', '1000', '--json', '--header', h, '--out', csv);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { status: string; tensorOffsets: TensorJson[] };
    expect(j.status).toBe('spilled');
    const text = readFileSync(h, 'utf8');
    const macros = [...text.matchAll(/^#define \w+_SG0_T(\d+)\w*?(_DDR)?_OFFSET (\d+)/gm)].map((m) => [Number(m[1]), m[2] ? 'ddr' : 'chip', Number(m[3])]);
    expect(j.tensorOffsets.map((t) => [t.tensor, t.memory, t.offset])).toEqual(macros);
    expect(macros).toEqual([
      [0, 'chip', 48],
      [1, 'ddr', macros[1]![2]],
      [2, 'ddr', macros[2]![2]],
      [3, 'chip', 0],
    ]);
    const rows = readFileSync(csv, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const byId = new Map(rows.map((c) => [c[0]!, [c[c.length - 1], Number(c[c.length - 2])]]));
    for (const [t, memory, offset] of macros) expect(byId.get(String(t))).toEqual([memory, offset]);
  });

  it('convert: the kept tensors are rows tied to the reserved block at their stored offsets', () => {
    const model = file('conv.tflite', withPlan([48, -1, -1, 0]));
    const r = run('convert', model);
    expect(r.code, r.err).toBe(0);
    const problem = parseCsv(r.out, 'conv.csv');
    const kept = problem.buffers.filter((b) => b.aliasOf === 'offline-plan').map((b) => [b.id, b.aliasOffset ?? 0, b.size]);
    expect(kept).toEqual([
      ['0', 48, 32],
      ['3', 0, 32],
    ]);
  });

  it.skipIf(models === undefined)('tfmicro_person_detect_vela.tflite (Vela: T0, T3, T4, T5 at 0): the same four tensors at 0 in each output', () => {
    const model = join(models!, 'tfmicro_person_detect_vela.tflite');
    const o = outputs(model, 'vela');
    const want = new Map([0, 3, 4, 5].map((t) => [t, 0] as const));
    expect(o.header).toEqual(want);
    expect(o.json).toEqual(want);
    expect(o.csv).toEqual(want);
    expect(placed(written(model, 'vela'))).toEqual(want);
    expect(o.kept).toEqual([0, 3, 4, 5]);
    expect(o.report).toMatch(/6 tensors \(0 planned, 4 keep the model's own offline-plan offsets, 2 constant\)/);
  });
});

describe("the header's SHA-256 is that of the model shipped", () => {
  const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
  const headerSha = (path: string): string => /_MODEL_SHA256 "([0-9a-f]{64})"/.exec(readFileSync(path, 'utf8'))![1]!;

  it('with --write-tflite: the written file hashes as the header says (not the input, which differs)', () => {
    const model = file('sha.tflite', buildTflite(FIXTURES.plainFloat()));
    const h = join(dir, 'sha.h');
    const out = join(dir, 'sha.planned.tflite');
    expect(run('plan', model, '--header', h, '--write-tflite', out).code).toBe(0);
    expect(sha(out)).not.toBe(sha(model));
    expect(headerSha(h)).toBe(sha(out));
  });

  it('with memory tiers (--memory) and --write-tflite: the same', () => {
    const model = file('tiers.tflite', buildTflite(FIXTURES.plainFloat()));
    const h = join(dir, 'tiers.h');
    const out = join(dir, 'tiers.planned.tflite');
    const r = run('plan', model, '--memory', 'sram=64KiB:0', '--memory', 'ddr:1', '--header', h, '--write-tflite', out);
    expect(r.code, r.err).toBe(0);
    expect(sha(out)).not.toBe(sha(model));
    expect(headerSha(h)).toBe(sha(out));
  });

  it('with --shared-arena and --write-tflite DIR: each model\'s macro is the hash of its file written', () => {
    const shared = mkdtempSync(join(dir, 'shared-'));
    const a = file('sa_a.tflite', buildTflite(FIXTURES.plainFloat()));
    const b = file('sa_b.tflite', buildTflite(FIXTURES.chain()));
    const h = join(dir, 'shared.h');
    const r = run('plan', a, b, '--shared-arena', '--header', h, '--write-tflite', shared);
    expect(r.code, r.err).toBe(0);
    const text = readFileSync(h, 'utf8');
    for (const [name, input] of [['SA_A', a], ['SA_B', b]] as const) {
      const got = new RegExp(`${name}_MODEL_SHA256 "([0-9a-f]{64})"`).exec(text)![1];
      const written = join(shared, input.slice(input.lastIndexOf('/') + 1));
      expect(got).toBe(sha(written));
      expect(got).not.toBe(sha(input));
    }
  });

  it('without it: the input hashes as the header says', () => {
    const model = file('sha2.tflite', buildTflite(FIXTURES.plainFloat()));
    const h = join(dir, 'sha2.h');
    expect(run('plan', model, '--header', h).code).toBe(0);
    expect(headerSha(h)).toBe(sha(model));
  });
});
