/**
 * `plan a.tflite b.tflite --shared-arena` in the real runtime (TFLM, the tflite-micro package):
 * the models the CLI writes (--write-tflite FOLDER, --pointer-bits 64 for this host) run one after
 * another (a, b, a, b, a, b: scripts/tflm_run.py --together), each in an arena of the size it sees in
 * the shared arena (the shared head + its own tail estimate), and must compute what the models as
 * stored compute alone (TFLM's own planner), the variables of one keeping their state while the
 * other runs (in its own arena here: this checks the interleaving, not the sharing; see below). TFLM's head for each must equal the head reported, the largest of them the shared head,
 * its tails the estimates (within the tolerance of tflm.test.ts), and the saving the sum of the heads
 * but the largest.
 *
 * What this does NOT run: two interpreters on ONE buffer. The Python binding makes every interpreter
 * its own arena (runtime.Interpreter(model, ..., arena_size)); sharing one buffer is TFLM's
 * multi-tenant allocator (one MicroAllocator given to several MicroInterpreters: head reused at the
 * largest plan, tails stacked; micro_interpreter_test.cc TestMultiTenantInterpreter) or one
 * non-persistent buffer given to each model's MicroAllocator::Create(persistent, non_persistent).
 * So the shared size is proven here as its parts: each model runs in the head + its own tail, the
 * heads are TFLM's, the tails within tolerance of TFLM's.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SharedArena } from '../../src/runtime/tflm/shared-arena.js';
import { cliRunner } from '../helpers/cli.js';
import { sharedDir } from '../helpers/shared.js';
import { buildTflite, FIXTURES } from '../helpers/tflite-builder.js';
import { runInTflm, runTogetherInTflm, tflmPython, type TflmRun } from '../helpers/tflm.js';

const skip = process.env.ARENAPACK_SKIP_TFLM === '1';
if (skip) console.warn('SKIPPED: ARENAPACK_SKIP_TFLM=1: the shared arena is not checked in TensorFlow Lite Micro');

const corpusDir = sharedDir('models/tflite');
const { run } = cliRunner('arenapack-shared-tflm-');
const dir = mkdtempSync(join(tmpdir(), 'arenapack-shared-tflm-'));
const summary: string[] = [];

/** As tflm.test.ts: the tail estimate is within 2% or 64 B of the tail TFLM reports on this host. */
const tailTolerance = (measured: number): number => Math.max(64, Math.ceil(0.02 * measured));

/** Plans `paths` with --shared-arena for this 64-bit host, writes them to a folder, runs them together in TFLM and alone as stored. */
function check(python: string, label: string, paths: string[]): void {
  const out = mkdtempSync(join(dir, `${label}-`));
  const r = run('plan', ...paths, '--shared-arena', '--pointer-bits', '64', '--json', '--write-tflite', out, '--method', 'heuristic');
  expect(r.code, r.err).toBe(0);
  const shared = (JSON.parse(r.out) as { sharedArena: SharedArena }).sharedArena;
  const written = paths.map((p) => join(out, p.split('/').at(-1)!));
  // Each model in the arena it sees in the shared one: the shared head and its own tail.
  const together = runTogetherInTflm(python, written, shared.models.map((m) => shared.head + m.tail));
  const alone = runInTflm(python, paths);
  const heads: number[] = [];
  let measuredTails = 0;
  shared.models.forEach((m, i) => {
    const got = together.get(written[i]!)! as TflmRun;
    const base = alone.get(paths[i]!)!;
    expect(base.error, `${paths[i]} as stored`).toBeUndefined();
    expect(got.error, `${written[i]} in an arena of ${shared.head} + ${m.tail} B`).toBeUndefined();
    expect(got.outputs, `${written[i]}: outputs, run in turn with the others`).toEqual(base.outputs);
    expect(got.head, `${written[i]}: TFLM's head vs the head reported`).toBe(m.head);
    expect(Math.abs(got.tail! - m.tail), `${written[i]}: tail estimate ${m.tail} B, TFLM's ${got.tail} B`).toBeLessThanOrEqual(tailTolerance(got.tail!));
    heads.push(got.head!);
    measuredTails += got.tail!;
  });
  expect(Math.max(...heads)).toBe(shared.head);
  // The saving is the heads not needed: every head but the largest, as TFLM measures them.
  expect(shared.saving).toBe(heads.reduce((a, b) => a + b, 0) - Math.max(...heads));
  expect(shared.saving).toBeGreaterThan(0);
  summary.push(
    `${label}: heads ${heads.join(' + ')} B (TFLM), shared head ${shared.head} B; tails ${shared.models.map((m) => m.tail).join(' + ')} B estimated, ${measuredTails} B measured; ` +
      `shared arena ${shared.size} B vs separate ${shared.separate} B: saving ${shared.saving} B`,
  );
}

describe.skipIf(skip)('--shared-arena in TFLM: each model in the shared head and its own tail, run in turn', () => {
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    if (summary.length > 0) console.log(`TFLM shared arena:\n  ${summary.join('\n  ')}`);
  });

  it('two fixture models (an int8 convolution, an SVDF with state)', () => {
    const py = tflmPython();
    if ('error' in py) expect.fail(py.error);
    const a = join(dir, 'conv_quant.tflite');
    const b = join(dir, 'svdf_state.tflite');
    writeFileSync(a, buildTflite(FIXTURES.convQuant()));
    writeFileSync(b, buildTflite(FIXTURES.svdfState()));
    check(py.python, 'fixtures', [a, b]);
  }, 120_000);

  it.skipIf(corpusDir === undefined)('two corpus models: keyword spotting, then anomaly detection (MLPerf Tiny)', () => {
    const py = tflmPython();
    if ('error' in py) expect.fail(py.error);
    const paths = ['mlperftiny_kws_dscnn_int8.tflite', 'mlperftiny_ad01_int8.tflite'].map((f) => {
      const p = join(dir, f);
      writeFileSync(p, readFileSync(join(corpusDir!, f)));
      return p;
    });
    check(py.python, 'corpus', paths);
  }, 300_000);
});
