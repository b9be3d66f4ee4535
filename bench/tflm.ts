// npm run bench -- tflm: TensorFlow Lite Micro's head per model, with its own planner and with
// arenapack's plan (default and --reorder), all measured in TFLM (the tflite-micro package in .venv,
// reference kernels, this host); beside them the lower bound of a plan in each order (the live bound
// of the planned buffers and the kernel scratch, each rounded up to 16 as TFLM rounds), and the tail
// measured on the host beside arenapack's estimate of it for a 64-bit host (src/runtime/tflm/tail.ts),
// with the worst error over the models whose operators all have a rule.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../src/problem/errors.js';
import type { ImportedModel } from '../src/import/model.js';
import { liveBound } from '../src/problem/bounds.js';
import { tflmAligned } from '../src/runtime/tflm/allocation.js';
import { tflmGraph } from '../src/runtime/tflm/graph.js';
import { modelScratch, type ModelScratch } from '../src/runtime/tflm/head.js';
import { withScratchBuffers } from '../src/runtime/tflm/shape-plan.js';
import { runInTflm, shapesOnly, tflmPython, writtenForTflm, type WrittenPlan } from '../test/helpers/tflm.js';
import { printTable } from './table.js';

interface Row {
  model: string;
  own: number;
  plan: number;
  reorder: number;
  reported: number;
  bound: number;
  boundReorder: number;
  tail: number;
  /** arenapack's tail estimate for this 64-bit host, and the operator types it has no rule for. */
  estimate: number;
  unknown: string[];
  note: string;
}

/**
 * A lower bound of the head of any plan of `model` in its operator order: the most bytes live at
 * one step, counting every planned buffer and every kernel scratch request rounded up to 16.
 */
function roundedBound(model: ImportedModel, scratch: ModelScratch): number {
  return Math.max(
    0,
    ...model.subgraphs.map((sg, s) => {
      const p = withScratchBuffers(sg.problem, s, scratch, sg.order);
      return liveBound({ ...p, buffers: p.buffers.map((b) => ({ ...b, size: tflmAligned(b.size) })) });
    }),
  );
}

/** The tail estimate's error against the measured tail: bytes and percent. */
function tailError(x: Row): string {
  const d = x.estimate - x.tail;
  return `${d >= 0 ? '+' : ''}${d} B (${d >= 0 ? '+' : ''}${((100 * d) / x.tail).toFixed(1)}%)`;
}

export function benchTflm(shared: string): void {
  const src = join(shared, 'models', 'tflite');
  if (!existsSync(src)) {
    console.log(`\n(SKIPPED: ${src} is absent: no TFLM table)`);
    return;
  }
  const py = tflmPython();
  if ('error' in py) {
    console.log(`\n(SKIPPED: no TFLM runtime: ${py.error})`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'arenapack-bench-tflm-'));
  try {
    const jobs: { name: string; base: string; plans: [string, WrittenPlan][]; scratch: ModelScratch }[] = [];
    const files: string[] = [];
    for (const name of readdirSync(src).filter((f) => f.endsWith('.tflite')).sort()) {
      const bytes = new Uint8Array(readFileSync(join(src, name)));
      let base = join(src, name);
      const plans: [string, WrittenPlan][] = [];
      let scratch: ModelScratch;
      try {
        const patched = shapesOnly(bytes, name);
        if (patched) {
          base = join(dir, `${name}.shapes.tflite`);
          writeFileSync(base, patched);
        }
        for (const reorder of [false, true]) {
          const p = join(dir, `${name}.${reorder ? 'reorder' : 'default'}.tflite`);
          const plan = writtenForTflm(bytes, name, reorder);
          writeFileSync(p, plan.bytes);
          plans.push([p, plan]);
        }
        // The kernels' requests in the stored order, from the model graph the default plan was made of.
        scratch = modelScratch(tflmGraph(plans[0]![1].model));
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        continue;
      }
      jobs.push({ name, base, plans, scratch });
      files.push(base, ...plans.map(([p]) => p));
    }
    const runs = runInTflm(py.python, files);
    const rows: Row[] = [];
    for (const j of jobs) {
      const own = runs.get(j.base)!;
      if (own.error !== undefined) continue;
      const [d, r] = j.plans.map(([p]) => runs.get(p)!);
      const model = j.plans[0]![1].model;
      const scratch = [...new Set(j.scratch.operators.map((o) => o.type))].sort();
      const notes = [scratch.length > 0 ? `scratch: ${scratch.slice(0, 3).join(', ')}${scratch.length > 3 ? ', ...' : ''}` : '', model.subgraphs.length > 1 ? `${model.subgraphs.length} subgraphs` : '']
        .filter(Boolean)
        .join('; ');
      if (d!.error !== undefined || r!.error !== undefined) throw new Error(`${j.name}: TFLM runs the original but not arenapack's plan: ${d!.error ?? r!.error}`);
      rows.push({
        model: j.name.replace(/\.tflite$/, ''),
        own: own.head!,
        plan: d!.head!,
        reorder: r!.head!,
        reported: j.plans[0]![1].head,
        bound: roundedBound(model, j.scratch),
        boundReorder: roundedBound(j.plans[1]![1].model, j.scratch),
        tail: d!.tail!,
        estimate: j.plans[0]![1].tail64.bytes,
        unknown: j.plans[0]![1].tail64.unknown,
        note: notes,
      });
    }
    const cmp = (x: number, y: number): string => (x < y ? 'smaller' : x === y ? 'equal' : 'LARGER');
    printTable(
      `TFLM head per model (bytes), measured in TFLM (tflite-micro, reference kernels, x86-64 host): its own planner vs arenapack's offline plan`,
      ['model', 'TFLM own', 'arenapack', 'arenapack --reorder', 'reported', 'vs own', 'bound', 'bound --reorder', 'tail measured', 'tail estimate (64-bit)', 'error', 'note'],
      rows.map((x) => [
        x.model,
        String(x.own),
        String(x.plan),
        String(x.reorder),
        String(x.reported),
        cmp(Math.min(x.plan, x.reorder), x.own),
        String(x.bound),
        String(x.boundReorder),
        String(x.tail),
        `${x.estimate}${x.unknown.length > 0 ? ' (lower bound)' : ''}`,
        tailError(x),
        [x.note, x.unknown.length > 0 ? `no tail rule: ${x.unknown.slice(0, 3).join(', ')}${x.unknown.length > 3 ? ', ...' : ''}` : ''].filter(Boolean).join('; '),
      ]),
    );
    const sum = (f: (x: Row) => number): number => rows.reduce((a, x) => a + f(x), 0);
    const count = (f: (x: Row) => number, c: string): number => rows.filter((x) => cmp(f(x), x.own) === c).length;
    console.log(`\n${rows.length} models TFLM runs. Sum of heads: TFLM own ${sum((x) => x.own)} B; arenapack ${sum((x) => x.plan)} B; with --reorder ${sum((x) => x.reorder)} B.`);
    for (const [label, f] of [['arenapack', (x: Row) => x.plan], ['arenapack --reorder', (x: Row) => x.reorder]] as const) {
      console.log(`${label}: smaller on ${count(f, 'smaller')}, equal on ${count(f, 'equal')}, larger on ${count(f, 'LARGER')}.`);
    }
    console.log(`Reported head = measured head on ${rows.filter((x) => x.reported === x.plan).length} of ${rows.length}.`);
    const ruled = rows.filter((x) => x.unknown.length === 0);
    const worst = ruled.reduce<Row | undefined>((w, x) => (w === undefined || Math.abs(x.estimate - x.tail) / x.tail > Math.abs(w.estimate - w.tail) / w.tail ? x : w), undefined);
    const worstBytes = ruled.reduce((m, x) => Math.max(m, Math.abs(x.estimate - x.tail)), 0);
    console.log(
      `Tail estimate (64-bit) vs TFLM's tail on the ${ruled.length} models whose operators all have a rule: worst ${worst ? `${tailError(worst)} (${worst.model})` : 'n/a'}, at most ${worstBytes} B off;` +
        ` a lower bound on the other ${rows.length - ruled.length} (${rows.filter((x) => x.unknown.length > 0 && x.estimate <= x.tail).length} of them at or below the measured tail).`,
    );
    const atBound = rows.filter((x) => x.own === x.bound && Math.min(x.plan, x.reorder) === x.own);
    console.log(
      `TFLM's own head is already the bound (planned buffers + scratch, rounded to 16, stored order) on ${atBound.length} of the ${rows.filter((x) => Math.min(x.plan, x.reorder) === x.own).length} models where arenapack is equal: no plan in that order is smaller.` +
        ` arenapack's plan is at its bound on ${rows.filter((x) => x.plan === x.bound).length} of ${rows.length} (--reorder: ${rows.filter((x) => x.reorder === x.boundReorder).length}).`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
