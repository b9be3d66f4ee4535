import type { Problem } from '../../problem/types.js';
import { wasmBase64 } from './binary.js';

/** The exports of assembly/index.ts, as JS sees them. */
interface Exports {
  memory: WebAssembly.Memory;
  prepare(n: number): number;
  setup(): number;
  inSize(): number;
  inStart(): number;
  inEnd(): number;
  inAlign(): number;
  inFixed(): number;
  out(): number;
  conflictPairs(): number;
  naive(): number;
  inorder(): number;
  greedySize(): number;
  greedyConflicts(): number;
  slotsInorder(): number;
  slotsGreedySize(): number;
  slotsGreedyBreadth(): number;
  lsStart(seed: number): number;
  lsRun(iterations: number, target: number): number;
  lsEmit(): number;
  lsIterations(): number;
}

/** The engine's single-shot kernels: each leaves a plan in memory and returns its peak. */
export type Kernel =
  | 'naive'
  | 'inorder'
  | 'greedySize'
  | 'greedyConflicts'
  | 'slotsInorder'
  | 'slotsGreedySize'
  | 'slotsGreedyBreadth';

function decodeBase64(text: string): Uint8Array {
  if (typeof atob === 'function') {
    const raw = atob(text);
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }
  throw new Error('arenapack: no base64 decoder (atob) in this JavaScript runtime');
}

let compiled: WebAssembly.Module | undefined;

/**
 * One WASM instance holding one problem at a time. The problem crosses into WASM memory once
 * (load); every method then runs on it in place, and only the offsets come back.
 */
export class Engine {
  private readonly x: Exports;
  private n = 0;

  constructor() {
    compiled ??= new WebAssembly.Module(decodeBase64(wasmBase64) as Uint8Array<ArrayBuffer>);
    this.x = new WebAssembly.Instance(compiled, {}).exports as unknown as Exports;
  }

  /** Writes the problem into WASM memory and builds its conflict graph there. */
  load(problem: Problem): void {
    const bs = problem.buffers;
    const n = bs.length;
    if (this.x.prepare(n) === 0) throw new Error(`arenapack: out of memory for ${n} buffers`);
    const view = (ptr: number): Float64Array => new Float64Array(this.x.memory.buffer, ptr, n);
    const size = view(this.x.inSize());
    const start = view(this.x.inStart());
    const end = view(this.x.inEnd());
    const align = view(this.x.inAlign());
    const fixed = view(this.x.inFixed());
    for (let i = 0; i < n; i++) {
      const b = bs[i]!;
      size[i] = b.size;
      start[i] = b.start;
      end[i] = b.end;
      align[i] = b.align ?? 1;
      fixed[i] = b.offset ?? -1;
    }
    const code = this.x.setup();
    if (code === 1) throw new Error(`arenapack: out of memory building the conflict graph of ${n} buffers`);
    if (code === 2) {
      throw new Error(`arenapack: too many pairs of buffers overlap in time (over 2^26) for the heuristics`);
    }
    this.n = n;
  }

  /** Pairs of buffers that overlap in time in the loaded problem. */
  conflictPairs(): number {
    return this.x.conflictPairs();
  }

  /** Runs one kernel; returns its offsets (problem order) and peak. */
  run(kernel: Kernel): { offsets: number[]; peak: number } {
    const peak = this.x[kernel]();
    if (peak < 0) throw new Error(`arenapack: out of memory in ${kernel}`);
    return { offsets: this.offsets(), peak };
  }

  /**
   * Local search from the better greedy order. `more(iterationsSoFar)` is asked between chunks of
   * moves and ends the search by returning false; the search also ends at `target`.
   */
  localSearch(seed: number, target: number, iterations: number, more: () => boolean): { offsets: number[]; peak: number; iterations: number } {
    if (this.x.lsStart(seed) < 0) throw new Error('arenapack: out of memory in the local search');
    const chunk = 64;
    let done = 0;
    let best = Infinity;
    while (done < iterations) {
      const step = Math.min(chunk, iterations - done);
      best = this.x.lsRun(step, target);
      done += step;
      if (best <= target || !more()) break;
    }
    const peak = this.x.lsEmit();
    return { offsets: this.offsets(), peak, iterations: this.x.lsIterations() };
  }

  private offsets(): number[] {
    return Array.from(new Float64Array(this.x.memory.buffer, this.x.out(), this.n));
  }
}
