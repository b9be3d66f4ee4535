// npm run bench -- tflm: TensorFlow Lite Micro's head per model, with its own planner and with
// arenapack's plan in four variants (default, --reorder, --inplace elementwise + concat, and that with
// --reorder), all measured in TFLM (the tflite-micro package in .venv, reference kernels, this host),
// each variant's outputs compared bit for bit with the original's over 3 Invokes and its measured head
// with the head arenapack reports; the best variant per model and the counts smaller / equal / larger
// than TFLM's own. Beside them the lower bound of a plan in each variant (the live bound of the planned
// buffers and the kernel scratch, each rounded up to 16 as TFLM rounds, in that variant's order and with
// its in-place tensors), and the floor of any operator order, without and with in-place operators
// (roundedFloors: what one operator's step must hold whatever the order), which says where no plan,
// order or in-place option can go lower; then the tail measured on the host beside arenapack's estimate
// of it for a 64-bit host (src/runtime/tflm/tail.ts), with the worst error over the models whose
// operators all have a rule.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../src/problem/errors.js';
import type { InplaceKind } from '../src/graph/inplace.js';
import type { ImportedModel } from '../src/import/model.js';
import { operatorFloors } from '../src/order/floor.js';
import { subgraphOpGraph } from '../src/order/from-graph.js';
import { liveBound } from '../src/problem/bounds.js';
import { tflmAligned } from '../src/runtime/tflm/allocation.js';
import { tflmGraph } from '../src/runtime/tflm/graph.js';
import { INPLACE_ELEMENTWISE } from '../src/runtime/tflm/inplace.js';
import { modelScratch, type ModelScratch } from '../src/runtime/tflm/head.js';
import { withScratchBuffers } from '../src/runtime/tflm/shape-plan.js';
import { runInTflm, shapesOnly, tflmPython, writtenForTflm, type WrittenPlan } from '../test/helpers/tflm.js';
import { printTable } from './table.js';

/** One model arenapack writes for TFLM: the CLI flags it stands for. */
interface Variant {
  label: string;
  reorder: boolean;
  inplace: InplaceKind[];
}
/**
 * The variants measured: the default plan (no flags), --reorder, and both in-place options
 * (`--inplace elementwise --inplace concat`, the reference kernels' list: src/runtime/tflm/inplace.ts),
 * alone and with --reorder.
 */
const VARIANTS: Variant[] = [
  { label: 'default', reorder: false, inplace: [] },
  { label: '--reorder', reorder: true, inplace: [] },
  { label: '--inplace', reorder: false, inplace: ['elementwise', 'concat'] },
  { label: '--inplace --reorder', reorder: true, inplace: ['elementwise', 'concat'] },
];

/** One variant of one model as TFLM ran it. */
interface Measured {
  /** TFLM's head with arenapack's plan, bytes (measured). */
  head: number;
  /** The head arenapack reports for the plan, bytes. */
  reported: number;
  /** The rounded bound of a plan in this variant's order and with its in-place tensors, bytes. */
  bound: number;
  /** Outputs bit-identical to the original's after every Invoke. */
  same: boolean;
  /** Tensors placed in another's bytes (0 without --inplace). */
  inplace: number;
}

interface Row {
  model: string;
  own: number;
  variants: Measured[];
  /** The floors of every operator order, without and with in-place operators (roundedFloors). */
  floor: Floor;
  floorInplace: Floor;
  tail: number;
  /** arenapack's tail estimate for this 64-bit host, and the operator types it has no rule for. */
  estimate: number;
  unknown: string[];
  note: string;
}

/**
 * A lower bound of the head of any plan of `model` in its operator order: the most bytes live at
 * one step, counting every planned buffer and every kernel scratch request rounded up to 16 (an
 * in-place tensor's bytes once, with the buffer it lives in).
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

/** The floor of every operator order of a model, and the operators at it (`TYPE#index`, `/subgraph` with several). */
interface Floor {
  bytes: number;
  at: string[];
}

/**
 * Lower bounds of the head of any plan of `model` in any operator order (`model` imported in its
 * stored order, without --inplace): the most bytes one operator's step holds whatever the order — the
 * buffers of the tensors it uses, of those the dependencies keep live across it and the whole-run
 * ones, each rounded up to 16, less an input its output shares (a view), plus its kernel scratch
 * rounded up to 16 (src/order/floor.ts, `held`). `inplace`:
 * the same where operators may also work in place (--inplace elementwise, concat, in any order): an
 * element-wise operator of the reference kernels' list holds its largest input of its output's bytes
 * (an activation, not a graph input or output) once with the output, a CONCATENATION its inputs inside
 * its output (counted out whether or not they qualify, so it stays a lower bound).
 */
function roundedFloors(model: ImportedModel, scratch: ModelScratch): { plain: Floor; inplace: Floor } {
  const plain: Floor = { bytes: 0, at: [] };
  const inplace: Floor = { bytes: 0, at: [] };
  const keep = (f: Floor, bytes: number, label: string): void => {
    if (bytes > f.bytes) [f.bytes, f.at] = [bytes, [label]];
    else if (bytes === f.bytes) f.at.push(label);
  };
  model.subgraphs.forEach((sg, s) => {
    const rounded = { ...sg, problem: { ...sg.problem, buffers: sg.problem.buffers.map((b) => ({ ...b, size: tflmAligned(b.size) })) } };
    const { graph, operatorAt } = subgraphOpGraph(rounded, true);
    const extra = operatorAt.map((op) =>
      scratch.operators.filter((o) => o.subgraph === s && o.operator === op).reduce((a, o) => a + o.requests.reduce((x, r) => x + tflmAligned(r.bytes), 0), 0),
    );
    const byIndex = new Map(sg.tensors.map((x) => [x.index, x]));
    const ends = new Set([...sg.inputs, ...sg.outputs]);
    const bytesOf = (t: number): number => byIndex.get(t)?.bytes ?? 0;
    // What may give its bytes to an in-place output (src/graph/inplace.ts): an activation, not a graph input or output.
    const activation = (t: number): boolean => byIndex.get(t)?.kind === 'activation' && !ends.has(t);
    operatorFloors(graph, extra, true).forEach((b, v) => {
      const op = sg.operators[operatorAt[v]!]!;
      const label = `${op.type}#${op.index}${model.subgraphs.length > 1 ? `/${s}` : ''}`;
      keep(plain, b, label);
      // Every activation input, a view's output too (its bytes are its owner's, which in place may take): subtracting
      // more only lowers the floor, so it stays a floor.
      const ins = [...new Set(op.inputs)].filter((t) => t >= 0 && activation(t));
      const out = op.outputs[0] ?? -1;
      const saved =
        op.type === 'CONCATENATION'
          ? ins.reduce((a, t) => a + tflmAligned(bytesOf(t)), 0)
          : INPLACE_ELEMENTWISE.reference.has(op.type)
            ? Math.max(0, ...ins.filter((t) => bytesOf(t) === bytesOf(out)).map((t) => tflmAligned(bytesOf(t))))
            : 0;
      keep(inplace, b - saved, label);
    });
  });
  return { plain, inplace };
}

/** The tail estimate's error against the measured tail: bytes and percent. */
function tailError(x: Row): string {
  const d = x.estimate - x.tail;
  return `${d >= 0 ? '+' : ''}${d} B (${d >= 0 ? '+' : ''}${((100 * d) / x.tail).toFixed(1)}%)`;
}

/** How a head compares with TFLM's own. */
const cmp = (x: number, own: number): 'smaller' | 'equal' | 'LARGER' => (x < own ? 'smaller' : x === own ? 'equal' : 'LARGER');

/** The best variant of a row: the smallest measured head among those whose outputs match (the first on ties). */
function best(x: Row): { head: number; label: string } {
  let k = -1;
  x.variants.forEach((v, i) => {
    if (v.same && (k < 0 || v.head < x.variants[k]!.head)) k = i;
  });
  return k < 0 ? { head: Infinity, label: 'none' } : { head: x.variants[k]!.head, label: VARIANTS[k]!.label };
}

const pct = (x: number, own: number): string => (x === own ? '' : ` (${x < own ? '-' : '+'}${((100 * Math.abs(own - x)) / own).toFixed(1)}%)`);

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
        for (const [k, v] of VARIANTS.entries()) {
          const p = join(dir, `${name}.${k}.tflite`);
          const plan = writtenForTflm(bytes, name, v.reorder, v.inplace);
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
      const model = j.plans[0]![1].model;
      const scratch = [...new Set(j.scratch.operators.map((o) => o.type))].sort();
      const notes = [scratch.length > 0 ? `scratch: ${scratch.slice(0, 3).join(', ')}${scratch.length > 3 ? ', ...' : ''}` : '', model.subgraphs.length > 1 ? `${model.subgraphs.length} subgraphs` : '']
        .filter(Boolean)
        .join('; ');
      const variants = j.plans.map(([p, plan], k): Measured => {
        const run = runs.get(p)!;
        if (run.error !== undefined) throw new Error(`${j.name}: TFLM runs the original but not arenapack's plan (${VARIANTS[k]!.label}): ${run.error}`);
        return {
          head: run.head!,
          reported: plan.head,
          bound: roundedBound(plan.model, j.scratch),
          same: JSON.stringify(run.outputs) === JSON.stringify(own.outputs),
          inplace: plan.model.subgraphs.reduce((a, sg) => a + (sg.inplace?.length ?? 0), 0),
        };
      });
      const floors = roundedFloors(model, j.scratch);
      rows.push({
        model: j.name.replace(/\.tflite$/, ''),
        own: own.head!,
        variants,
        floor: floors.plain,
        floorInplace: floors.inplace,
        tail: runs.get(j.plans[0]![0])!.tail!,
        estimate: j.plans[0]![1].tail64.bytes,
        unknown: j.plans[0]![1].tail64.unknown,
        note: notes,
      });
    }
    const mark = (v: Measured): string => `${v.head}${v.same ? '' : ' OUTPUTS DIFFER'}${v.reported === v.head ? '' : ` (reported ${v.reported})`}`;
    printTable(
      `TFLM head per model (bytes), measured in TFLM (tflite-micro, reference kernels, x86-64 host): its own planner vs arenapack's offline plan per variant (--inplace: elementwise and concat)`,
      ['model', 'TFLM own', ...VARIANTS.map((v) => v.label), 'best', 'best variant', 'vs own', 'in place', 'bound', 'bound --reorder', 'bound --inplace', 'bound --inplace --reorder', 'floor (any order)', 'floor --inplace (any order)', 'floor --inplace at', 'note'],
      rows.map((x) => {
        const b = best(x);
        return [
          x.model,
          String(x.own),
          ...x.variants.map(mark),
          `${b.head}${pct(b.head, x.own)}`,
          b.head === x.own ? '' : b.label,
          cmp(b.head, x.own),
          `${x.variants[2]!.inplace}/${x.variants[3]!.inplace}`,
          ...x.variants.map((v) => String(v.bound)),
          String(x.floor.bytes),
          String(x.floorInplace.bytes),
          `${x.floorInplace.at.slice(0, 2).join(', ')}${x.floorInplace.at.length > 2 ? `, ... (${x.floorInplace.at.length})` : ''}`,
          x.note,
        ];
      }),
    );
    printTable(
      `TFLM tail per model (bytes): measured on this host with arenapack's default plan, and arenapack's estimate for a 64-bit host`,
      ['model', 'tail measured', 'tail estimate (64-bit)', 'error', 'note'],
      rows.map((x) => [
        x.model,
        String(x.tail),
        `${x.estimate}${x.unknown.length > 0 ? ' (lower bound)' : ''}`,
        tailError(x),
        x.unknown.length > 0 ? `no tail rule: ${x.unknown.slice(0, 3).join(', ')}${x.unknown.length > 3 ? ', ...' : ''}` : '',
      ]),
    );
    const sum = (f: (x: Row) => number): number => rows.reduce((a, x) => a + f(x), 0);
    const counts = (f: (x: Row) => number): string => {
      const c = (w: string): number => rows.filter((x) => cmp(f(x), x.own) === w).length;
      return `smaller on ${c('smaller')}, equal on ${c('equal')}, larger on ${c('LARGER')}`;
    };
    console.log(`\n${rows.length} models TFLM runs. Sum of heads: TFLM own ${sum((x) => x.own)} B; ${VARIANTS.map((v, k) => `${v.label} ${sum((x) => x.variants[k]!.head)} B`).join('; ')}; best ${sum((x) => best(x).head)} B.`);
    for (const [k, v] of VARIANTS.entries()) {
      const f = (x: Row): number => x.variants[k]!.head;
      const differ = rows.filter((x) => !x.variants[k]!.same).map((x) => x.model);
      console.log(
        `${v.label}: ${counts(f)}; reported head = measured on ${rows.filter((x) => x.variants[k]!.reported === x.variants[k]!.head).length} of ${rows.length};` +
          ` outputs bit-identical over 3 Invokes on ${rows.length - differ.length} of ${rows.length}${differ.length > 0 ? ` (DIFFER: ${differ.join(', ')})` : ''}; at its bound on ${rows.filter((x) => x.variants[k]!.head === x.variants[k]!.bound).length}.`,
      );
    }
    console.log(`best variant per model: ${counts((x) => best(x).head)}.`);
    const smaller = rows.filter((x) => best(x).head < x.own);
    console.log(`Smaller than TFLM's own: ${smaller.map((x) => `${x.model} ${x.own} -> ${best(x).head} B${pct(best(x).head, x.own)} (${best(x).label})`).join('; ')}.`);
    const ruled = rows.filter((x) => x.unknown.length === 0);
    const worst = ruled.reduce<Row | undefined>((w, x) => (w === undefined || Math.abs(x.estimate - x.tail) / x.tail > Math.abs(w.estimate - w.tail) / w.tail ? x : w), undefined);
    const worstBytes = ruled.reduce((m, x) => Math.max(m, Math.abs(x.estimate - x.tail)), 0);
    console.log(
      `Tail estimate (64-bit) vs TFLM's tail on the ${ruled.length} models whose operators all have a rule: worst ${worst ? `${tailError(worst)} (${worst.model})` : 'n/a'}, at most ${worstBytes} B off;` +
        ` a lower bound on the other ${rows.length - ruled.length} (${rows.filter((x) => x.unknown.length > 0 && x.estimate <= x.tail).length} of them at or below the measured tail).`,
    );
    const equal = rows.filter((x) => best(x).head === x.own);
    const atBound = equal.filter((x) => x.variants.every((v) => v.bound >= x.own));
    console.log(
      `On ${atBound.length} of the ${equal.length} models where no variant is smaller, TFLM's own head is already at or under the bound of every variant` +
        ` (planned buffers + scratch, rounded to 16, in that variant's order and with its in-place tensors): no plan of those is smaller.`,
    );
    const atFloor = equal.filter((x) => x.own <= x.floorInplace.bytes);
    const floorTypes = [...new Set(atFloor.flatMap((x) => x.floorInplace.at.map((a) => a.replace(/#.*/, ''))))].sort();
    console.log(
      `On ${atFloor.length} of those ${equal.length}, TFLM's own head is already the floor of every operator order with in-place operators (one operator's own tensors, those the dependencies keep live across it, the whole-run ones and its scratch, each rounded to 16,` +
        ` an in-place operator's input counted once with its output), set by ${floorTypes.join(', ')}: no order, with or without these in-place options, gives a smaller head.` +
        ` arenapack's best variant meets that floor on ${rows.filter((x) => best(x).head === x.floorInplace.bytes).length} of ${rows.length} models` +
        ` (--reorder, without in-place: the floor without it on ${rows.filter((x) => x.variants[1]!.head === x.floor.bytes).length}); a floor above a measured head would be a fault:` +
        ` ${rows.filter((x) => x.floor.bytes > Math.min(x.variants[0]!.head, x.variants[1]!.head) || x.floorInplace.bytes > Math.min(...x.variants.map((v) => v.head))).length} seen.` +
        `${equal.length > atFloor.length ? ` Above it: ${equal.filter((x) => x.own > x.floorInplace.bytes).map((x) => `${x.model} (${x.own} B, floor ${x.floorInplace.bytes} B)`).join('; ')}.` : ''}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
