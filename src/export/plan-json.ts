import { allOffsets, allValues, type ReadProblem } from '../import/index.js';
import { solutionToCsv } from './csv.js';
import type { Gap, Memory, MethodResult, PlanStatus, Problem } from '../problem/types.js';
import type { PlanResult, SpillInfo } from '../solve/spill.js';
import { planProfile, type PlanProfile } from '../problem/profile.js';
import { allSpilled, peakFacts, problemBefore, type Baseline } from './report.js';
import { stringifyJson } from '../format/json-text.js';

/** One "to fit" hint in the JSON (src/problem-fit-hints.ts, src/model-fit-hints.ts). */
export interface FitHintJson {
  /** The change, as a flag or in words ("capacity", "tensor", "spill", "--no-prepared (...)", "--reorder (...)"). */
  change: string;
  /** The arena planned with the change (bytes; after spilling, the on-chip one), when it was planned. */
  arena?: number;
  /** Whether that arena fits the capacity. */
  fits?: boolean;
  /**
   * When the change has no figure: why (no spill can help, not tried by the time limit). A `spill`
   * entry without a plan has `fits: false` with it.
   */
  reason?: string;
  /** `tensor`: the id of the buffer too large alone, and its bytes. */
  buffer?: string;
  size?: number;
}

/** The plan as `--json` prints it. Keys beyond these may be added, never taken away. */
export interface PlanJson {
  /** Bytes of the arena the plan needs: after spilling, the on-chip arena. */
  peak: number;
  liveBound: number;
  /** `spilled`: fits after spilling (see `spill.choice`). */
  status: PlanStatus;
  method: string;
  bound: number;
  gap: number;
  /** What proves the bound (and so the status). */
  proof: string;
  capacity?: number;
  /** Whether the plan emitted fits the capacity (after spilling, when it spilled). */
  fits?: boolean;
  /** With a capacity: ids of the buffers in DDR (empty when all fits on chip). */
  spilled?: string[];
  /** When something spills: their bytes, and their weight (the DDR traffic spilling costs). */
  spilledBytes?: number;
  ddrTraffic?: number;
  /** When something spills: how the choice was made and the DDR arena. */
  spill?: Omit<SpillInfo, 'memory' | 'spilled' | 'spilledBytes' | 'ddrTraffic'>;
  /**
   * After spilling, when every buffer went to DDR: nothing stays on chip (the on-chip arena is empty:
   * `peak` 0, `method` "-"). A valid plan all the same (`fits`, exit 0). Absent otherwise.
   */
  nothingOnChip?: true;
  /** Why no spill plan was found (the plan is then the one-arena plan, which does not fit). */
  spillFailure?: string;
  methods: MethodResult[];
  /** The first step at which the plan reaches its peak (after spilling: the on-chip arena's), and the bytes live there. */
  peakStep: number;
  peakLive: number;
  /** The buffers live at `peakStep` (on chip, after spilling), largest first. */
  atPeak: { id: string; size: number }[];
  /**
   * The memory profile, compact (src/problem/profile.ts PlanProfile): from `steps[i]` up to the next
   * entry (the last up to `end`), `live[i]` bytes are live and the plan's high-water mark is
   * `highWater[i]` bytes; entries only where either changes. After spilling: of the on-chip buffers.
   */
  profile: PlanProfile;
  /** The "before" of the report: which planner, and the arena it needs (bytes) for every buffer in one arena. */
  baseline?: Baseline;
  /** When the plan does not fit the capacity all on chip: what would, each planned (src/problem-fit-hints.ts, src/model-fit-hints.ts). */
  hints?: FitHintJson[];
  /**
   * What the time limit cut short or left out, a line each: the report's notes that name it (a heuristic
   * cut or left out, the search, the parts, the spill choice; and when the limit is below the least time
   * a plan of this size takes, that). Absent when the limit cut nothing.
   */
  limitCuts?: string[];
  /** `memory` (with a capacity): `chip`, or `ddr` when spilled; `offset` is within that memory's arena. */
  buffers: { id: string; offset: number; size: number; start: number; end: number; align?: number; gaps?: Gap[]; hint?: number; aliasOf?: string; aliasOffset?: number; memory?: Memory }[];
}

/** A plan of read.problem as a plan of every buffer of the file (read.all): 0-byte buffers at offset 0, on chip. */
export function planOfAll(read: ReadProblem, plan: PlanResult): PlanResult {
  if (read.empty.length === 0) return plan;
  const spill = plan.spill === undefined ? {} : { spill: { ...plan.spill, memory: allValues(read, plan.spill.memory, 'chip') } };
  return { ...plan, offsets: allOffsets(read, plan.offsets), ...spill };
}

/**
 * The plan as JSON. `baseline`: the report's "before" (default: TFLite's greedy rule on the buffers,
 * problemBefore); null, or a string (why it was left out: problemBefore's), leaves it out.
 */
export function planToJson(problem: Problem, result: PlanResult, baseline?: Baseline | string | null): PlanJson {
  const memory = result.spill?.memory;
  const facts = peakFacts(problem, result);
  const chip = problem.buffers.flatMap((_, i) => (memory === undefined || memory[i] === 'chip' ? [i] : []));
  const capacity = result.spill?.capacity ?? problem.capacity;
  const out: PlanJson = {
    peak: result.peak,
    liveBound: result.liveBound,
    status: result.status,
    method: result.method,
    bound: result.bound,
    gap: result.gap,
    proof: result.proof,
    methods: result.methods.map((m) => ({ method: m.method, peak: m.peak, timeMs: Math.round(m.timeMs * 1000) / 1000 })),
    peakStep: facts.step,
    peakLive: facts.live,
    atPeak: facts.buffers.filter((i) => problem.buffers[i]!.size > 0).map((i) => ({ id: problem.buffers[i]!.id, size: problem.buffers[i]!.size })),
    profile: planProfile({ buffers: chip.map((i) => problem.buffers[i]!) }, chip.map((i) => result.offsets[i]!)),
    buffers: problem.buffers.map((b, i) => {
      const entry: PlanJson['buffers'][number] = { id: b.id, offset: result.offsets[i]!, size: b.size, start: b.start, end: b.end };
      // The problem's own fields, so that the plan reads back as the problem it solves (src/import/json.ts),
      // set one by one in this order (no object spread per buffer: a million of them took ~0.2 s more).
      if (b.align !== undefined) entry.align = b.align;
      if (b.gaps !== undefined) entry.gaps = b.gaps;
      if (b.hint !== undefined) entry.hint = b.hint;
      if (b.aliasOf !== undefined) {
        entry.aliasOf = b.aliasOf;
        if (b.aliasOffset !== undefined) entry.aliasOffset = b.aliasOffset;
      }
      if (capacity !== undefined) entry.memory = memory?.[i] ?? 'chip';
      return entry;
    }),
  };
  const before = baseline === undefined ? problemBefore(problem) : baseline;
  if (before !== null && typeof before !== 'string') out.baseline = before;
  if (capacity !== undefined) {
    out.capacity = capacity;
    out.fits = result.fits ?? result.peak <= capacity;
    out.spilled = result.spill?.spilled ?? [];
    if (result.spill) {
      const { memory: _m, spilled: _s, spilledBytes, ddrTraffic, ...rest } = result.spill;
      out.spilledBytes = spilledBytes;
      out.ddrTraffic = ddrTraffic;
      out.spill = rest;
      if (allSpilled(result.spill)) out.nothingOnChip = true;
    }
    if (result.spillFailure !== undefined) out.spillFailure = result.spillFailure;
  }
  const cuts = (result.notes ?? []).filter((n) => /time limit/.test(n));
  if (cuts.length > 0) out.limitCuts = cuts;
  return out;
}

/**
 * The plan JSON as a file: the same keys without the methods' wall times, so that the same input
 * writes the same bytes (the timings stay in `--json` on stdout).
 */
function planFileText(json: object): string {
  return stringifyJson(json, (key, value: unknown) => (key === 'timeMs' ? undefined : value), 2) + '\n';
}

/**
 * The `--out` file: a `.csv` name gets the MiniMalloc solution CSV (with a `memory` column when the
 * plan spilled), any other the plan JSON file.
 */
export function planOutText(path: string, problem: Problem, result: Pick<PlanResult, 'offsets' | 'spill'>, json: object): string {
  return path.toLowerCase().endsWith('.csv') ? solutionToCsv(problem, result.offsets, result.spill?.memory) : planFileText(json);
}
