/**
 * Memory tiers (`--memory`) on a TFLite model: TFLM's one arena lives in the first memory, so its
 * persistent tail (tflmTailReserve) takes room there and the kernels' scratch (placed in the head)
 * stays there, as `--capacity` keeps them on chip (src/plan-model-tiers.ts planModelProblemsTiers).
 * `--memory chip=C:0 --memory ddr:1` gives `--capacity C`'s plan and figures (head with scratch, tail,
 * fits) where the two choose the same buffers to move (the tiers weigh a model's buffers by traffic,
 * --capacity by bytes; bench/tiers.ts checks the same plan with both by bytes); when the tail alone fills the first memory there is no plan (exit 3, nothing written); with
 * everything in the first memory `--write-tflite` writes a model TFLM runs with the head reported.
 * Before this, the tiers planned the tensors within the whole first memory: "everything is in sram"
 * with the tail 28x its size, and more on chip than --capacity keeps.
 * On the scratch fixtures (test/helpers/scratch-fixtures.ts) and, with ../shared, on two corpus
 * models (skipped, and said so, without). Runs build/js/cli.js (npm run build first).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alignUp } from '../src/format/bytes.js';
import { importTflite } from '../src/import/tflite/index.js';
import type { Memory } from '../src/problem/types.js';
import { verifySpilledPlan } from '../src/problem/verify.js';
import { cliRunner } from './helpers/cli.js';
import { scratchFixtures } from './helpers/scratch-fixtures.js';
import { sharedDir } from './helpers/shared.js';
import { buildTflite } from './helpers/tflite-builder.js';
import { runInTflm, tflmPython } from './helpers/tflm.js';

const { run, file, dir } = cliRunner('arenapack-tiers-tflm-');

interface CapacityJson {
  arena: { fits?: boolean; tflm: { head: number; total: number; tail: { bytes: number } } };
  buffers: { id: string; size: number; offset: number; memory?: Memory }[];
}

interface TiersJson {
  status: string;
  memories: { name: string; capacity: number | null; used: number | null }[];
  tflm?: { memory: string; capacity?: number; head: number; tail: number; total: number; fits: boolean; single: boolean; scratchRequests: number };
  subgraphs: { status: string; failure?: string; memories: { name: string; capacity: number | null }[]; buffers: { id: string; offset: number; memory: string }[] }[];
}

const json = <T>(r: { out: string }): T => JSON.parse(r.out) as T;

/** `--capacity C` and `--memory chip=C:0 --memory ddr:1` on `path`: their JSON and exit codes. */
function both(path: string, cap: number): { capacity: CapacityJson; tiers: TiersJson; codes: [number, number] } {
  const c = run('plan', path, '--json', '--method', 'heuristic', '--capacity', String(cap));
  const t = run('plan', path, '--json', '--method', 'heuristic', '--memory', `chip=${cap}:0`, '--memory', 'ddr:1');
  return { capacity: json<CapacityJson>(c), tiers: json<TiersJson>(t), codes: [c.code, t.code] };
}

/** The two plans are the same: each buffer in the same memory at the same offset, the same TFLM figures. */
function expectSame(r: ReturnType<typeof both>, cap: number): void {
  expect(r.codes[1]).toBe(r.codes[0]);
  const t = r.tiers.tflm!;
  expect(t).toBeDefined();
  expect({ head: t.head, tail: t.tail, total: t.total, fits: t.fits }).toEqual({
    head: r.capacity.arena.tflm.head,
    tail: r.capacity.arena.tflm.tail.bytes,
    total: r.capacity.arena.tflm.total,
    fits: r.capacity.arena.fits,
  });
  expect(t.capacity).toBe(cap);
  expect(r.tiers.memories[0]!.capacity).toBe(cap);
  const tiers = r.tiers.subgraphs[0]!.buffers;
  expect(tiers.map((b) => b.memory)).toEqual(r.capacity.buffers.map((b) => b.memory ?? 'chip'));
  expect(tiers.map((b) => b.offset)).toEqual(r.capacity.buffers.map((b) => b.offset));
}

/**
 * A scratch fixture's model file, its plan with no capacity, and `plan --json --method heuristic --memory
 * sram=HEAD+TAIL:1 --memory ddr:10 --write-tflite OUT` on it (everything in the first memory): made
 * once per fixture (by whichever test asks first), read by the tests that check that run's JSON and by
 * the one that runs its OUT in TFLM.
 */
interface FixtureRuns {
  path: string;
  free: CapacityJson;
  /** The everything-in-sram run, its --write-tflite file and the memory's size (head + tail), bytes. */
  all: { run: { code: number; out: string; err: string }; out: string; cap: number };
}
const fixtureRuns = new Map<string, FixtureRuns>();
function runsOf(fx: ReturnType<typeof scratchFixtures>[number]): FixtureRuns {
  let r = fixtureRuns.get(fx.name);
  if (r === undefined) {
    const path = file(`${fx.name}.tflite`, buildTflite(fx.spec));
    const free = json<CapacityJson>(run('plan', path, '--json', '--method', 'heuristic'));
    const cap = free.arena.tflm.head + free.arena.tflm.tail.bytes;
    const out = join(dir, `${fx.name}-all.tflite`);
    const all = run('plan', path, '--json', '--method', 'heuristic', '--memory', `sram=${cap}:1`, '--memory', 'ddr:10', '--write-tflite', out);
    r = { path, free, all: { run: all, out, cap } };
    fixtureRuns.set(fx.name, r);
  }
  return r;
}

describe('memory tiers on a TFLite model: TFLM tail and kernel scratch in the first memory', () => {
  for (const fx of scratchFixtures()) {
    const { path, free, all } = runsOf(fx);
    const problem = importTflite(new Uint8Array(readFileSync(path)), path).subgraphs[0]!.problem;
    const scratch = fx.scratch.reduce((a, b) => a + alignUp(b, 16), 0);
    const tail = free.arena.tflm.tail.bytes;
    const head = free.arena.tflm.head;

    it(`${fx.name}: a first memory the tail alone fills has no plan: exit 3, the report says why, nothing written`, () => {
      const out = join(dir, `${fx.name}-tail.tflite`);
      const r = run('plan', path, '--method', 'heuristic', '--memory', `sram=${tail}:1`, '--memory', 'ddr:10', '--write-tflite', out);
      expect(r.code, r.err).toBe(3);
      expect(r.out).toContain(`TFLite Micro's persistent tail (estimate ${tail} B) alone fills memory "sram" (${tail} B)`);
      expect(r.err).toContain('nothing was written');
      expect(existsSync(out)).toBe(false);
    });

    it(`${fx.name}: chip = tail + scratch: the same spill as --capacity, the head the scratch alone; 16 B less fits neither`, () => {
      const tight = both(path, tail + scratch);
      expect(tight.codes[0]).toBe(0);
      expectSame(tight, tail + scratch);
      expect(tight.tiers.tflm!.head).toBe(scratch);
      expect(tight.tiers.tflm!.single).toBe(false);
      const under = both(path, tail + scratch - 16);
      expect(under.codes).toEqual([3, 3]);
      expect(under.tiers.subgraphs[0]!.failure).toBeDefined();
    });

    it(`${fx.name}: chip = tail + head - 16: spilled within the room beside the tail, as --capacity; its on-chip part verifies there`, () => {
      const cap = tail + head - 16;
      const r = both(path, cap);
      expect(r.codes).toEqual([0, 0]);
      // The tiers weigh a model's buffers by traffic, --capacity by bytes: what goes to DDR may differ
      // (rfft_float: each keeps a different tensor on chip), the room and the tail may not.
      const t = r.tiers.tflm!;
      expect([t.tail, t.capacity, t.single, t.fits]).toEqual([r.capacity.arena.tflm.tail.bytes, cap, false, true]);
      expect(r.tiers.subgraphs[0]!.memories[0]!.capacity).toBe(cap - tail);
      const bufs = r.tiers.subgraphs[0]!.buffers;
      const v = verifySpilledPlan(
        problem,
        bufs.map((b) => (b.memory === 'chip' ? 'chip' : 'ddr')),
        bufs.map((b) => b.offset),
        cap - tail,
      );
      expect(v.errors).toEqual([]);
      expect(r.tiers.tflm!.head + r.tiers.tflm!.tail).toBeLessThanOrEqual(cap);
    });

    it(`${fx.name}: everything in the first memory: --write-tflite writes a model whose head is the one reported`, () => {
      const { cap, out, run: r } = all;
      expect(cap).toBe(tail + head);
      expect(r.code, r.err).toBe(0);
      const t = json<TiersJson>(r).tflm!;
      expect(t.single).toBe(true);
      expect(t.fits).toBe(true);
      const again = json<CapacityJson>(run('plan', out, '--json', '--method', 'heuristic'));
      expect(again.arena.tflm.head).toBe(t.head);
      expect(t.total).toBeLessThanOrEqual(cap);
      // The report says it in words too.
      const text = run('plan', path, '--method', 'heuristic', '--memory', `sram=${cap}:1`, '--memory', 'ddr:10');
      expect(text.out).toContain(`TFLite Micro's arena is in "sram": TFLM's head with the kernels' scratch`);
      expect(text.out).toMatch(/= .* within .*: fits/);
    });
  }
});

describe('memory tiers on corpus TFLite models (../shared/models/tflite)', () => {
  const models = sharedDir('models/tflite');

  it.skipIf(models === undefined)('tfmicro_keyword_scrambled: sram=300:1 + ddr:10 --write-tflite: TFLM tail (12,704 B estimate) alone fills sram: exit 3, nothing written', () => {
    const out = join(dir, 'kst.tflite');
    const r = run('plan', join(models!, 'tfmicro_keyword_scrambled.tflite'), '--memory', 'sram=300:1', '--memory', 'ddr:10', '--write-tflite', out);
    expect(r.code, r.err).toBe(3);
    expect(r.out).toContain('alone fills memory "sram" (300 B)');
    expect(r.out).not.toContain('everything is in');
    expect(existsSync(out)).toBe(false);
  });

  it.skipIf(models === undefined)('mlperftiny_kws_dscnn_int8: chip=12KiB:0 + ddr:1 gives --capacity 12KiB: the head within 12 KiB less the 7,200 B tail', () => {
    const r = both(join(models!, 'mlperftiny_kws_dscnn_int8.tflite'), 12 * 1024);
    expectSame(r, 12 * 1024);
    expect(r.tiers.tflm!.tail).toBe(7200);
    expect(r.tiers.tflm!.head).toBeLessThanOrEqual(12 * 1024 - 7200);
    expect(r.tiers.tflm!.fits).toBe(true);
  });
});

describe('--memory --header on a TFLite model: memory 0 is sized by the TFLM arena', () => {
  it("memory 0's arena macro counts the planned tensors only and says so; the TFLM arena macro (head + tail) is what the memory must hold", () => {
    const fx = scratchFixtures().find((f) => f.name === 'svdf_float')!;
    const path = file('header-svdf.tflite', buildTflite(fx.spec));
    const h = join(dir, 'svdf-tiers.h');
    const r = run('plan', path, '--method', 'heuristic', '--memory', 'chip=64KiB:0', '--memory', 'ddr:1', '--header', h, '--prefix', 'SV');
    expect(r.code, r.err).toBe(0);
    const t = json<TiersJson>(run('plan', path, '--json', '--method', 'heuristic', '--memory', 'chip=64KiB:0', '--memory', 'ddr:1')).tflm!;
    const text = readFileSync(h, 'utf8');
    const chip = Number(text.match(/#define SV_CHIP_ARENA_SIZE (\d+)/)![1]);
    expect(chip + t.tail).toBeLessThanOrEqual(t.total);
    expect(chip).toBeLessThan(t.total); // sizing memory 0 by this macro alone would leave out TFLM's tail
    expect(text).toMatch(/#define SV_CHIP_ARENA_SIZE \d+ \/\* the planned tensors only: size this memory by the TFLM arena below/);
    expect(text).toContain(`#define SV_TFLM_HEAD_SIZE ${t.head}`);
    expect(text).toContain(`#define SV_TFLM_TAIL_ESTIMATE ${t.tail}`);
    expect(text).toContain('#define SV_TFLM_ARENA_SIZE (SV_TFLM_HEAD_SIZE + SV_TFLM_TAIL_ESTIMATE)');
  });
});

describe('--memory --write-tflite, everything in the first memory: TFLM runs the written model in the head reported', () => {
  // The real runtime (tflite-micro in .venv, scripts/setup-python.sh): the head TFLM reports with the
  // written offline plan must be the tiers report's, and the outputs after 3 Invokes those of the model as given.
  it.skipIf(process.env.ARENAPACK_SKIP_TFLM === '1')('each scratch fixture: measured head = reported head; outputs bit-identical to the original', () => {
    const py = tflmPython();
    if ('error' in py) throw new Error(`TFLM runtime not available: ${py.error}`);
    const reported = new Map<string, number>();
    const pairs: [string, string][] = [];
    for (const fx of scratchFixtures()) {
      // The run the tests above check (sram = the whole TFLM arena, head + tail): its written model.
      const { path, free, all } = runsOf(fx);
      expect(all.cap).toBe(free.arena.tflm.total);
      const { out, run: r } = all;
      expect(r.code, r.err).toBe(0);
      reported.set(out, json<TiersJson>(r).tflm!.head);
      pairs.push([path, out]);
    }
    const runs = runInTflm(py.python, pairs.flat());
    for (const [original, written] of pairs) {
      const a = runs.get(original)!;
      const b = runs.get(written)!;
      expect(b.error, written).toBeUndefined();
      expect(b.head, written).toBe(reported.get(written));
      expect(b.outputs, written).toEqual(a.outputs);
    }
  });
});
