import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelPlanJson } from '../src/export/model-json.js';
import { formatBytesBoth } from '../src/format/bytes.js';
import type { SharedArena } from '../src/runtime/tflm/shared-arena.js';
import { cliRunner } from './helpers/cli.js';
import { buildTflite, FIXTURES } from './helpers/tflite-builder.js';
import { importTflite } from '../src/import/tflite/index.js';
import { writeOfflinePlan } from '../src/export/tflm-offline-plan.js';

const { run, file, dir } = cliRunner('arenapack-shared-');
const a = file('conv_quant.tflite', buildTflite(FIXTURES.convQuant()));
const b = file('svdf_state.tflite', buildTflite(FIXTURES.svdfState()));
const METHOD = ['--method', 'heuristic'];

interface SharedJson {
  sharedArena: SharedArena & { pointerBits: number };
  models: ModelPlanJson[];
}

describe('plan a.tflite b.tflite --shared-arena', () => {
  it("--json: the shared head is the largest model head, every tail after it, each model's figures those of its own plan", () => {
    const r = run('plan', a, b, '--shared-arena', '--json', ...METHOD);
    expect(r.code, r.err).toBe(0);
    const { sharedArena: s, models } = JSON.parse(r.out) as SharedJson;
    expect(s.pointerBits).toBe(32);
    expect(models.map((m) => m.model)).toEqual([a, b]);
    // Each model's figures: what `plan FILE --json` reports for it alone.
    for (const [i, path] of [a, b].entries()) {
      const alone = JSON.parse(run('plan', path, '--json', ...METHOD).out) as ModelPlanJson;
      const t = alone.arena.tflm!;
      expect(s.models[i]).toMatchObject({ file: path, head: t.head, tail: t.tail.bytes, variables: t.variables, alone: t.total });
      expect(models[i]!.arena.tflm).toEqual(t);
    }
    expect(s.head).toBe(Math.max(...s.models.map((m) => m.head)));
    expect(s.models[0]!.tailOffset).toBe(s.head);
    expect(s.models[1]!.tailOffset).toBe(s.head + s.models[0]!.tail);
    expect(s.size).toBe(s.head + s.models[0]!.tail + s.models[1]!.tail);
    expect(s.separate).toBe(s.models[0]!.alone + s.models[1]!.alone);
    expect(s.saving).toBe(s.separate - s.size);
    expect(s.saving).toBe(Math.min(...s.models.map((m) => m.head)));
    expect(s.models[1]!.variables).toBeGreaterThan(0); // the SVDF's state, kept in its tail
  });

  it('the report shows each model, the shared size, the separate arenas and the saving', () => {
    const r = run('plan', a, b, '--shared-arena', '--pointer-bits', '64', ...METHOD);
    expect(r.code, r.err).toBe(0);
    const s = (JSON.parse(run('plan', a, b, '--shared-arena', '--pointer-bits', '64', '--json', ...METHOD).out) as SharedJson).sharedArena;
    expect(r.out).toContain('conv_quant.tflite');
    expect(r.out).toContain('svdf_state.tflite');
    expect(r.out).toContain(`shared arena: ${formatBytesBoth(s.size)} = head ${s.head} + tails ${s.size - s.head}`);
    expect(r.out).toContain(`separate arenas: ${formatBytesBoth(s.separate)}; saving ${formatBytesBoth(s.saving)}, ${((100 * s.saving) / s.separate).toFixed(1)}% of the separate arenas`);
    expect(r.out).toContain('64-bit');
  });

  it('--header: the shared figures and every model under its own prefix; --write-tflite FOLDER: each model as `plan FILE --write-tflite` writes it', () => {
    const out = join(dir, 'written');
    mkdirSync(out);
    const header = join(dir, 'shared.h');
    const r = run('plan', a, b, '--shared-arena', '--header', header, '--write-tflite', out, '--json', ...METHOD);
    expect(r.code, r.err).toBe(0);
    const s = (JSON.parse(r.out) as SharedJson).sharedArena;
    const h = readFileSync(header, 'utf8');
    expect(h).toContain(`#define SHARED_ARENA_HEAD_SIZE ${s.head}\n`);
    expect(h).toContain(`#define SHARED_ARENA_SIZE ${s.size}\n`);
    expect(h).toContain(`#define SHARED_ARENA_SEPARATE_SIZE ${s.separate}\n`);
    expect(h).toContain(`#define CONV_QUANT_TAIL_OFFSET ${s.models[0]!.tailOffset}\n`);
    expect(h).toContain(`#define SVDF_STATE_TAIL_OFFSET ${s.models[1]!.tailOffset}\n`);
    expect(h).toMatch(/#define CONV_QUANT_SG0_T\d+_\w+_OFFSET \d+/);
    expect(h).toMatch(/#define SVDF_STATE_SG0_T\d+_\w+_OFFSET \d+/);
    // Every macro once.
    const names = [...h.matchAll(/^#define (\w+)/gm)].map((m) => m[1]);
    expect(new Set(names).size).toBe(names.length);
    expect(readdirSync(out).sort()).toEqual(['conv_quant.tflite', 'svdf_state.tflite']);
    for (const path of [a, b]) {
      const alone = join(dir, `alone-${path.split('/').at(-1)}`);
      expect(run('plan', path, '--write-tflite', alone, ...METHOD).code).toBe(0);
      expect(readFileSync(join(out, path.split('/').at(-1)!)).equals(readFileSync(alone))).toBe(true);
    }
    // --prefix names the shared part.
    const h2 = join(dir, 'p.h');
    expect(run('plan', a, b, '--shared-arena', '--header', h2, '--prefix', 'KWS_THEN_CLS', ...METHOD).code).toBe(0);
    expect(readFileSync(h2, 'utf8')).toContain(`#define KWS_THEN_CLS_SIZE ${s.size}\n`);
  });

  it.for([
    [[a], [], /two or more models.*got 1/],
    [[a, b], ['--memory', 'sram=64KiB:1'], /--memory does not go with --shared-arena/],
    [[a, b], ['--capacity', '64KiB'], /--capacity does not go with --shared-arena/],
    [[a, b], ['--reorder'], /--reorder does not go with --shared-arena/],
    [[a, b], ['--out', join(dir, 'x.json')], /--out does not go with --shared-arena/],
    [[a, b], ['--svg', join(dir, 'x.svg')], /--svg does not go with --shared-arena/],
    [[a, b], ['--jobs', '2'], /--jobs does not go with --shared-arena/],
    [[a, b], ['--method', 'glpk'], /--method glpk does not go with --shared-arena/],
    [[a, b], ['--prefix', 'P'], /--prefix names the macros of --header/],
    [[a, b], ['--write-tflite', join(dir, 'no-such-folder')], /give an existing folder/],
    [[a, b], ['--header', a], /never overwrites its input/],
  ] as [string[], string[], RegExp][])('refuses %j %j with a clear message, exit 2, nothing written', ([files, flags, message]) => {
    const before = readdirSync(dir).sort();
    // METHOD unless the case gives its own --method (a single-value option given twice is refused).
    const r = run('plan', ...files, '--shared-arena', ...(flags.includes('--method') ? [] : METHOD), ...flags);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('refuses models that are not TFLite, and two models of one file name with --write-tflite', () => {
    const csv = file('p.csv', 'id,lower,upper,size\n0,0,2,16\n');
    const r = run('plan', a, csv, '--shared-arena', ...METHOD);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/p\.csv is not a \.tflite model/);
    mkdirSync(join(dir, 'other'), { recursive: true });
    const twin = file('other/conv_quant.tflite', buildTflite(FIXTURES.convQuant()));
    const out = join(dir, 'twins');
    mkdirSync(out);
    const t = run('plan', a, twin, '--shared-arena', '--write-tflite', out, ...METHOD);
    expect(t.code).toBe(2);
    expect(t.err).toMatch(/two models are named conv_quant\.tflite/);
    expect(readdirSync(out)).toEqual([]);
    // One header for two models of one name: their macros would clash.
    const h = join(dir, 'twins.h');
    const c = run('plan', a, twin, '--shared-arena', '--header', h, ...METHOD);
    expect(c.code).toBe(2);
    expect(c.err).toMatch(/CONV_QUANT_\w+ would be defined twice/);
    expect(existsSync(h)).toBe(false);
  });

  it("refuses what `plan FILE` refuses (--input-shape on TFLite) and a kept offline plan that puts a variable in the shared head", () => {
    const shape = run('plan', a, b, '--shared-arena', '--input-shape', 'in=1x3');
    expect(shape.code).toBe(2);
    expect(shape.err).toMatch(/--input-shape applies to ONNX models, not to .*conv_quant\.tflite/);
    // svdf_state with its own offline plan placing the variable `state` (tensor 3) at offset 0, kept.
    const svdf = buildTflite(FIXTURES.svdfState());
    const model = importTflite(svdf, 'svdf_state.tflite');
    const offsets = model.subgraphs.map((sg) => Array.from({ length: sg.tensorCount }, (_, t) => (t === 3 ? 0 : -1)));
    expect(model.subgraphs[0]!.tensors[3]!.kind).toBe('variable');
    const kept = file('svdf_kept.tflite', writeOfflinePlan(svdf, 'svdf_state.tflite', offsets));
    const r = run('plan', a, kept, '--shared-arena', ...METHOD);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/svdf_kept\.tflite carries its own offline plan \(kept\) that places variable tensors in the head.*--replace-offline-plan/);
    expect(run('plan', a, kept, '--shared-arena', '--replace-offline-plan', ...METHOD).code).toBe(0);
  });

  it('--align 8 --write-tflite FOLDER: a model whose offsets TFLM does not allow is written with the warning `plan FILE` gives', () => {
    const out = join(dir, 'aligned8');
    mkdirSync(out, { recursive: true });
    const r = run('plan', a, b, '--shared-arena', '--align', '8', '--write-tflite', out, ...METHOD);
    expect(r.code).toBe(0);
    const alone = run('plan', b, '--align', '8', '--write-tflite', join(out, 'alone.tflite'), ...METHOD);
    // The same warning for the same model, whenever its offsets are not multiples of 16.
    const warning = (err: string): string[] => err.split('\n').filter((l) => l.startsWith('WARNING:') && l.includes('svdf_state')).map((l) => l.replace(/^WARNING: [^:]*: /, ''));
    expect(warning(r.err)).toEqual(warning(alone.err.replace(/alone\.tflite/g, 'svdf_state.tflite')));
  });
});
