import { formatBytes, formatBytesExact } from '../format/bytes.js';
import type { Problem } from '../problem/types.js';
import { METHOD_HELP, type MethodName } from '../solve/methods.js';
import type { PlanResult, SpillInfo } from '../solve/spill.js';

const exact = (b: number): string => (b >= 1024 ? formatBytesExact(b) : formatBytes(b));

const pct = (peak: number, bound: number): string => (bound > 0 ? `${(((peak - bound) / bound) * 100).toFixed(1)}%` : '-');

const STATUS_TEXT = {
  optimal: 'proven optimal (peak = lower bound)',
  feasible: 'feasible',
  infeasible: 'infeasible: proven that no plan fits the capacity',
  unknown: 'no plan found within the capacity (none proven impossible)',
  spilled: 'fits after spilling',
} as const;

const CHOICE_TEXT: Record<SpillInfo['choice'], string> = {
  optimal: 'proven best choice: no placeable set keeps more weight on chip',
  feasible: 'feasible choice, not proven best',
};

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** After spilling: the one-arena plan that did not fit, then the two arenas of the plan emitted. */
function spillLines(result: PlanResult, spill: SpillInfo, out: string[]): void {
  const w = spill.whole;
  const cap = spill.capacity;
  out.push(`  all on chip: ${w.method} — ${exact(w.peak)}: does NOT fit ${formatBytes(cap)}, ${formatBytes(w.peak - cap)} over` +
    (w.status === 'infeasible' ? ' (proven: no plan of every buffer fits)' : ''));
  const how = spill.how === 'search' ? 'choice search' : 'greedy fallback: the choice rounds ran out';
  out.push(`  status: ${STATUS_TEXT.spilled} (${CHOICE_TEXT[spill.choice]}; ${how}, ${plural(spill.rounds, 'round')})`);
  const kept = spill.memory.filter((m) => m === 'chip').length;
  out.push(
    `  on chip: ${exact(result.peak)} by ${result.method}, ${plural(kept, 'buffer')} within ${formatBytes(cap)} (${formatBytes(cap - result.peak)} to spare)` +
      (result.gap === 0 ? '' : `, gap ${pct(result.peak, result.bound)} over its bound ${formatBytes(result.bound)}`),
  );
  out.push(
    `  DDR:     ${exact(spill.ddrPeak)} by ${spill.ddrMethod}, ${plural(spill.spilled.length, 'buffer')} spilled (${formatBytes(spill.spilledBytes)}), DDR traffic ${spill.ddrTraffic}`,
  );
  out.push(`  spilled: ${spill.spilled.slice(0, 20).join(', ')}${spill.spilled.length > 20 ? ', ...' : ''}`);
  if (spill.choice === 'feasible' && result.methods.length === 1) {
    out.push(`  note: placed by ${result.method} alone; a portfolio (--method auto) may keep more on chip`);
  }
  // What the time limit (or the problem's size) left out, of the solve and of the spill phase.
  for (const note of result.notes ?? []) out.push(`  note: ${note}`);
}

/**
 * The human report: the problem's bounds, each method's peak, the best plan and whether it fits; after
 * spilling, the plan emitted: what stays on chip, what goes to DDR, and whether that choice is proven.
 */
export function formatReport(problem: Problem, result: PlanResult, title: string): string {
  const out: string[] = [];
  out.push(`${title}: ${problem.buffers.length} buffers`);
  out.push(`  live bound      ${exact(result.liveBound)}`);
  out.push(`  largest buffer  ${formatBytes(result.largest)}`);
  out.push('');
  // The methods placed every buffer in one arena: their bound is that arena's (also after spilling).
  const bound = result.spill?.whole.bound ?? result.bound;
  const rows = result.methods.map((m) =>
    Number.isFinite(m.peak)
      ? [m.method, formatBytes(m.peak), String(m.peak), pct(m.peak, bound), `${m.timeMs.toFixed(1)} ms`]
      : [m.method, 'no plan', '-', '-', `${m.timeMs.toFixed(1)} ms`],
  );
  const head = ['method', 'peak', 'bytes', 'over bound', 'time'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => '  ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  out.push(line(head));
  for (const r of rows) out.push(line(r));
  out.push('');
  if (result.spill) {
    spillLines(result, result.spill, out);
    return out.join('\n') + '\n';
  }
  const help = METHOD_HELP[result.method as MethodName] ?? '';
  out.push(`  best: ${result.method} — ${exact(result.peak)}${help ? `  [${help}]` : ''}`);
  if (result.status === 'feasible' || result.status === 'unknown' || result.status === 'spilled') {
    out.push(`  status: ${STATUS_TEXT[result.status]}, gap ${pct(result.peak, result.bound)} over the lower bound ${formatBytes(result.bound)}`);
  } else {
    out.push(`  status: ${STATUS_TEXT[result.status]}`);
  }
  out.push(`  proof: ${result.proof}${result.searchNodes !== undefined ? `; exact search ${result.searchNodes} nodes` : ''}`);
  for (const note of result.notes ?? []) out.push(`  note: ${note}`);
  if (problem.capacity !== undefined) {
    const c = problem.capacity;
    if (result.peak <= c) out.push(`  capacity ${formatBytes(c)}: fits, ${formatBytes(c - result.peak)} to spare`);
    else out.push(`  capacity ${formatBytes(c)}: does NOT fit, ${formatBytes(result.peak - c)} over`);
  }
  if (result.spillFailure !== undefined) out.push(`  spill: ${result.spillFailure}`);
  return out.join('\n') + '\n';
}
