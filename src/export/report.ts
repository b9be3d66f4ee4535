import { formatBytes, formatBytesExact } from '../format/bytes.js';
import type { Problem } from '../problem/types.js';
import { METHOD_HELP, type MethodName } from '../solve/methods.js';
import type { SolveResult } from '../solve/solve.js';

const exact = (b: number): string => (b >= 1024 ? formatBytesExact(b) : formatBytes(b));

const pct = (peak: number, bound: number): string => (bound > 0 ? `${(((peak - bound) / bound) * 100).toFixed(1)}%` : '-');

const STATUS_TEXT = {
  optimal: 'proven optimal (peak = lower bound)',
  feasible: 'feasible',
  infeasible: 'infeasible: proven that no plan fits the capacity',
  unknown: 'no plan found within the capacity (none proven impossible)',
} as const;

/** The human report: the problem's bounds, each method's peak, the best plan and whether it fits. */
export function formatReport(problem: Problem, result: SolveResult, title: string): string {
  const out: string[] = [];
  out.push(`${title}: ${problem.buffers.length} buffers`);
  out.push(`  live bound      ${exact(result.liveBound)}`);
  out.push(`  largest buffer  ${formatBytes(result.largest)}`);
  out.push('');
  const rows = result.methods.map((m) =>
    Number.isFinite(m.peak)
      ? [m.method, formatBytes(m.peak), String(m.peak), pct(m.peak, result.bound), `${m.timeMs.toFixed(1)} ms`]
      : [m.method, 'no plan', '-', '-', `${m.timeMs.toFixed(1)} ms`],
  );
  const head = ['method', 'peak', 'bytes', 'over bound', 'time'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => '  ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  out.push(line(head));
  for (const r of rows) out.push(line(r));
  out.push('');
  const help = METHOD_HELP[result.method as MethodName] ?? '';
  out.push(`  best: ${result.method} — ${exact(result.peak)}${help ? `  [${help}]` : ''}`);
  if (result.status === 'feasible' || result.status === 'unknown') {
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
  return out.join('\n') + '\n';
}
