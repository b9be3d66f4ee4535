import { formatBytes, formatBytesExact } from '../format/bytes.js';
import type { ImportedModel, ModelSubgraph } from '../import/model.js';
import type { PlanResult } from '../solve/spill.js';
import { printable } from '../format/printable.js';
import { subgraphTitle } from './labels.js';
import { formatReport } from './report.js';
import { TAIL_TO_MEASURE, tflmArena } from '../runtime/tflm/arena.js';
import { modelArena, tensorOffsets } from './tensor-offsets.js';

/** Peaks the report compares the best plan with: no reuse at all, and the seed's "before". */
export interface Baselines {
  /** `naive`: every buffer its own memory. */
  naive: number;
  /** `slots-inorder`: shared slots in execution order. */
  before: number;
}

const pct = (x: number, of: number): string => (of > 0 ? `${((x / of) * 100).toFixed(2)}%` : '-');

function counts(sg: ModelSubgraph): string {
  const planned = sg.tensorsOf.reduce((a, ts) => a + ts.length, 0);
  const constants = sg.tensors?.filter((t) => t.kind === 'constant').length;
  return `${sg.tensorCount} tensors (${planned} planned in ${sg.problem.buffers.length} buffers${constants !== undefined ? `, ${constants} constant` : ''}), ${sg.operatorCount} operators`;
}

/** The human report of a model: per subgraph its tensors, the method table, before/after and the notes. */
/**
 * `tflmHead`: TFLite, the head TFLM uses with its kernels' scratch placed around the plan (src/runtime/tflm/model-head.ts).
 * `offsets`: tensorOffsets(model, results), when the caller has them already (computed once per plan).
 */
export function formatModelReport(
  model: ImportedModel,
  results: readonly PlanResult[],
  baselines: readonly Baselines[],
  tflmHead?: number,
  offsets: readonly (readonly number[])[] = tensorOffsets(model, results),
): string {
  const parts = model.subgraphs.map((sg, s) => {
    const r = results[s]!;
    const b = baselines[s]!;
    const title = subgraphTitle(model.file, sg);
    const [first, ...rest] = formatReport(sg.problem, r, title).trimEnd().split('\n');
    const lines = [first!, `  tensors         ${counts(sg)}`, ...rest];
    lines.push(`  no reuse        ${formatBytesExact(b.naive)}`);
    lines.push(`  before          ${formatBytesExact(b.before)}  slots-inorder, the usual "before"`);
    // "after" compares plans of every buffer in one arena: after spilling, the one that did not fit.
    const after = r.spill?.whole ?? r;
    lines.push(
      `  after           ${formatBytesExact(after.peak)}  ${after.method}: ${pct(b.before - after.peak, b.before)} less than before, ` +
        `overhead ${pct(after.peak - r.liveBound, r.liveBound)} over the live bound${r.spill ? ' (all on chip, before spilling)' : ''}`,
    );
    for (const n of sg.notes) lines.push(`  note: ${printable(n)}`);
    return lines.join('\n') + '\n';
  });
  if (model.subgraphs.length > 1) {
    const { size: total, layout } = modelArena(model, results);
    const cap = model.subgraphs[0]!.problem.capacity;
    const spilled = results.some((r) => r.spill !== undefined) ? ' after spilling' : '';
    const fit = cap === undefined ? '' : total <= cap ? `; capacity ${formatBytes(cap)}: fits${spilled}` : `; capacity ${formatBytes(cap)}: does NOT fit`;
    parts.push(`${model.file}: ${model.subgraphs.length} subgraphs ${layout === 'stacked' ? 'stacked in one arena' : "in one arena as TFLM's lifetimes allow (a subgraph run once right above what its caller has live at the call)"} (header, offline plan): ${formatBytesExact(total)}${fit}\n`);
  }
  if (model.format === 'tflite') {
    const a = tflmArena(model, offsets, tflmHead);
    const what = tflmHead !== undefined ? 'planned tensors, each rounded up to 16 as TFLM plans, and the kernel scratch it places around them' : 'planned tensors, each rounded up to 16 as TFLM plans';
    parts.push(
      `${model.file}: TFLM arena: head ${formatBytesExact(a.head)} (${what})` +
        ` + TFLM's tail${a.variables > 0 ? ` (of which variables ${formatBytesExact(a.variables)})` : ''}. kTensorArenaSize = head + tail; ${TAIL_TO_MEASURE}\n`,
    );
  }
  return parts.join('\n');
}
