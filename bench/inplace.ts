import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InplaceKind } from '../src/graph/inplace.js';
import type { ImportedModel } from '../src/import/model.js';
import { importModelFile } from '../src/import/model-file.js';
import { InputError } from '../src/problem/errors.js';
import { verifyPlan } from '../src/problem/verify.js';
import { solve } from '../src/solve/solve.js';
import { CAPACITIES } from './models.js';
import { printTable } from './table.js';

const OPTIONS: [string, InplaceKind[]][] = [
  ['none', []],
  ['elementwise', ['elementwise']],
  ['concat', ['concat']],
  ['both', ['elementwise', 'concat']],
];

/** One model planned with each option: the arena (sum of its subgraphs' peaks, as they are stacked), the tensors placed in place, whether every subgraph's plan is proven optimal. */
interface Outcome {
  peak: number;
  aliases: number;
  proven: boolean;
}

function load(file: string, bytes: Uint8Array, inplace: InplaceKind[]): ImportedModel {
  try {
    return importModelFile(bytes, file, { inplace });
  } catch (e) {
    if (e instanceof InputError && /give the batch size/.test(e.message)) return importModelFile(bytes, file, { batch: 1, inplace });
    throw e;
  }
}

function plan(model: ImportedModel): Outcome {
  let peak = 0;
  let aliases = 0;
  let proven = true;
  for (const sg of model.subgraphs) {
    const r = solve(sg.problem, { timeLimitMs: 1000 });
    if (!verifyPlan(sg.problem, r.offsets, r.peak).valid) throw new Error(`${model.file}: invalid plan`);
    peak += r.peak;
    aliases += (sg.inplace ?? []).length;
    proven &&= r.status === 'optimal';
  }
  return { peak, aliases, proven };
}

const kib = (b: number): string => (b / 1024).toFixed(1);
const pct = (k: number, n: number): string => `${k}/${n} (${((100 * k) / n).toFixed(0)}%)`;

/**
 * `npm run bench -- inplace`: every TFLite model of ../shared/models/tflite planned (auto, 1 s per
 * subgraph) without and with `--inplace elementwise`, `--inplace concat` and both: the arena (subgraphs
 * stacked), the bytes each option saves, whether the plans are proven optimal, and the share of models
 * whose arena fits 256 KiB .. 4 MiB before and after. TFLM's own head with these plans is checked by
 * the runtime test (test/runtime/tflm.test.ts), not here.
 */
export function benchInplace(shared: string): void {
  const dir = join(shared, 'models', 'tflite');
  if (!existsSync(dir)) {
    console.log(`\n(SKIPPED: ${dir} is absent: no in-place table)`);
    return;
  }
  const rows: { file: string; out: Outcome[] }[] = [];
  const failed: string[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.tflite')).sort()) {
    const bytes = new Uint8Array(readFileSync(join(dir, f)));
    try {
      rows.push({ file: f.replace(/\.tflite$/, ''), out: OPTIONS.map(([, kinds]) => plan(load(f, bytes, kinds))) });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      failed.push(`${f}: ${e.message.replace(`${f}: `, '')}`);
    }
  }
  const cell = (o: Outcome, base: Outcome): string => {
    const saved = base.peak - o.peak;
    const bytes = saved === 0 ? '0' : saved > 0 ? kib(saved) : `${kib(-saved)} more`;
    return o.aliases === 0 ? '-' : `${o.aliases}: ${bytes}${o.proven ? '' : ' *'}`;
  };
  printTable(
    'In-place operators on the TFLite corpus (arena KiB without in place, subgraphs stacked; per option "tensors in place: KiB saved", * = not proven optimal)',
    ['model', 'arena', 'proven', ...OPTIONS.slice(1).map(([n]) => n), 'both: saved %'],
    rows.map(({ file, out }) => [
      file,
      kib(out[0]!.peak),
      out[0]!.proven ? 'yes' : 'no',
      ...out.slice(1).map((o) => cell(o, out[0]!)),
      out[3]!.aliases === 0 ? '-' : `${((100 * (out[0]!.peak - out[3]!.peak)) / out[0]!.peak).toFixed(1)}%`,
    ]),
  );
  const n = rows.length;
  printTable(
    'Models whose arena fits (before: no in place; after: each option)',
    ['capacity', 'before', ...OPTIONS.slice(1).map(([name]) => name)],
    CAPACITIES.map(([name, cap]) => [name, ...OPTIONS.map((_, k) => pct(rows.filter((r) => r.out[k]!.peak <= cap).length, n))]),
  );
  const totals = OPTIONS.map((_, k) => rows.reduce((s, r) => s + r.out[k]!.peak, 0));
  const touched = OPTIONS.map((_, k) => rows.filter((r) => r.out[k]!.aliases > 0).length);
  const proven = OPTIONS.map((_, k) => rows.filter((r) => r.out[k]!.proven).length);
  printTable(
    'Totals over the corpus',
    ['option', 'models with tensors in place', 'arenas summed (KiB)', 'saved (KiB)', 'proven optimal'],
    OPTIONS.map(([name], k) => [name, String(touched[k]), kib(totals[k]!), kib(totals[0]! - totals[k]!), pct(proven[k]!, n)]),
  );
  if (failed.length > 0) console.log(`\nnot planned (refused on import):\n  ${failed.join('\n  ')}`);
}
