import { formatBytes, formatBytesBoth as exact } from '../format/bytes.js';
import { bufferBytesAt, liveAt, liveBytesAt, planPeakStep } from '../problem/profile.js';
import type { Problem } from '../problem/types.js';
import { greedyPlanOfProblem, GREEDY_PLANNER_NAME } from '../runtime/tflm/greedy-planner.js';
import { isMethodName, METHOD_HELP, type MethodName } from '../solve/methods.js';
import type { PlanResult, SpillInfo } from '../solve/spill.js';


/** How far `peak` is over `bound`, in percent of it; a plan over it by less than 0.05% reads `<0.1%`, not `0.0%`. */
const pct = (peak: number, bound: number): string => {
  if (bound <= 0) return '-';
  const p = ((peak - bound) / bound) * 100;
  return p > 0 && p < 0.05 ? '<0.1%' : `${p.toFixed(1)}%`;
};

import { plural } from '../format/plural.js';
import { listId } from '../format/printable.js';

/**
 * How a plan of `now` bytes compares with a baseline of `was` bytes, as a share of the baseline:
 * `25.0% less with this plan`, `144.5% more with this plan`, or `the same as this plan`.
 */
export function lessThan(now: number, was: number): string {
  const gain = was > 0 ? ((was - now) / was) * 100 : 0;
  // One decimal, or two significant digits when that would read 0.0% (8 B of 58,576: 0.014%).
  const pct = (x: number): string => (x >= 0.05 ? x.toFixed(1) : x.toPrecision(2));
  return gain > 0 ? `${pct(gain)}% less with this plan` : gain < 0 ? `${pct(-gain)}% more with this plan` : 'the same as this plan';
}

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

/** How a report names buffers and steps: a plain problem by buffer id and step; a model by tensor and operator. */
export interface ReportLabels {
  /** What a buffer is called, singular: "buffer", or "tensor" for a model. */
  noun: string;
  /**
   * Buffer i of the problem as the report names it in its lists (a CSV: its id, quoted when not plain,
   * src/format/printable.ts listId; a model: `#12 "name"`, the name quoted()).
   */
  buffer(i: number): string;
  /** Step k as the report names it (a CSV: `step 4`; a model: `step 4 = operator 4 (CONV_2D)`). */
  step(k: number): string;
}

/** A plain problem's labels: buffers by id, steps as numbers. */
export const problemLabels = (problem: Problem): ReportLabels => ({
  noun: 'buffer',
  // Quoted when it holds a comma, a quote, a space...: `"a,b"` is one buffer, not two (listId).
  buffer: (i) => listId(problem.buffers[i]!.id),
  step: (k) => `step ${k}`,
});

/** A plan another planner would make of the same input, for the report's "before" line. */
export interface Baseline {
  /** Which planner, named so a reader knows what is compared (e.g. GREEDY_PLANNER_NAME). */
  name: string;
  /** Bytes that planner's arena needs. */
  peak: number;
}

/**
 * Buffers up to which a CSV or JSON problem's report and JSON carry the "before" line: TFLite's
 * planner is a second full placement in plain JavaScript (about a second at 10^5 buffers on a busy
 * 2-core machine, over ten at 10^6), which would take most of `--time-limit` from the plan itself.
 * By the size alone, so the same input always gets the same report.
 */
export const BASELINE_MAX_BUFFERS = 2 ** 16;

/**
 * Work (greedyPlan's maxWork: buffers met while gathering each one's live neighbours, and the sorts of
 * those by offset) up to which a problem's "before" line is computed: ~0.2-0.4 s here (reckoned from the
 * 19-49 ns a unit measured on 2,000-60,000 buffers).
 * 10,000 buffers all live within 116 steps took 9.4e7 units, 1.8 s, after the plan had used its time
 * (issue #10: the command 12 s under --time-limit 10). By work, not the clock: the same report every time.
 */
export const BASELINE_MAX_WORK = 2 ** 23;

/**
 * The "before" of a CSV or JSON problem: TFLite's greedy planner on its buffers (greedyPlanOfProblem),
 * or, when it is left out, why (the report's line says it): more than BASELINE_MAX_BUFFERS buffers, or
 * more than BASELINE_MAX_WORK work. Its time is bounded by those, whatever the problem.
 */
export function problemBefore(problem: Problem): Baseline | string {
  const n = problem.buffers.length;
  if (n > BASELINE_MAX_BUFFERS) return `TFLite's greedy planner is left out above ${BASELINE_MAX_BUFFERS} buffers (a second full placement)`;
  const plan = greedyPlanOfProblem(problem, BASELINE_MAX_WORK);
  if (plan === undefined) return `TFLite's greedy planner is left out past 2^${Math.log2(BASELINE_MAX_WORK)} units of its work (a second full placement; ${plural(n, 'buffer')}, many live at once)`;
  return { name: GREEDY_PLANNER_NAME, peak: plan.size };
}

/** Where a plan's arena is set: the step, the bytes live there, and the buffers live there, largest first. */
export interface PeakFacts {
  /** First step at which the plan's high-water mark reaches its peak. */
  step: number;
  /**
   * Bytes live at that step, each byte once (alignment ignored): the buffers' sizes; with gaps or
   * aliases an alias's bytes are its target's and a buffer idle in a gap holds none (profile.ts liveBytesAt).
   */
  live: number;
  /** The plan's high-water mark there: its peak (bytes). */
  top: number;
  /** Indices into problem.buffers of the buffers live at `step` (not those idle in a gap), largest first. */
  buffers: number[];
}

/**
 * Where `plan` reaches its peak. After spilling, the on-chip arena's peak, among the buffers kept on
 * chip (the DDR buffers' offsets are in another arena).
 */
export function peakFacts(problem: Problem, plan: Pick<PlanResult, 'offsets' | 'spill'>): PeakFacts {
  const memory = plan.spill?.memory;
  // Without spilling every buffer counts: the problem itself (no copy: a million buffers, ~1 s saved).
  if (memory === undefined) {
    const { step, top } = planPeakStep(problem, plan.offsets);
    return { step, top, live: liveBytesAt(problem, step), buffers: liveAt(problem, step) };
  }
  const keep: number[] = [];
  for (let i = 0; i < memory.length; i++) if (memory[i] === 'chip') keep.push(i);
  const sub: Problem = { buffers: keep.map((i) => problem.buffers[i]!) };
  const { step, top } = planPeakStep(sub, keep.map((i) => plan.offsets[i]!));
  return { step, top, live: liveBytesAt(sub, step), buffers: liveAt(sub, step).map((j) => keep[j]!) };
}

/** At most this many buffers are listed at the peak (the rest are counted). */
const PEAK_LIST = 8;

/**
 * `step 4: 144.00 KiB live in 3 buffers: c2 72.00 KiB, c1 48.00 KiB, x 24.00 KiB`. A buffer that shares
 * bytes is shown so the list adds up to what is live: an alias `view 32 B in sum`, a buffer with only
 * a window of its bytes live in a gap `act 16 B of 32 B`.
 */
export function peakLine(problem: Problem, facts: PeakFacts, labels: ReportLabels): string {
  const listed = facts.buffers.slice(0, PEAK_LIST);
  // The index of each alias's target, looked up only when a listed buffer is an alias.
  const index = listed.some((i) => problem.buffers[i]!.aliasOf !== undefined) ? new Map(problem.buffers.map((b, i) => [b.id, i])) : undefined;
  const shown = listed.map((i) => {
    const b = problem.buffers[i]!;
    const held = bufferBytesAt(b, facts.step);
    const bytes = held < b.size ? `${formatBytes(held)} of ${formatBytes(b.size)}` : formatBytes(b.size);
    const target = b.aliasOf !== undefined ? index!.get(b.aliasOf) : undefined;
    return `${labels.buffer(i)} ${bytes}${target !== undefined ? ` in ${labels.buffer(target)}` : ''}`;
  });
  const more = facts.buffers.length > PEAK_LIST ? `, and ${facts.buffers.length - PEAK_LIST} more` : '';
  const gaps = facts.top > facts.live ? ` (the plan's top, ${exact(facts.top)}, is set there: ${formatBytes(facts.top - facts.live)} above what is live)` : '';
  return `${labels.step(facts.step)}${gaps}: ${exact(facts.live)} live in ${plural(facts.buffers.length, labels.noun)}: ${shown.join(', ')}${more}`;
}

/** What the report says beyond the plan itself. */
export interface ReportOptions {
  /** Also the table of every method, the best method's rule, the proof's details and the largest buffer. */
  verbose?: boolean;
  /** How buffers and steps are named (default: problemLabels). */
  labels?: ReportLabels;
  /**
   * The "before" line (default: problemBefore): a baseline; a string: not computed, and why (the line
   * says so); null leaves the line out.
   */
  baseline?: Baseline | string | null;
  /** "What to change to fit" lines (each already planned), shown when the plan does not fit all on chip. */
  hints?: readonly string[];
  /** Lines after the title, before the answer (a model's tensor counts). */
  preface?: readonly string[];
  /** The name of the first line's figure (default "arena needed"; a TFLite subgraph's is its "planned arena", the model's being TFLM's head). */
  arenaName?: string;
  /** Lines for --verbose only, after the method table (a model's "no reuse"). */
  details?: readonly string[];
  /**
   * Set where a whole above judges the fit (a model's arena: a TFLite model's head and tail, several
   * subgraphs in one arena): the capacity line then says what this part takes of the capacity and
   * names that judgement, rather than a verdict of its own that could contradict it. Not after spilling.
   */
  fitJudgedBy?: string;
  /**
   * After spilling: the name of the capacity line (default "capacity"), when the bytes the part was
   * spilled within are not the user's capacity (a TFLite subgraph's "on-chip room": the capacity less
   * TFLM's tail estimate and what earlier subgraphs take, src/plan-model.ts).
   */
  spilledCapacityName?: string;
}

/**
 * How the spill choice was made, for the status line after spilling: each branch of the spill
 * procedure (src/solve/spill.ts) in its own words, with the counts that branch has.
 */
export function spillHow(spill: SpillInfo): string {
  const greedy = (): string => {
    const why =
      spill.fallback === 'time'
        ? `the time limit ended the choice search after ${plural(spill.tried, 'set')} tried`
        : spill.fallback === 'no-set'
          ? `the choice search had no further set to propose after ${plural(spill.tried, 'set')} tried`
          : `none of the ${plural(spill.tried, 'set')} the choice search proposed placed within the capacity`;
    const steps =
      spill.rounds === 0
        ? 'the buffers the plan of every buffer has above the capacity spilled at once'
        : `${plural(spill.rounds, 'greedy placement')}${spill.greedyCut ? ', then, the time limit near, every buffer above the capacity spilled at once' : ''}`;
    return `greedy fallback (${why}): ${steps}`;
  };
  switch (spill.how) {
    case 'search':
      return `choice search, ${plural(spill.rounds, 'round')}`;
    case 'greedy':
      return greedy();
    case 'blocks':
      return `blocks kept or spilled whole, by the tiers heuristic, ${plural(spill.rounds, 'round')}`;
    case 'fill-fastest-first':
      return spill.fallback !== undefined
        ? `the fill-fastest-first set: it kept more than the greedy fallback found, after ${plural(spill.tried, 'set')} tried by the choice search`
        : `the fill-fastest-first set: it kept more than the choice search found in ${plural(spill.rounds, 'round')}`;
  }
}

/** What the report says of a plan that spilled every buffer (a valid plan: exit 0, the README's exit codes). */
export const NOTHING_ON_CHIP = 'nothing stays on chip (every buffer spilled to DDR)';

/** Whether spilling left no buffer on chip (the on-chip arena is empty: peak 0, no method placed it). */
export const allSpilled = (spill: Pick<SpillInfo, 'memory'>): boolean => spill.memory.length > 0 && spill.memory.every((m) => m !== 'chip');

/** After spilling: the one-arena plan that did not fit, then the two arenas of the plan emitted. */
function spillLines(problem: Problem, result: PlanResult, spill: SpillInfo, labels: ReportLabels, out: string[]): void {
  const cap = spill.capacity;
  const kept = spill.memory.filter((m) => m === 'chip').length;
  const none = allSpilled(spill);
  out.push(`  status: ${STATUS_TEXT.spilled}${none ? ' every buffer to DDR: nothing stays on chip' : ''} (${CHOICE_TEXT[spill.choice]}; ${spillHow(spill)})`);
  out.push(
    none
      ? `  on chip: nothing (0 B of the ${formatBytes(cap)} capacity used)`
      : `  on chip: ${exact(result.peak)} by ${result.method}, ${plural(kept, 'buffer')} within ${formatBytes(cap)} (${formatBytes(cap - result.peak)} to spare)` +
          (result.peak <= result.bound ? '' : `, gap ${pct(result.peak, result.bound)} over its bound ${formatBytes(result.bound)}`),
  );
  out.push(
    `  DDR:     ${exact(spill.ddrPeak)} by ${spill.ddrMethod}, ${plural(spill.spilled.length, 'buffer')} spilled (${formatBytes(spill.spilledBytes)}), ` +
      `DDR traffic ${exact(spill.ddrTraffic)} per run`,
  );
  // Each named as the other lists name it (labels; ids quoted when not plain): `"a,b"` is one buffer.
  const shown =
    spill.memory.length === problem.buffers.length
      ? spill.memory.flatMap((m, i) => (m === 'ddr' ? [i] : [])).slice(0, 20).map((i) => labels.buffer(i))
      : spill.spilled.slice(0, 20).map(listId);
  out.push(`  spilled: ${shown.join(', ')}${spill.spilled.length > 20 ? ', ...' : ''}`);
  // Only a single method asked for can be outdone by a portfolio; under a portfolio the choice is
  // "not proven best" (said above), not the method's.
  if (spill.choice === 'feasible' && isMethodName(spill.method)) {
    out.push(`  note: placed by ${spill.method} alone (--method ${spill.method}); a portfolio (--method auto) may keep more on chip`);
  }
}

/** The lower-bound line's verdict on a plan of `peak` bytes against `bound`. */
function verdict(peak: number, bound: number): string {
  if (peak <= bound) return 'met: proven optimal';
  return `the plan is ${pct(peak, bound)} over it (feasible; the bound may be out of reach)`;
}

/** The method table, the best method's rule and the proof's details (--verbose). */
function methodLines(result: PlanResult, out: string[]): void {
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
  out.push('');
  out.push(line(head));
  for (const r of rows) out.push(line(r));
  out.push('');
  if (!result.spill) {
    const help = METHOD_HELP[result.method as MethodName] ?? '';
    out.push(`  best: ${result.method} — ${exact(result.peak)}${help ? `  [${help}]` : ''}`);
    out.push(`  status: ${STATUS_TEXT[result.status]}${result.status === 'optimal' ? '' : `, gap ${pct(result.peak, result.bound)} over the lower bound ${formatBytes(result.bound)}`}`);
  }
  out.push(`  proof: ${result.proof}${result.searchNodes !== undefined ? `; exact search ${result.searchNodes} nodes` : ''}`);
  out.push(`  live bound      ${exact(result.liveBound)} (the most bytes live at one step, alignment ignored)`);
  out.push(`  largest buffer  ${exact(result.largest)}`);
}

/**
 * The report's line for a buffer list whose file fixes some offsets (a CSV's `offset` column, a JSON
 * buffer's `offset`: a solution read back, say), undefined when it fixes none: the plan, its bound and
 * any proof hold with those buffers in place, which a reader of "proven optimal" must know.
 */
export function fixedOffsetsLine(problem: Problem): string | undefined {
  let fixed = 0;
  for (const b of problem.buffers) if (b.offset !== undefined) fixed++;
  if (fixed === 0) return undefined;
  return `  fixed offsets   ${plural(fixed, 'buffer')} at the offsets the file gives (offset column or field): the plan, its bound and proofs are with them in place`;
}

/**
 * The human report, answer first: the arena the plan needs, the lower bound and whether the plan
 * meets it, the capacity and whether it fits, where the peak is (step, buffers live there) and the
 * plan of a named baseline ("before"); then, when it does not fit, what would make it fit; after
 * spilling, the two arenas of the plan emitted. `--verbose` adds every method's peak and time.
 */
export function formatReport(problem: Problem, result: PlanResult, title: string, options: ReportOptions = {}): string {
  const labels = options.labels ?? problemLabels(problem);
  const out: string[] = [];
  const steps = problem.buffers.reduce((a, b) => Math.max(a, b.end), 0);
  out.push(`${title}: ${plural(problem.buffers.length, labels.noun === 'buffer' ? 'buffer' : 'planned buffer')} over ${plural(steps, 'step')}`);
  for (const l of options.preface ?? []) out.push(l);
  const spill = result.spill;
  // What was planned in one arena: after spilling, the plan of every buffer that did not fit.
  const whole = spill?.whole ?? result;
  out.push(`  ${(options.arenaName ?? 'arena needed').padEnd(16)}${exact(whole.peak)}  ${whole.method}${spill ? ', every buffer on chip' : ''}`);
  out.push(`  lower bound     ${exact(whole.bound)}  ${spill ? 'of every buffer on chip' : result.proof} — ${verdict(whole.peak, whole.bound)}`);
  const capacity = spill?.capacity ?? problem.capacity;
  if (capacity !== undefined) {
    // In bytes too: a capacity written 4MB (4,000,000 B) reads 3.81 MiB, and the bytes say which was meant.
    const c = exact(capacity);
    if (spill) {
      const what = allSpilled(spill) ? `fits only after spilling every buffer (${spill.spilled.length}) to DDR: nothing stays on chip` : `fits after spilling ${plural(spill.spilled.length, 'buffer')} to DDR`;
      out.push(`  ${(options.spilledCapacityName ?? 'capacity').padEnd(16)}${c}: does NOT fit all on chip (${formatBytes(whole.peak - capacity)} over); ${what}`);
    }
    else if (options.fitJudgedBy !== undefined) out.push(`  capacity        ${c}: ${options.fitJudgedBy}; this plan alone: ${formatBytes(result.peak)}`);
    else if (result.peak <= capacity) out.push(`  capacity        ${c}: fits, ${formatBytes(capacity - result.peak)} to spare`);
    else {
      const why = result.status === 'infeasible' || result.status === 'unknown' ? ` — ${STATUS_TEXT[result.status]}` : '';
      out.push(`  capacity        ${c}: does NOT fit, ${formatBytes(result.peak - capacity)} over${why}`);
    }
  }
  if (problem.buffers.length > 0) {
    const line = spill !== undefined && allSpilled(spill) ? `none: ${NOTHING_ON_CHIP}` : peakLine(problem, peakFacts(problem, result), labels);
    out.push(`  ${(spill ? 'peak on chip' : 'peak').padEnd(16)}${line}`);
  }
  const baseline = options.baseline === undefined ? problemBefore(problem) : options.baseline;
  if (typeof baseline === 'string') out.push(`  before          not computed: ${baseline}`);
  else if (baseline !== null) {
    // After spilling, both sides are every buffer on chip (the baseline spills nothing): say so.
    const cmp = lessThan(whole.peak, baseline.peak).replace('this plan', spill ? 'the arena needed above (every buffer on chip)' : 'this plan');
    out.push(`  before          ${exact(baseline.peak)}  ${baseline.name}: ${cmp}`);
  }
  if (options.verbose) {
    methodLines(result, out);
    for (const l of options.details ?? []) out.push(l);
  }
  for (const note of result.notes ?? []) out.push(`  note: ${note}`);
  if (spill) {
    if (!options.verbose) out.push('');
    spillLines(problem, result, spill, labels, out);
  }
  if (result.spillFailure !== undefined) out.push(`  spill: ${result.spillFailure}`);
  if (options.hints !== undefined && options.hints.length > 0) {
    out.push('  to fit:');
    for (const h of options.hints) out.push(`    - ${h}`);
  }
  return out.join('\n') + '\n';
}
