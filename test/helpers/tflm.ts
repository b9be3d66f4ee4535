/**
 * TensorFlow Lite Micro as the tests' (and bench's) real runtime: the `tflite-micro` Python package in
 * the repository's .venv (scripts/setup-python.sh), driven by scripts/tflm_run.py; and the models
 * arenapack writes for it (--write-tflite, default and --reorder), made in process.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tensorOffsets } from '../../src/export/tensor-offsets.js';
import { shapePatches, writeOfflinePlan } from '../../src/export/tflm-offline-plan.js';
import type { InplaceKind } from '../../src/graph/inplace.js';
import type { ImportedModel } from '../../src/import/model.js';
import { importTflite } from '../../src/import/tflite/index.js';
import { reorderTflite } from '../../src/order/model.js';
import { tflmArena, tflmArenaOptions } from '../../src/runtime/tflm/arena.js';
import type { TailEstimate } from '../../src/runtime/tflm/tail.js';
import { planForTflm } from '../../src/runtime/tflm/model-head.js';
import { solve } from '../../src/solve/solve.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PYTHON = join(ROOT, '.venv', 'bin', 'python');
const RUNNER = join(ROOT, 'scripts', 'tflm_run.py');

/**
 * The .venv's Python with tflite-micro, set up by scripts/setup-python.sh when it is missing (about
 * 20 s from PyPI); `error` says what failed when it cannot be had.
 */
export function tflmPython(): { python: string } | { error: string } {
  const probe = (): boolean =>
    existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'from tflite_micro.python.tflite_micro import runtime'], { encoding: 'utf8' }).status === 0;
  if (probe()) return { python: PYTHON };
  const setup = spawnSync('bash', [join(ROOT, 'scripts', 'setup-python.sh')], { encoding: 'utf8', timeout: 600_000 });
  if (setup.status === 0 && probe()) return { python: PYTHON };
  return { error: `scripts/setup-python.sh failed (exit ${setup.status}${setup.signal ? `, ${setup.signal}` : ''}): ${(setup.stderr || setup.stdout || '').trim().split('\n').slice(-3).join(' | ')}` };
}

/** One model run in TFLM: the arena's head and tail (bytes) and the outputs' hashes after each Invoke. */
export interface TflmRun {
  file: string;
  head?: number;
  tail?: number;
  /** outputs[i][k]: a hash of output k's bytes after Invoke i. */
  outputs?: string[][];
  shapes?: number[][];
  /** Why TFLM refused (or crashed on) the model. */
  error?: string;
}

/**
 * Runs `files` in TFLM (3 Invokes, seeded inputs; `args`: more of scripts/tflm_run.py's options, e.g.
 * `--bool true`) in as few Python processes as it can: one, unless
 * the runtime crashes on a model — that model is reported as crashed and the rest run in a new process.
 * Files with the same bytes run once (the first of them): each model gets its own interpreter and the
 * same seeded inputs, so TFLM gives a copy the same run (e.g. a --reorder that keeps the order writes the
 * default's bytes); each file still gets its own result, under its own name.
 */
export function runInTflm(python: string, files: readonly string[], invokes = 3, args: readonly string[] = []): Map<string, TflmRun> {
  const firstOf = new Map<string, string>();
  const sameAs = new Map<string, string>();
  for (const f of files) {
    const hash = createHash('sha256').update(readFileSync(f)).digest('hex');
    const first = firstOf.get(hash);
    if (first === undefined) firstOf.set(hash, f);
    else if (first !== f) sameAs.set(f, first);
  }
  const out = runEachInTflm(python, [...firstOf.values()], invokes, args);
  for (const [f, first] of sameAs) out.set(f, { ...out.get(first)!, file: f });
  return out;
}

/** runInTflm on files that all run (no two the same bytes). */
function runEachInTflm(python: string, files: readonly string[], invokes: number, args: readonly string[]): Map<string, TflmRun> {
  const out = new Map<string, TflmRun>();
  let rest = [...files];
  while (rest.length > 0) {
    const r = spawnSync(python, [RUNNER, '--invokes', String(invokes), ...args, ...rest], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 900_000 });
    for (const line of r.stdout.split('\n').filter((l) => l.trim())) {
      const run = JSON.parse(line) as TflmRun;
      out.set(run.file, run);
    }
    const next = rest.findIndex((f) => !out.has(f));
    if (next < 0) break;
    if (r.status === 0) throw new Error(`tflm_run.py gave no result for ${rest[next]}: ${r.stderr}`);
    out.set(rest[next]!, { file: rest[next]!, error: `the runtime crashed (${r.signal ?? `exit ${r.status}`})` });
    rest = rest.slice(next + 1);
  }
  return out;
}

/**
 * Runs `files` in TFLM one after another as models sharing an arena run (scripts/tflm_run.py
 * --together): every interpreter made first, file k with an arena of `arenas[k]` bytes (the Python
 * binding gives each interpreter its own arena), then each Invoke runs the models in turn. Throws
 * when the runtime crashes.
 */
export function runTogetherInTflm(python: string, files: readonly string[], arenas: readonly number[], invokes = 3): Map<string, TflmRun> {
  const r = spawnSync(python, [RUNNER, '--invokes', String(invokes), '--together', '--arenas', arenas.join(','), ...files], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 900_000 });
  if (r.status !== 0) throw new Error(`tflm_run.py --together: ${r.signal ?? `exit ${r.status}`}: ${r.stderr}`);
  return new Map(r.stdout.split('\n').filter((l) => l.trim()).map((l) => {
    const run = JSON.parse(l) as TflmRun;
    return [run.file, run];
  }));
}

/** A model written for TFLM by arenapack, with the head arenapack reports for it. */
export interface WrittenPlan {
  bytes: Uint8Array;
  /** The head arenapack reports (planned tensors rounded to 16, and the kernels' scratch TFLM places around them), bytes. */
  head: number;
  model: ImportedModel;
  /** The offline plan written: offsets[s][t] of tensor t of subgraph s, bytes from the head's start (-1: the runtime places it). */
  offsets: number[][];
  /** Operators whose scratch arenapack does not know (custom operators without a rule): their types. */
  unknownScratch: string[];
  /** The head arenapack says TFLM's own planner reaches on the model as given (the reports' "before"), bytes. */
  runtimeDefault: number;
  /** arenapack's estimate of TFLM's tail for a 64-bit host (src/runtime/tflm/tail.ts), to compare with the tail measured here. */
  tail64: TailEstimate;
}

/**
 * What `arenapack plan FILE --write-tflite OUT [--reorder] [--inplace K]... [--no-prepared]` writes, made in process: every subgraph
 * planned by the heuristic portfolio (solve() verifies each plan), the plan shaped for TFLM's kernel
 * scratch (planForTflm, reference kernels), computed shapes written. `keepPrepared` false: --no-prepared.
 */
export function writtenForTflm(bytes: Uint8Array, file: string, reorder: boolean, inplace: readonly InplaceKind[] = [], keepPrepared = true): WrittenPlan {
  const options = { ...(inplace.length > 0 ? { inplace } : {}), ...(keepPrepared ? {} : { keepPrepared }) };
  const r = reorder ? reorderTflite(bytes, file, options) : undefined;
  const model = r?.reordered ?? importTflite(bytes, file, options);
  const plans = model.subgraphs.map((sg) => solve(sg.problem, { method: 'heuristic' }));
  const orders = r?.results.map((x) => x.order);
  const offsetsOf = (ps: readonly { offsets: number[]; peak: number }[]): number[][] => tensorOffsets(model, ps);
  const facts = planForTflm({
    model,
    plans,
    solve: (p) => solve(p, { method: 'heuristic' }),
    offsets: offsetsOf,
    ...(orders ? { orders } : {}),
  });
  const offsets = offsetsOf(facts.plans);
  const arena = tflmArena(model, offsets, tflmArenaOptions(facts, 64));
  return {
    bytes: writeOfflinePlan(bytes, file, offsets, orders, shapePatches(model)),
    head: arena.head,
    model,
    offsets,
    unknownScratch: [...new Set(facts.scratch.unknown.map((u) => u.type))].sort(),
    runtimeDefault: facts.runtimeDefault,
    tail64: arena.tail,
  };
}

/**
 * The model with only its computed shapes written (offline plan all -1: TFLM places every tensor
 * itself), the baseline for a model TFLM rejects as stored; undefined when no shape needs writing.
 */
export function shapesOnly(bytes: Uint8Array, file: string): Uint8Array | undefined {
  const model = importTflite(bytes, file);
  const patches = shapePatches(model);
  if (patches.every((p) => p.size === 0)) return undefined;
  return writeOfflinePlan(bytes, file, model.subgraphs.map((sg) => new Array<number>(sg.tensorCount).fill(-1)), undefined, patches);
}
