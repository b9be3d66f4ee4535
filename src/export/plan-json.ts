import { solutionToCsv } from './csv.js';
import type { MethodResult, PlanStatus, Problem } from '../problem/types.js';
import type { SolveResult } from '../solve/solve.js';

/** The plan as `--json` prints it. Keys beyond these may be added, never taken away. */
export interface PlanJson {
  peak: number;
  liveBound: number;
  status: PlanStatus;
  method: string;
  bound: number;
  gap: number;
  /** What proves the bound (and so the status). */
  proof: string;
  capacity?: number;
  fits?: boolean;
  methods: MethodResult[];
  buffers: { id: string; offset: number; size: number; start: number; end: number }[];
}

export function planToJson(problem: Problem, result: SolveResult): PlanJson {
  const out: PlanJson = {
    peak: result.peak,
    liveBound: result.liveBound,
    status: result.status,
    method: result.method,
    bound: result.bound,
    gap: result.gap,
    proof: result.proof,
    methods: result.methods.map((m) => ({ method: m.method, peak: m.peak, timeMs: Math.round(m.timeMs * 1000) / 1000 })),
    buffers: problem.buffers.map((b, i) => ({ id: b.id, offset: result.offsets[i]!, size: b.size, start: b.start, end: b.end })),
  };
  if (problem.capacity !== undefined) {
    out.capacity = problem.capacity;
    out.fits = result.fits ?? result.peak <= problem.capacity;
  }
  return out;
}

/**
 * The plan JSON as a file: the same keys without the methods' wall times, so that the same input
 * writes the same bytes (the timings stay in `--json` on stdout).
 */
function planFileText(json: object): string {
  return JSON.stringify(json, (key, value: unknown) => (key === 'timeMs' ? undefined : value), 2) + '\n';
}

/** The `--out` file: a `.csv` name gets the MiniMalloc solution CSV, any other the plan JSON file. */
export function planOutText(path: string, problem: Problem, offsets: readonly number[], json: object): string {
  return path.toLowerCase().endsWith('.csv') ? solutionToCsv(problem, offsets) : planFileText(json);
}
