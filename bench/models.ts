import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImportedModel, ModelImportOptions } from '../src/import/model.js';
import { importModelFile } from '../src/import/model-file.js';
import { InputError } from '../src/problem/errors.js';
import { verifyPlan } from '../src/problem/verify.js';
import { ASSIGN_METHODS, type MethodName } from '../src/solve/methods.js';
import { solve } from '../src/solve/solve.js';
import { printTable } from './table.js';

const KIB = 1024;
/** The memory sizes the benches ask "does it fit" of: 256 KiB .. 4 MiB. */
export const CAPACITIES: [string, number][] = [
  ['256 KiB', 256 * KIB],
  ['512 KiB', 512 * KIB],
  ['1 MiB', 1024 * KIB],
  ['2 MiB', 2048 * KIB],
  ['4 MiB', 4096 * KIB],
];
const PLACE_BEST: MethodName[] = ['greedy-size', 'local-search'];

interface Row {
  file: string;
  live: number;
  naive: number;
  before: number;
  after: number;
  method: string;
  proven: boolean;
  ms: number;
  /** best slots method (assign) and best of greedy-size / local-search (place). */
  assign: number;
  place: number;
}

/** Default import (align 16, prepared tensors kept, RESHAPE sharing; `options` on top), batch 1 where the batch is dynamic. */
export function load(file: string, bytes: Uint8Array, options: ModelImportOptions = {}): ImportedModel {
  try {
    return importModelFile(bytes, file, options);
  } catch (e) {
    if (e instanceof InputError && /give the batch size/.test(e.message)) return importModelFile(bytes, file, { ...options, batch: 1 });
    throw e;
  }
}

const kib = (b: number): string => (b / KIB).toFixed(1);
const pct = (k: number, n: number): string => `${k}/${n} (${((100 * k) / n).toFixed(0)}%)`;

/** The seed's table on ../shared/models/tflite: subgraph 0 of every model, default options. */
export function benchModels(shared: string): void {
  const dir = join(shared, 'models', 'tflite');
  if (!existsSync(dir)) {
    console.log(`\n(SKIPPED: ${dir} is absent: no model table)`);
    return;
  }
  const rows: Row[] = [];
  const failed: string[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.tflite')).sort()) {
    const bytes = new Uint8Array(readFileSync(join(dir, f)));
    let model: ImportedModel;
    try {
      model = load(f, bytes);
    } catch (e) {
      failed.push(`${f}: ${(e as Error).message.replace(`${f}: `, '')}`);
      continue;
    }
    const p = model.subgraphs[0]!.problem;
    const t = performance.now();
    const r = solve(p, { timeLimitMs: 1000 });
    const ms = performance.now() - t;
    if (!verifyPlan(p, r.offsets, r.peak).valid) throw new Error(`${f}: invalid plan`);
    const peakOf = (m: string): number => r.methods.find((x) => x.method === m)?.peak ?? solve(p, { method: m as MethodName }).peak;
    rows.push({
      file: f.replace(/\.tflite$/, ''),
      live: r.liveBound,
      naive: peakOf('naive'),
      before: peakOf('slots-inorder'),
      after: r.peak,
      method: r.method,
      proven: r.status === 'optimal',
      ms,
      assign: Math.min(...ASSIGN_METHODS.map(peakOf)),
      // local-search is skipped by `auto` when greedy-size already meets the bound: take what ran.
      place: Math.min(...r.methods.filter((x) => PLACE_BEST.includes(x.method as MethodName)).map((x) => x.peak)),
    });
  }
  rows.sort((a, b) => a.live - b.live);
  printTable(
    'Models (../shared/models/tflite, subgraph 0; align 16, prepared tensors kept, RESHAPE sharing, batch 1 where dynamic); KiB',
    ['model', 'live bound', 'no reuse', 'before (slots-inorder)', 'after (best)', 'after/LB', 'method', 'proven', 'ms'],
    rows.map((r) => [r.file, kib(r.live), kib(r.naive), kib(r.before), kib(r.after), (r.after / Math.max(r.live, 1)).toFixed(3), r.method, r.proven ? 'yes' : 'no', r.ms.toFixed(1)]),
  );
  const n = rows.length;
  printTable(
    `Models that fit (of ${n} planned)`,
    ['capacity', 'no reuse', 'before (slots-inorder)', 'after (best)'],
    CAPACITIES.map(([name, c]) => [
      name,
      pct(rows.filter((r) => r.naive <= c).length, n),
      pct(rows.filter((r) => r.before <= c).length, n),
      pct(rows.filter((r) => r.after <= c).length, n),
    ]),
  );
  const red = rows.map((r) => (r.assign > 0 ? (r.assign - r.place) / r.assign : 0)).sort((a, b) => a - b);
  const mean = red.reduce((a, x) => a + x, 0) / n;
  const q = (x: number): string => `${(100 * red[Math.min(n - 1, Math.floor(x * n))]!).toFixed(1)}%`;
  console.log(
    `\nMerging (place: best of greedy-size / local-search) against reuse (assign: best slots method): ` +
      `arena ${(100 * mean).toFixed(1)}% smaller on average; median ${q(0.5)}, quartiles ${q(0.25)} / ${q(0.75)}, max ${q(1)}; ` +
      `smaller on ${red.filter((x) => x > 0).length} of ${n} models, equal on ${red.filter((x) => x === 0).length}.`,
  );
  const beforeAfter = rows.map((r) => (r.before - r.after) / r.before);
  console.log(`After against before (slots-inorder): ${((100 * beforeAfter.reduce((a, x) => a + x, 0)) / n).toFixed(1)}% smaller on average.`);
  console.log(`Proven optimal (peak = live bound, or the exact search found nothing lower): ${rows.filter((r) => r.proven).length} of ${n}.`);
  if (failed.length > 0) console.log(`\nNot planned (${failed.length}):\n  ${failed.join('\n  ')}`);
}
