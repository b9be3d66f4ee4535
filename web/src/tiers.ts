/**
 * The page's memory tiers (issue #13): a memories editor with presets, and the plan over them — each
 * part (subgraph) stacked per memory as on the command line (planStackedTiers), a model's buffers
 * weighted by their traffic (withTraffic). The page has no GLPK: two memories shaped like a capacity
 * are exact (the spill choice search); more memories get the heuristic and its bound, said so.
 */
import { formatTieredReport } from '../../src/export/tiers.js';
import { tieredLayoutSvg } from '../../src/export/tiers-svg.js';
import { formatBytes } from '../../src/format/bytes.js';
import { parseMemoryList } from '../../src/format/memory-spec.js';
import { isFlash, planModelProblemsTiers, planStackedTiers, tflmTiers, tiersDeadline, weightTiers, withTraffic } from '../../src/plan-model-tiers.js';
import type { MemoryTier, Problem } from '../../src/problem/types.js';
import type { SolveOptions, SolveResult } from '../../src/solve/solve.js';
import { planTiersAsync, type TieredPlan } from '../../src/solve/tiers/index.js';
import type { Input } from './input.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;

/** Presets of the memories editor: label, memories as text. */
export const MEMORY_PRESETS: [string, string][] = [
  ['Cortex-M7: 64 KiB DTCM + 512 KiB SRAM + 8 MiB PSRAM', 'dtcm=64KiB:1, sram=512KiB:2, psram=8MiB:20'],
  ['NPU: 2 MiB SRAM + DDR', 'sram=2MiB:1, ddr:10'],
];

/**
 * The memories chosen, undefined for none (one arena: the capacity above); throws on bad text. A
 * memory named flash holds the weights (read-only, as --weights on the command line): it needs the
 * "weights" box checked, which puts the model's constants in the plan.
 */
export function chosenMemories(): MemoryTier[] | undefined {
  const v = $<HTMLSelectElement>('memories').value;
  if (v === '') return undefined;
  const notes: string[] = [];
  const memories = parseMemoryList(v === 'custom' ? $<HTMLInputElement>('memories-custom').value : v, notes);
  // How a size's unit was read (KB decimal, K binary), as the command line notes it.
  $('memories-note').textContent = notes.join('; ');
  return memories.some(isFlash) ? weightTiers(memories, $<HTMLInputElement>('weights').checked) : memories;
}

/** Fills the presets into the select (after "one arena", before "custom"). */
export function setUpMemories(onChange: () => void): void {
  const sel = $<HTMLSelectElement>('memories');
  const custom = sel.querySelector('option[value="custom"]');
  for (const [label, text] of MEMORY_PRESETS) sel.insertBefore(new Option(label, text), custom);
  sel.addEventListener('change', () => {
    $('memories-wrap').hidden = sel.value !== 'custom';
    onChange();
  });
  $('memories-custom').addEventListener('change', onChange);
}

/**
 * Plans every part of `input` over `memories`, each solve by `solveOne` (the worker pool). A model as
 * on the command line (planModelProblemsTiers: a TFLite model's TFLM tail and kernel scratch, default
 * pointer size and reference kernels, in the first memory).
 */
export function planInputTiers(input: Input, memories: readonly MemoryTier[], options: SolveOptions, solveOne: (p: Problem, o: SolveOptions) => Promise<SolveResult>): Promise<TieredPlan[]> {
  // One deadline for every part, subgraph and pass (a TFLite model with kernel scratch may plan twice).
  const shared = tiersDeadline(options);
  const planOne = (p: Problem, m: readonly MemoryTier[]): Promise<TieredPlan> => planTiersAsync(p, m, shared, solveOne);
  if (input.model) return planModelProblemsTiers(input.model, input.model.subgraphs.map((sg) => withTraffic(sg, memories)), memories, planOne);
  return planStackedTiers(input.parts.map((p) => p.problem), memories, planOne);
}

/**
 * Shows the tiered plans (or hides the panel with `plans` undefined): a table per memory, the report, a
 * model's picture. `memories`: as chosen (a TFLite model's TFLM arena is judged against the first one's capacity).
 */
export function showTiers(input: Input, plans: readonly TieredPlan[] | undefined, memories?: readonly MemoryTier[]): void {
  const panel = $('tiers');
  panel.hidden = plans === undefined;
  if (plans === undefined) return;
  const ok = plans.length === input.parts.length && plans.every((p) => p.memory.length > 0);
  const body = $('tiers-body');
  body.replaceChildren(
    ...plans[0]!.memories.map((mem, m) => {
      const tr = document.createElement('tr');
      const used = plans.map((p) => p.usage[m]?.used ?? 0);
      // Without a plan no arena was planned and no buffer placed: '-', not 0 B and 0 buffers.
      const cells = [mem.name, mem.capacity === undefined ? 'unbounded' : formatBytes(mem.capacity), String(mem.cost), ok ? formatBytes(Math.max(...used)) : '-', ok ? String(plans.reduce((s, p) => s + (p.usage[m]?.buffers ?? 0), 0)) : '-'];
      for (const c of cells) {
        const td = document.createElement('td');
        td.textContent = c;
        tr.append(td);
      }
      return tr;
    }),
  );
  const cost = plans.reduce((s, p) => s + p.cost, 0);
  const proven = ok && plans.every((p) => p.status === 'optimal');
  const status = $('tiers-status');
  status.textContent = ok ? `traffic cost ${cost.toLocaleString('en-US')} — ${proven ? 'proven best' : 'feasible (heuristic; the command line solves it exactly with GLPK)'}` : `no plan over these memories: ${plans[plans.length - 1]!.failure ?? ''}`;
  status.dataset['cost'] = ok ? String(cost) : '';
  status.dataset['status'] = ok ? (proven ? 'optimal' : 'feasible') : plans[plans.length - 1]!.status;
  const tflm = ok && input.model && memories ? tflmTiers(input.model, plans, memories) : undefined;
  const arena = tflm
    ? `\nTFLite Micro's arena is in "${tflm.memory}": head ${formatBytes(tflm.head)} + tail ${formatBytes(tflm.tail)} (estimate) = ${formatBytes(tflm.total)}${tflm.capacity === undefined ? '' : tflm.fits ? `, fits ${formatBytes(tflm.capacity)}` : `, does NOT fit ${formatBytes(tflm.capacity)}`}\n`
    : '';
  $('tiers-report').textContent = plans.map((p, s) => formatTieredReport(input.parts[s]!.problem, p, `${input.file}${input.parts.length > 1 ? ` — ${input.parts[s]!.title}` : ''}`)).join('\n') + arena;
  const picture = $('tiers-svg');
  if (ok && input.model) picture.innerHTML = tieredLayoutSvg(input.model, plans, tflm);
  else picture.replaceChildren();
}
