/**
 * The data arenapack works on. Units: sizes, offsets and capacities are bytes (safe integers);
 * times are operator steps (safe integers). This module depends on nothing.
 */

/** Bytes: a non-negative safe integer. */
export type Bytes = number;
/** An operator step; a buffer is live on the half-open range [start, end). */
export type Step = number;

/** One block of memory that must exist from `start` up to (not including) `end`. */
export interface Buffer {
  /** Unique name (MiniMalloc CSV `id`, a tensor index, ...). */
  id: string;
  /** Bytes needed; a positive safe integer. */
  size: Bytes;
  /** First step at which the buffer is live. */
  start: Step;
  /** First step at which it is no longer live (exclusive); `start < end`. */
  end: Step;
  /** Offsets must be multiples of this power of two; default 1. */
  align?: number;
  /** A pre-assigned offset the plan must keep. */
  offset?: Bytes;
  /**
   * Bytes of DDR traffic saved when the buffer stays on chip (fit); with memory tiers, its traffic
   * per inference in bytes (a model tensor: size x (1 + readers)). Default `size`.
   */
  weight?: number;
  /** Whether the buffer may leave the chip when it does not fit (fit); default true. */
  spillable?: boolean;
  /**
   * Memory tiers: the names of the memories (Problem.memories) this buffer may live in; default all.
   * An input a DMA writes may be pinned to one, say. A buffer with `spillable: false` or a fixed
   * offset lives in the first (fastest) memory.
   */
  memories?: string[];
  /**
   * Steps inside [start, end) where the buffer holds nothing, or only a window of its bytes (MiniMalloc's
   * `gaps`); other buffers may use the rest of its bytes then. Disjoint; see src/problem/relative.ts.
   */
  gaps?: Gap[];
  /** A preferred offset: heuristics try it first where it is free; never a constraint (MiniMalloc CSV `hint`). */
  hint?: Bytes;
  /**
   * The id of a buffer this one is a view of: its offset is that buffer's offset plus `aliasOffset`, its
   * bytes inside that buffer's (see src/problem/relative.ts). Buffers tied this way may share bytes.
   */
  aliasOf?: string;
  /** Bytes from the start of `aliasOf` to this buffer's start; default 0. Only with `aliasOf`. */
  aliasOffset?: Bytes;
}

/**
 * Steps [start, end) inside a buffer's live range where it is idle: with no `window` none of its bytes are
 * live; with `window` only bytes [lo, hi) of it (counted from the buffer's offset) are (MiniMalloc's
 * `lo-hi@a:b`).
 */
export interface Gap {
  start: Step;
  end: Step;
  window?: { lo: Bytes; hi: Bytes };
}

/**
 * One memory of a device (a tier: DTCM, SRAM, PSRAM, DDR...). Listed fastest first; each buffer gets
 * one memory and an offset inside that memory's arena (reuse and merging inside each, as in place).
 */
export interface MemoryTier {
  /** Unique name, as buffers and outputs refer to it (`dtcm`, `sram`, `ddr`). */
  name: string;
  /**
   * Bytes of the memory; absent = unbounded (allowed for the last memory only, e.g. DDR, or for a
   * read-only memory wherever it is listed).
   */
  capacity?: Bytes;
  /** Offsets in this memory are multiples of this power of two (on top of each buffer's own); default 1. */
  align?: number;
  /**
   * Relative cost of one byte of traffic in this memory (energy or time per byte: DTCM 1, SRAM 2,
   * PSRAM 20, say); a non-negative finite number. The objective is the sum over buffers of
   * weight x the cost of the buffer's memory.
   */
  cost: number;
  /**
   * A read-only memory the constants already live in (flash, for a model's weights with `--weights`):
   * no arena is planned there — a buffer there stays where it is (its offset is not planned) and is
   * read in place, costing its weight x `cost`; only buffers that name it in their `memories` may live
   * there, and every other memory a buffer may use is one it is copied into for the whole run. Its
   * `capacity`, when given, bounds the total bytes of the buffers that may live there.
   */
  readOnly?: boolean;
}

/** A set of buffers to place, optionally under an on-chip capacity. */
export interface Problem {
  buffers: Buffer[];
  /** Bytes of on-chip memory available. */
  capacity?: Bytes;
  /**
   * Memory tiers, fastest first (see MemoryTier): plan every buffer into one of them, minimising the
   * traffic cost. `capacity` alone is the two-memory case (on chip, then DDR).
   */
  memories?: MemoryTier[];
}

/** How good a plan is known to be. */
export type PlanStatus =
  /** peak equals a proven lower bound: nothing better exists. */
  | 'optimal'
  /** a valid plan (that fits the capacity, when one is given); `gap` says how far from the bound. */
  | 'feasible'
  /** proven: no plan fits the capacity. */
  | 'infeasible'
  /** no plan within the capacity was found, and none was proven impossible. */
  | 'unknown'
  /**
   * the buffers together do not fit the capacity; a chosen set stays on chip within it and the rest
   * is spilled to a DDR arena (set by planWithSpill, never by solve(); the plan's `spill.choice` says
   * whether that choice is proven best).
   */
  | 'spilled';

/** Where a buffer lives in a plan under a capacity: the on-chip arena, or the DDR arena it spills to. */
export type Memory = 'chip' | 'ddr';

/** Where every buffer lives. */
export interface Plan {
  /** Offset of `problem.buffers[i]`, in the problem's order. */
  offsets: Bytes[];
  /** Arena size the plan needs: max over buffers of offset + size. */
  peak: Bytes;
  /** The method that produced the offsets. */
  method: string;
  status: PlanStatus;
  /** Best proven lower bound on the peak (the live bound, or better). */
  bound: Bytes;
  /** (peak - bound) / bound; 0 when proven optimal. */
  gap: number;
}

/** One method's outcome, as the report lists it. */
export interface MethodResult {
  method: string;
  peak: Bytes;
  /** Wall time of the method, milliseconds. */
  timeMs: number;
}
