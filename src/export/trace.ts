/**
 * A plan as a Chrome / Perfetto trace (the Trace Event Format's JSON Object Format, as ExecuTorch's
 * memory-planning inspection writes its plans): steps run along the time axis, one process track per
 * memory (per subgraph: "on chip", and "DDR" for what spilled), one complete slice ("ph": "X") per
 * buffer over its live steps, its offset and size in `args`, and counters of the bytes live and the
 * plan's high-water mark per step (src/problem/profile.ts).
 *
 * Rules from the Trace Event Format spec (Google's "Trace Event Format" document): `ts` and `dur` are
 * microseconds; complete events on one thread must nest, so the buffers of a memory are laid on as
 * few threads ("lanes") of its process as keep every lane free of overlap (a buffer stays on one
 * lane); metadata events ("ph": "M", `process_name`, `thread_name`, `process_sort_index`) name them.
 */
import type { ImportedModel } from '../import/model.js';
import { highWaterProfile, liveProfile, type StepProfile } from '../problem/profile.js';
import type { Bytes, Problem } from '../problem/types.js';
import { printable } from '../format/printable.js';
import { baseName } from './labels.js';
import { maxOf, pushAll } from '../problem/extent.js';
import { stringifyJson } from '../format/json-text.js';

/** Microseconds per step on the trace's time axis: a step reads as 1 ms in the viewer. */
export const TRACE_US_PER_STEP = 1000;

/** One event of the Trace Event Format (the fields arenapack writes). */
export interface TraceEvent {
  /** Slice, counter or metadata name. */
  name: string;
  /** Category (comma-separated tags), for the viewer's filters. */
  cat?: string;
  /** Phase: X complete slice, C counter, M metadata. */
  ph: 'X' | 'C' | 'M';
  /** Start, microseconds (step × TRACE_US_PER_STEP). */
  ts: number;
  /** Duration of an X slice, microseconds. */
  dur?: number;
  /** Process (one per memory of a subgraph) and thread (a lane of that memory). */
  pid: number;
  tid: number;
  args?: Record<string, string | number>;
}

/** The JSON Object Format: the events and a note of what the axes mean. */
export interface Trace {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ms';
  otherData: Record<string, string>;
}

/** One memory's buffers of one problem, as a track: `idx` index the problem's buffers. */
export interface TraceMemory {
  /** The track's name, e.g. `subgraph 0 — on chip`. */
  name: string;
  problem: Problem;
  /** Indices of `problem.buffers` that live in this memory. */
  idx: readonly number[];
  /** offsets[i]: the offset of `problem.buffers[i]` in this memory's arena (bytes). */
  offsets: readonly Bytes[];
  /** labels[i]: what buffer i holds (tensor names, or its id). */
  labels: readonly string[];
  /** Kind of what the buffer holds, when known (e.g. `prepared`, `constant`), in the slice's args. */
  kinds?: readonly (string | undefined)[];
}

/**
 * Lanes for buffers laid on a track: buffers taken by start step (then offset, then index), each on
 * the lowest lane whose last buffer has ended. Returns lane[k] for each entry of `idx`.
 */
function lanes(problem: Problem, idx: readonly number[], offsets: readonly Bytes[]): number[] {
  const bs = problem.buffers;
  const order = idx.map((_, k) => k).sort((a, b) => bs[idx[a]!]!.start - bs[idx[b]!]!.start || offsets[idx[a]!]! - offsets[idx[b]!]! || idx[a]! - idx[b]!);
  const freeAt: number[] = [];
  const lane = new Array<number>(idx.length).fill(0);
  for (const k of order) {
    const b = bs[idx[k]!]!;
    let l = freeAt.findIndex((t) => t <= b.start);
    if (l < 0) l = freeAt.length;
    freeAt[l] = b.end;
    lane[k] = l;
  }
  return lane;
}

/** Counter events of a step profile on process `pid`, one per change point and a 0 at its end. */
function counter(name: string, pid: number, p: StepProfile): TraceEvent[] {
  const out = p.steps.map((s, k): TraceEvent => ({ name, ph: 'C', ts: s * TRACE_US_PER_STEP, pid, tid: 0, args: { bytes: p.values[k]! } }));
  if (p.steps.length > 0) out.push({ name, ph: 'C', ts: p.end * TRACE_US_PER_STEP, pid, tid: 0, args: { bytes: 0 } });
  return out;
}

/**
 * The trace of the memories given: process k+1 is `memories[k]`. Same plan, same bytes (events are
 * written in a fixed order). Buffers keep their step ranges: a trace viewer shows step s at s ms.
 */
export function planTrace(memories: readonly TraceMemory[], title: string): Trace {
  const events: TraceEvent[] = [];
  memories.forEach((m, k) => {
    const pid = k + 1;
    events.push({ name: 'process_name', ph: 'M', ts: 0, pid, tid: 0, args: { name: printable(m.name) } });
    events.push({ name: 'process_sort_index', ph: 'M', ts: 0, pid, tid: 0, args: { sort_index: pid } });
    const lane = lanes(m.problem, m.idx, m.offsets);
    const laneCount = maxOf(lane.map((l) => l + 1), 0);
    for (let l = 0; l < laneCount; l++) events.push({ name: 'thread_name', ph: 'M', ts: 0, pid, tid: l + 1, args: { name: `lane ${l}` } });
    const sub: Problem = { buffers: m.idx.map((i) => m.problem.buffers[i]!) };
    const subOffsets = m.idx.map((i) => m.offsets[i]!);
    pushAll(events, counter('bytes live', pid, liveProfile(sub)));
    pushAll(events, counter('high-water mark', pid, highWaterProfile(sub, subOffsets)));
    m.idx.forEach((i, j) => {
      const b = m.problem.buffers[i]!;
      const o = m.offsets[i]!;
      const kind = m.kinds?.[i];
      events.push({
        name: printable(m.labels[i] ?? b.id),
        cat: kind ?? 'buffer',
        ph: 'X',
        ts: b.start * TRACE_US_PER_STEP,
        dur: (b.end - b.start) * TRACE_US_PER_STEP,
        pid,
        tid: lane[j]! + 1,
        args: { buffer: i, id: printable(b.id), offset: o, size: b.size, end: o + b.size, start_step: b.start, end_step: b.end, ...(kind ? { kind } : {}) },
      });
    });
  });
  return {
    traceEvents: events,
    displayTimeUnit: 'ms',
    otherData: { source: printable(title), generator: 'arenapack', time_axis: `1 step = ${TRACE_US_PER_STEP} us (shown as 1 ms)` },
  };
}

/** Where each buffer of a plan lives: one memory, or each buffer's (after spilling). */
export interface TracePlan {
  offsets: readonly Bytes[];
  spill?: { memory: readonly string[] };
}

/** The memories of one problem's plan: on chip, then DDR when it spilled (one that holds nothing left out). `head` prefixes their names. */
function memoriesOf(head: string, problem: Problem, plan: TracePlan, labels: readonly string[], kinds?: readonly (string | undefined)[]): TraceMemory[] {
  const all = problem.buffers.map((_, i) => i);
  const base = { problem, offsets: plan.offsets, labels, ...(kinds ? { kinds } : {}) };
  const memory = plan.spill?.memory;
  if (memory === undefined) return [{ name: `${head}on chip`, idx: all, ...base }];
  return (
    [
      ['chip', 'on chip'],
      ['ddr', 'DDR'],
    ] as const
  )
    .map(([mem, name]) => ({ name: `${head}${name}`, idx: all.filter((i) => memory[i] === mem), ...base }))
    .filter((m) => m.idx.length > 0);
}

/** The trace of a buffer list's plan (CSV, JSON). */
export function problemTrace(problem: Problem, plan: TracePlan, file: string): Trace {
  return planTrace(memoriesOf('', problem, plan, problem.buffers.map((b) => b.id)), file);
}

/**
 * The trace of a model's plan: `plans[s]` is subgraph s's. Slices are named by their tensors (`a = b`
 * when several share a buffer) and carry the owner tensor's kind (`prepared`, `constant`, ...).
 */
export function modelTrace(model: ImportedModel, plans: readonly TracePlan[]): Trace {
  const memories = model.subgraphs.flatMap((sg, s) => {
    const labels = sg.tensorsOf.map((ts, i) => ts.map((t) => sg.tensors?.[t]?.name ?? sg.names[i] ?? String(t)).join(' = '));
    const kinds = sg.tensorsOf.map((ts) => sg.tensors?.[ts[0]!]?.kind);
    const head = model.subgraphs.length > 1 ? `subgraph ${sg.index}${sg.name ? ` "${sg.name}"` : ''} — ` : '';
    return memoriesOf(head, sg.problem, plans[s]!, labels, kinds);
  });
  return planTrace(memories, baseName(model.file));
}


/** The trace as the file's text: JSON, one event per line. */
export const traceText = (t: Trace): string =>
  `{"traceEvents":[\n${t.traceEvents.map((e) => stringifyJson(e)).join(',\n')}\n],"displayTimeUnit":${stringifyJson(t.displayTimeUnit)},"otherData":${stringifyJson(t.otherData)}}\n`;
