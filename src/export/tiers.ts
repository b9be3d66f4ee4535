/**
 * Outputs of a plan over memory tiers (src/solve/tiers): the JSON `--json` prints and `--out` writes,
 * the MiniMalloc solution CSV with a `memory` column of memory names, and the text report.
 */
import { formatBytes, formatBytesExact } from '../format/bytes.js';
import type { Problem } from '../problem/types.js';
import type { TieredPlan, TierUsage } from '../solve/tiers/planner.js';
import { timeLimitCuts } from '../solve/tiers/limit-cuts.js';
import { solutionToCsv } from './csv.js';
import { plural } from '../format/plural.js';
import { stringifyJson } from '../format/json-text.js';

/** A tiered plan as `--json` prints it. Keys beyond these may be added, never taken away. */
export interface TieredPlanJson {
  /** optimal: proven least traffic cost; feasible: a valid plan (see gap); infeasible / unknown: no plan. */
  status: TieredPlan['status'];
  /** Traffic cost: sum over buffers of weight x its memory's cost; null without a plan. */
  cost: number | null;
  /** A proven lower bound on the cost; null when none exists (infeasible). */
  bound: number | null;
  /** (cost - bound) / bound; null without a plan or with a bound of 0. */
  gap: number | null;
  how: TieredPlan['how'];
  rounds: number;
  /** The fill-fastest-first baseline's traffic cost (ExecuTorch's banked greedy), null when it finds no plan. */
  baselineCost: number | null;
  /** With a read-only memory (weights in flash): bytes copied from it into faster memories before the run. */
  copyInBytes?: number;
  failure?: string;
  /** What the time limit cut (the baseline, GLPK, the local search), a line each; absent when nothing was. */
  limitCuts?: string[];
  /** Per memory, fastest first (TierUsageJson). */
  memories: TierUsageJson[];
  /**
   * Per buffer (0-byte ones too, in the first memory at 0): its memory's name and its offset in that
   * memory's arena; `offset` null in a read-only memory (flash: the buffer stays where it is stored).
   * Without a plan (`failure` set): every buffer still, with what is known — `memory` and `offset`
   * null, `allowed` the names of the memories it may use, and `reason` when this buffer (or the group
   * of aliased buffers it is in) alone is why no plan exists.
   */
  buffers: TieredBufferJson[];
  timeMs: number;
}

/**
 * One memory of a tiered plan's JSON (TieredPlanJson.memories): TierUsage's fields, `capacity` null when
 * unbounded, `used` the arena's bytes, `bound` a lower bound on them. Without a plan (`failure` set) no
 * arena was planned and no buffer placed: `used`, `bound`, `buffers`, `bytes` and `traffic` are null.
 */
export type TierUsageJson = Omit<TierUsage, 'capacity' | 'used' | 'bound' | 'buffers' | 'bytes' | 'traffic'> & {
  capacity: number | null;
  used: number | null;
  bound: number | null;
  buffers: number | null;
  bytes: number | null;
  traffic: number | null;
};

/** One buffer of a tiered plan's JSON (TieredPlanJson.buffers). */
export interface TieredBufferJson {
  id: string;
  /** Bytes from the start of its memory's arena; null in a read-only memory, or without a plan. */
  offset: number | null;
  /** Bytes. */
  size: number;
  /** Live range [start, end), steps. */
  start: number;
  end: number;
  /** Traffic weight (bytes; its size unless given). */
  weight: number;
  /** Its memory's name; null without a plan. */
  memory: string | null;
  /** Without a plan: the names of the memories it may use (its own `memories`, pinning, aliases). */
  allowed?: string[];
  /** Without a plan: why this buffer alone (or its group of aliased buffers) cannot be placed, when it is the reason. */
  reason?: string;
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** Every cut the time limit made in `plan`, a line each: see timeLimitCuts (src/solve/tiers/planner.ts). */
export const limitCutsOf = timeLimitCuts;

/** The memory name of every buffer of `problem` (a plan of it, or every buffer of a file: `memory` spread over it). */
export const memoryNames = (plan: TieredPlan, memory: readonly number[] = plan.memory): string[] => memory.map((m) => plan.memories[m]!.name);

/** The JSON of `plan` for `problem` (whose buffers `plan.memory` / `plan.offsets` follow). */
export function tieredPlanToJson(problem: Problem, plan: TieredPlan): TieredPlanJson {
  const names = plan.memory.length > 0 ? memoryNames(plan) : [];
  return {
    status: plan.status,
    cost: finite(plan.cost),
    bound: finite(plan.bound),
    gap: finite(plan.gap),
    how: plan.how,
    rounds: plan.rounds,
    baselineCost: finite(plan.baselineCost),
    ...(plan.copyInBytes !== undefined ? { copyInBytes: plan.copyInBytes } : {}),
    ...(plan.failure !== undefined ? { failure: plan.failure } : {}),
    ...(limitCutsOf(plan).length > 0 ? { limitCuts: limitCutsOf(plan) } : {}),
    memories: plan.usage.map(({ name, capacity, ...rest }) =>
      plan.memory.length > 0 ? { name, capacity: capacity ?? null, ...rest } : { name, capacity: capacity ?? null, ...rest, used: null, bound: null, buffers: null, bytes: null, traffic: null },
    ),
    buffers:
      plan.memory.length > 0
        ? problem.buffers.map((b, i) => ({ id: b.id, offset: plan.memories[plan.memory[i]!]!.readOnly === true ? null : plan.offsets[i]!, size: b.size, start: b.start, end: b.end, weight: b.weight ?? b.size, memory: names[i]! }))
        : problem.buffers.map((b, i) => {
            const allowed = plan.unplaced?.allowed[i];
            const reason = plan.unplaced?.reason[i];
            return { id: b.id, offset: null, size: b.size, start: b.start, end: b.end, weight: b.weight ?? b.size, memory: null, ...(allowed !== undefined ? { allowed: allowed.map((m) => plan.memories[m]!.name) } : {}), ...(reason !== undefined ? { reason } : {}) };
          }),
    timeMs: Math.round(plan.timeMs * 1000) / 1000,
  };
}

/** The `--out` file: `.csv` the solution CSV with a `memory` column, any other name the JSON without wall times. */
export function tieredOutText(path: string, problem: Problem, plan: TieredPlan, json: TieredPlanJson): string {
  // A buffer in a read-only memory (flash) has no planned offset: -1, as TFLM's offline plan writes for constants.
  if (path.toLowerCase().endsWith('.csv')) return solutionToCsv(problem, plan.offsets.map((o, i) => (plan.memories[plan.memory[i]!]!.readOnly === true ? -1 : o)), memoryNames(plan));
  return stringifyJson(json, (key, value: unknown) => (key === 'timeMs' ? undefined : value), 2) + '\n';
}

const HOW_TEXT: Record<TieredPlan['how'], string> = {
  'all-first': 'everything fits the first memory',
  'choice-search': 'two memories: the spill choice search',
  glpk: 'GLPK assignment, each memory placed',
  greedy: 'greedy by traffic per byte + local search',
  'fill-fastest-first': 'the fill-fastest-first baseline',
  bands: 'one arena cut into the memories by address (the time limit)',
  checked: 'proven before any search',
};

const percent = (cost: number, bound: number): string => (bound > 0 ? `${(((cost - bound) / bound) * 100).toFixed(2)}%` : '-');

/** The text report of a tiered plan: one row per memory, the traffic cost, its bound and the baseline's. */
export function formatTieredReport(problem: Problem, plan: TieredPlan, title: string): string {
  const out: string[] = [`${title}: ${plural(problem.buffers.length, 'buffer')} over ${plural(plan.memories.length, 'memory', 'memories')}`, ''];
  // Without a plan no arena was planned and no buffer placed: '-' for what would count them.
  const planned = plan.memory.length > 0;
  const rows = plan.usage.map((u) => [
    u.name,
    u.capacity === undefined ? 'unbounded' : formatBytes(u.capacity),
    String(u.cost),
    !planned ? '-' : plan.memories[plan.usage.indexOf(u)]?.readOnly === true ? 'in place' : formatBytes(u.used),
    planned ? String(u.buffers) : '-',
    planned ? formatBytes(u.bytes) : '-',
    planned ? String(u.traffic) : '-',
    u.method,
  ]);
  const head = ['memory', 'capacity', 'cost', 'used', 'buffers', 'bytes', 'traffic', 'placed by'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => '  ' + r.map((c, i) => (i === 0 || i === r.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  out.push(line(head));
  for (const r of rows) out.push(line(r));
  out.push('');
  if (plan.memory.length === 0) {
    out.push(`  status: ${plan.status === 'infeasible' ? 'infeasible' : 'unknown'}: ${plan.failure ?? 'no plan'}`);
    for (const cut of plan.limitCuts ?? []) out.push(`  note: ${cut}`);
    return out.join('\n') + '\n';
  }
  out.push(`  traffic cost    ${plan.cost} (sum of weight x memory cost; lower bound ${plan.bound})`);
  out.push(
    plan.status === 'optimal'
      ? `  status: proven best traffic cost (${HOW_TEXT[plan.how]}, ${plan.rounds} round${plan.rounds === 1 ? '' : 's'})`
      : `  status: feasible, ${percent(plan.cost, plan.bound)} over the lower bound (${HOW_TEXT[plan.how]}, ${plan.rounds} round${plan.rounds === 1 ? '' : 's'})`,
  );
  out.push(
    Number.isFinite(plan.baselineCost)
      ? `  fill-fastest-first baseline: ${plan.baselineCost}${plan.baselineCost > plan.cost ? ` (${percent(plan.baselineCost, plan.cost)} more than this plan)` : ' (the same)'}`
      : plan.baselineCut === true
        ? '  fill-fastest-first baseline: left out, the time limit was reached'
        : '  fill-fastest-first baseline: no plan',
  );
  for (const cut of plan.limitCuts ?? []) out.push(`  note: ${cut}`);
  if (plan.copyInBytes !== undefined) out.push(`  weights copied in before the run: ${plan.copyInBytes === 0 ? '0 B' : formatBytesExact(plan.copyInBytes)} (from the read-only memory into faster ones; the rest are read in place)`);
  plan.usage.forEach((u, m) => {
    if (plan.memories[m]!.readOnly === true) return;
    if (u.buffers > 0) out.push(`  ${u.name}: ${formatBytesExact(u.used)}${u.capacity !== undefined ? ` within ${formatBytes(u.capacity)}` : ''}, lower bound ${formatBytes(u.bound)}`);
  });
  return out.join('\n') + '\n';
}
