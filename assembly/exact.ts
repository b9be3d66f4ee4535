// Exact placement by branch-and-bound over canonical solutions (in the spirit of MiniMalloc).
//
// Every plan can be pushed down until each movable buffer sits at offset 0 or right on top of a
// buffer it overlaps in time (aligned up). Taking the buffers of such a plan by (offset, index),
// each one's offset is the highest top among the placed buffers it overlaps ("its floor"), so
// the search only chooses the order: at each node, which buffer comes next. Offsets along a path
// never decrease. Pruning:
//   - capacity: a buffer whose floor plus size exceeds C can never fit;
//   - sections: in every time section, the buffers still to place there sit above both that
//     section's floor and the current level L, so max(floor, L) + their bytes must fit under C;
//   - dominance: an unplaced buffer that would fit entirely below L can never be placed canonically
//     any more (nothing will ever go below L again), so the node leads only to non-canonical plans.
// Candidates are tried by (offset, static rank); among buffers at the same offset only increasing
// ranks are allowed (they never overlap in time, so any order gives the same plan). When the
// placed buffers cut time so that no unplaced buffer crosses some step, the parts on either side
// are independent: each is solved on its own, from level 0 again, and a part that fails fails the
// node at once (no backtracking into the choices of its independent neighbours). The node's own
// section check at its level L is made before it splits: the parts cannot make it any more.
// A node is counted only when the bounds let it through (as MiniMalloc counts nodes; its pruning
// rules differ from ours in details, so counts are close, not equal).
// A candidate with no unplaced neighbour that fails ends its node ("hatless" pruning).
// A run stops at the first plan within C (FOUND), when the tree is exhausted (a proof that no plan
// fits C), or (ABORTED) at its node or work limit, when tick() says stop, or when memory runs out.
// The caller restarts runs with other static orders and growing node limits, and tightens C after
// each plan.
import { alloc, mark } from './memory';
import {
  ADJ, ADJ_AT, N, OFF,
  alignOf, alignUp, emit, endOf, fixedOf, isPlaced, offsetOf, setOffset, setPlaced, size, startOf,
} from './problem';
import { HAS_PAIRS } from './neighbours';
import { SECTIONS, SEC_AT, SEC_BUF, SEC_HI, SEC_LO, buildSections } from './sections';
import { sortIndices } from './sort';
import { tick, TICK_WORK } from './clock';

// Switches of the search's techniques (bbSwitches), each a bit; all on by default. Off, a technique
// only stops pruning or splitting: the search stays exact, it just explores more. Named after
// MiniMalloc's SolverParams (src/solver.h) where it has the same technique.
/** Sections: what is left in each time section must fit under the cap (MiniMalloc's section_inference). */
export const SW_SECTIONS: i32 = 1;
/** Section floors rise to the lowest offset an unplaced buffer there can take (unallocated_floor). */
export const SW_UNPLACED_FLOOR: i32 = 2;
/** The section check counts from max(floor, L), the level offsets never go below again (monotonic_floor). */
export const SW_MONOTONIC: i32 = 4;
/** Dominance: a node leaving a gap below L where an unplaced buffer fits for good is dead (check_dominance). */
export const SW_DOMINANCE: i32 = 8;
/** Buffers at the same offset only by increasing rank (canonical_only). */
export const SW_CANONICAL: i32 = 16;
/** Hatless pruning: a failed candidate with no unplaced neighbour ends its node. */
export const SW_HATLESS: i32 = 32;
/** Splitting into independent parts inside the search where placed buffers cut time (dynamic_decomposition). */
export const SW_SPLIT: i32 = 64;
export const SW_ALL: i32 = 127;
let switches: i32 = SW_ALL;
@inline function on(bit: i32): bool { return (switches & bit) != 0; }

/** Sets the switches (SW_* bits) of the runs that follow; bits outside SW_ALL are ignored. */
export function bbSwitches(mask: i32): void {
  switches = mask & SW_ALL;
}

const NOT_FOUND: i32 = 1;
const FOUND: i32 = 2;
const ABORTED: i32 = 3;
// The run reached its node limit and kept its whole state (bbPaused): bbResume goes on from there.
const PAUSED: i32 = 4;

let cap: i64 = 0; // plans must have peak <= cap
let nodes: f64 = 0;
let nodeLimit: f64 = 0;
// Work: the elementary steps a run has taken (neighbours, sections and section members visited).
// Unlike time it does not depend on the machine, so a budget of work ends a search deterministically.
let work: f64 = 0;
let workLimit: f64 = 0;
let tries: i64 = 0; // children tried (see search)
let tickAt: f64 = 0; // work at which tick() is asked next, whatever the children tried (clock.ts)
let outOfMemory: bool = false;
let stop: bool = false;
let haveSolution: bool = false;
// A run that reaches its node or work limit pauses instead of unwinding: its frames, trail and
// placements stay as they are, and the node it was about to enter is kept here (the arguments of that
// enterNode call). bbResume, with higher limits, enters that node again and goes on: it visits the very
// nodes a fresh run with the higher limits visits after those the paused run counted (the search
// depends on its limits only through those two checks), so a restart of the same order at the same
// cap need not visit its first nodes again (src/solve/wasm/engine.ts searchRun).
let paused: bool = false;
let pLo: i32 = 0;
let pHi: i32 = 0;
let pList: i32 = 0;
let pCount: i32 = 0;
let pL: i64 = 0;
let pLastRank: i32 = 0;

let CAND: usize = 0; // i64 per buffer: highest top among placed buffers it overlaps
let FLOOR: usize = 0; // i64 per section: top of the highest placed buffer there
let REM: usize = 0; // i64 per section: bytes of unplaced buffers live there
let STAMP: usize = 0; // i32 per section: == stampNow when already queued for a floor update
let stampNow: i32 = 0;
let AFFECTED: usize = 0; // i32 list of sections whose floor may rise
let CUTS: usize = 0; // i32 per boundary s|s+1: unplaced buffers live across it
let SOL: usize = 0; // i64 per buffer: the offsets of the plan found
let TR_I: usize = 0; // trail of CAND and FLOOR changes: index (sections tagged with bit 30)
let TR_V: usize = 0; // ... and old value
let trail: i32 = 0;
let POOL: usize = 0; // candidate lists, one per frame of the search (see solveAll), as a stack
let poolCap: i32 = 0;
let poolTop: i32 = 0;
let KEY_O: usize = 0; // i64 per buffer: the offset it would take now (candidate sort key)
let RANK: usize = 0; // i32 per buffer: position in the static order (candidate tie-break)
let TOTAL: usize = 0; // i64 per buffer: the most bytes live in any of its sections
let TMP: usize = 0;

const SECTION_TAG: i32 = 1 << 30;

@inline function i32at(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
@inline function i32set(p: usize, i: i32, v: i32): void { store<i32>(p + (<usize>i << 2), v); }
@inline function i64at(p: usize, i: i32): i64 { return load<i64>(p + (<usize>i << 3)); }
@inline function i64set(p: usize, i: i32, v: i64): void { store<i64>(p + (<usize>i << 3), v); }

/** Grows the block that ends the heap (the pool) so it holds `need` i32. */
function ensurePool(need: i32): bool {
  if (need <= poolCap) return true;
  let next = poolCap * 2;
  if (next < need) next = need;
  const end = POOL + (<usize>next << 2);
  const have = (<usize>memory.size()) << 16;
  if (end > have) {
    const pages = <i32>((end - have + 0xffff) >> 16);
    if (memory.grow(pages) < 0) return false;
  }
  poolCap = next;
  return true;
}

/** Records an old value. The trail holds every change along one path: each buffer is placed at most once. */
function push(i: i32, v: i64): void {
  i32set(TR_I, trail, i);
  i64set(TR_V, trail, v);
  trail++;
}

function undoTo(markAt: i32): void {
  while (trail > markAt) {
    trail--;
    const i = i32at(TR_I, trail);
    const v = i64at(TR_V, trail);
    if (i & SECTION_TAG) i64set(FLOOR, i & ~SECTION_TAG, v);
    else i64set(CAND, i, v);
  }
}

@inline function queue(s: i32, count: i32): i32 {
  if (i32at(STAMP, s) == stampNow) return count;
  i32set(STAMP, s, stampNow);
  i32set(AFFECTED, count, s);
  return count + 1;
}

@inline function offsetOfUnplaced(b: i32): i64 {
  const f = fixedOf(b);
  return f >= 0 ? f : alignUp(i64at(CAND, b), alignOf(b));
}

/**
 * Places b at offset o; returns false when a section overflows (the caller then undoes it).
 * Section floors become b's top where b lives, and rise to the lowest offset any unplaced buffer
 * there can still take (in the sections of b and of every neighbour whose offset rose).
 */
function place(b: i32, o: i64): bool {
  setPlaced(b, true);
  setOffset(b, o);
  const top = o + size(b);
  stampNow++;
  let count = 0;
  const sections = on(SW_SECTIONS);
  const lift = sections && on(SW_UNPLACED_FLOOR);
  const stop = i32at(ADJ_AT, b + 1);
  let steps: i64 = <i64>(stop - i32at(ADJ_AT, b));
  for (let p = i32at(ADJ_AT, b); p < stop; p++) {
    const c = i32at(ADJ, p);
    if (!isPlaced(c) && i64at(CAND, c) < top) {
      push(c, i64at(CAND, c));
      i64set(CAND, c, top);
      if (!lift) continue;
      // Only where c's new offset is above the floor can c's rise lift that floor.
      const oc = offsetOfUnplaced(c);
      const chi = i32at(SEC_HI, c);
      steps += <i64>(chi - i32at(SEC_LO, c));
      for (let s = i32at(SEC_LO, c); s < chi; s++) if (i64at(FLOOR, s) < oc) count = queue(s, count);
    }
  }
  let ok = true;
  const hi = i32at(SEC_HI, b);
  for (let s = i32at(SEC_LO, b); s < hi; s++) {
    push(s | SECTION_TAG, i64at(FLOOR, s));
    i64set(FLOOR, s, top);
    i64set(REM, s, i64at(REM, s) - size(b));
    if (sections) count = queue(s, count);
  }
  for (let i = 0; i < count; i++) {
    const s = i32at(AFFECTED, i);
    // The lowest offset an unplaced buffer here can take; stop as soon as one is at or below the floor.
    const floor = i64at(FLOOR, s);
    let low: i64 = i64.MAX_VALUE;
    const end = lift ? i32at(SEC_AT, s + 1) : 0;
    for (let q = i32at(SEC_AT, s); q < end; q++) {
      steps++;
      const c = i32at(SEC_BUF, q);
      if (!isPlaced(c)) {
        const oc = offsetOfUnplaced(c);
        if (oc < low) {
          low = oc;
          if (low <= floor) break;
        }
      }
    }
    if (lift && low != i64.MAX_VALUE && low > floor) {
      push(s | SECTION_TAG, i64at(FLOOR, s));
      i64set(FLOOR, s, low);
    }
    if (i64at(FLOOR, s) + i64at(REM, s) > cap && i64at(REM, s) > 0) ok = false;
  }
  // Boundaries inside b's span lose one crossing buffer.
  for (let s = i32at(SEC_LO, b); s < hi - 1; s++) i32set(CUTS, s, i32at(CUTS, s) - 1);
  work += <f64>(steps + <i64>(2 * (hi - i32at(SEC_LO, b))));
  return ok;
}

function unplace(b: i32): void {
  setPlaced(b, false);
  const hi = i32at(SEC_HI, b);
  for (let s = i32at(SEC_LO, b); s < hi; s++) i64set(REM, s, i64at(REM, s) + size(b));
  for (let s = i32at(SEC_LO, b); s < hi - 1; s++) i32set(CUTS, s, i32at(CUTS, s) + 1);
}

/** Next candidates: lower offset first, then by static rank. */
function byCandidate(a: i32, b: i32): i32 {
  const oa = i64at(KEY_O, a);
  const ob = i64at(KEY_O, b);
  if (oa != ob) return oa < ob ? -1 : 1;
  return i32at(RANK, a) - i32at(RANK, b);
}

let heuristic: i32 = 0;

/**
 * Static orders (several, for restarts), by keys W = lifetime length, A = area (size x lifetime),
 * T = the most bytes live in any of its sections, all largest first: 0 W A T, 1 T A W, 2 T W A.
 */
function byStatic(a: i32, b: i32): i32 {
  const wa = endOf(a) - startOf(a);
  const wb = endOf(b) - startOf(b);
  const areaA = <f64>size(a) * wa;
  const areaB = <f64>size(b) * wb;
  const ta = i64at(TOTAL, a);
  const tb = i64at(TOTAL, b);
  if (heuristic == 0) {
    if (wa != wb) return wa > wb ? -1 : 1;
    if (areaA != areaB) return areaA > areaB ? -1 : 1;
    if (ta != tb) return ta > tb ? -1 : 1;
  } else if (heuristic == 1) {
    if (ta != tb) return ta > tb ? -1 : 1;
    if (areaA != areaB) return areaA > areaB ? -1 : 1;
    if (wa != wb) return wa > wb ? -1 : 1;
  } else {
    if (ta != tb) return ta > tb ? -1 : 1;
    if (wa != wb) return wa > wb ? -1 : 1;
    if (areaA != areaB) return areaA > areaB ? -1 : 1;
  }
  return a - b;
}

@inline function inPart(b: i32, lo: i32, hi: i32): bool {
  return i32at(SEC_LO, b) >= lo && i32at(SEC_HI, b) <= hi;
}

const DEAD: i32 = -1; // no child can lead to a plan
const REJECTED: i32 = -2; // the bounds say no plan fits: the node is not even counted
const OUT_OF_MEMORY: i32 = -3; // the candidate pool could not grow: the run stops (no proof)

/**
 * Lists the children of a node of the part [lo, hi) into the pool: the buffers that may come next
 * at level L after the buffer of rank `lastRank`. Returns the count; 0 when the part is complete;
 * DEAD or REJECTED when there is none.
 */
function expand(lo: i32, hi: i32, list: i32, count: i32, L: i64, lastRank: i32): i32 {
  // Offsets now, dead ends, and the lowest height an unplaced buffer could end at: a candidate at
  // or above that height would leave a gap where that buffer fits for good (dominated).
  let minHeight: i64 = i64.MAX_VALUE;
  let left = 0;
  const dominance = on(SW_DOMINANCE);
  const canonical = on(SW_CANONICAL);
  for (let j = 0; j < count; j++) {
    const b = i32at(POOL, list + j);
    if (isPlaced(b)) continue;
    left++;
    const f = fixedOf(b);
    let o: i64;
    let h: i64;
    if (f >= 0) {
      if (i64at(CAND, b) > f || f + size(b) > cap) {
        work += <f64>(j + 1);
        return REJECTED;
      }
      if (f < L || (f == L && canonical && i32at(RANK, b) < lastRank)) {
        work += <f64>(j + 1);
        return DEAD;
      }
      o = f;
      h = f + 1; // nothing may be placed above a fixed buffer's offset before it
    } else {
      o = alignUp(i64at(CAND, b), alignOf(b));
      h = o + size(b);
      if (h > cap) {
        work += <f64>(j + 1);
        return REJECTED;
      }
      if (h <= L && dominance) {
        work += <f64>(j + 1);
        return DEAD;
      }
    }
    i64set(KEY_O, b, o);
    if (h < minHeight && dominance) minHeight = h;
  }
  work += <f64>(count + hi - lo);
  if (left == 0) return 0;
  // Sections: what is left in each must fit above max(floor, L).
  if (on(SW_SECTIONS) && !sectionsFit(lo, hi, L)) return REJECTED;
  const start = poolTop;
  if (!ensurePool(poolTop + left)) return OUT_OF_MEMORY;
  let k = 0;
  for (let j = 0; j < count; j++) {
    const b = i32at(POOL, list + j);
    if (isPlaced(b)) continue;
    const o = i64at(KEY_O, b);
    if (o >= minHeight) continue;
    if (o > L || (o == L && (i32at(RANK, b) > lastRank || !canonical))) {
      i32set(POOL, start + k, b);
      k++;
    }
  }
  if (k == 0) return DEAD;
  sortIndices(POOL + (<usize>start << 2), k, TMP, byCandidate);
  poolTop = start + k;
  return k;
}

function memoryOut(): i32 {
  outOfMemory = true;
  stop = true;
  return ABORTED;
}

/** Whether what is left in each section of [lo, hi) fits between max(its floor, L) and the cap. */
function sectionsFit(lo: i32, hi: i32, L: i64): bool {
  if (!on(SW_MONOTONIC)) L = 0;
  for (let s = lo; s < hi; s++) {
    const rem = i64at(REM, s);
    if (rem > 0) {
      const f = i64at(FLOOR, s);
      if ((f > L ? f : L) + rem > cap) return false;
    }
  }
  return true;
}

/** Whether every buffer overlapping b in time is placed. */
function hatless(b: i32): bool {
  const stop = i32at(ADJ_AT, b + 1);
  for (let p = i32at(ADJ_AT, b); p < stop; p++) if (!isPlaced(i32at(ADJ, p))) return false;
  return true;
}

// The search as an explicit stack of frames (no recursion: a path is as deep as the buffers it
// places, up to N, and the engine's native stack is small). Two kinds of frame call each other:
//   - a node (SEARCH) of the part [lo, hi): lists its children (expand), then tries them in turn,
//     placing each and going down into the child node, or into the parts the child cut (PARTS);
//   - PARTS of [lo, hi): splits it where no unplaced buffer crosses a boundary and solves each side
//     from level 0 in turn, stopping at the first side that fails.
// Each frame undoes what it changed before it returns its result (FOUND, NOT_FOUND, ABORTED) to the
// frame below; a FOUND child leaves its offsets in SOL.
const SEARCH: i32 = 0;
const PARTS: i32 = 1;
// Frame fields (i32 each). Both kinds: kind, lo, hi, list, count, saved (poolTop on entry).
const F_KIND: i32 = 0;
const F_LO: i32 = 1;
const F_HI: i32 = 2;
const F_LIST: i32 = 3;
const F_COUNT: i32 = 4;
const F_SAVED: i32 = 5;
// SEARCH: k children at POOL[saved ..), the one being tried (index i, buffer x), the trail mark
// before x was placed, and the node's result so far.
const F_K: i32 = 6;
const F_I: i32 = 7;
const F_X: i32 = 8;
const F_MARK: i32 = 9;
const F_RESULT: i32 = 10;
// PARTS: the part being solved starts at section a; s is its last section; its buffers are
// POOL[start .. start+m), their old ranks at POOL[start+m .. start+2m).
const F_A: i32 = 6;
const F_S: i32 = 7;
const F_START: i32 = 8;
const F_M: i32 = 9;
const FRAME: i32 = 12;

let FRAMES: usize = 0; // the frame stack: FRAME i32 per frame
let depth: i32 = 0; // frames on the stack
let frame: usize = 0; // the top frame

@inline function fget(field: i32): i32 { return load<i32>(frame + (<usize>field << 2)); }
@inline function fset(field: i32, v: i32): void { store<i32>(frame + (<usize>field << 2), v); }

function pushFrame(kind: i32, lo: i32, hi: i32, list: i32, count: i32): void {
  frame = FRAMES + <usize>depth * <usize>(FRAME << 2);
  depth++;
  fset(F_KIND, kind);
  fset(F_LO, lo);
  fset(F_HI, hi);
  fset(F_LIST, list);
  fset(F_COUNT, count);
}

function popFrame(): void {
  depth--;
  const top: i32 = depth > 0 ? depth - 1 : 0;
  frame = FRAMES + <usize>top * <usize>(FRAME << 2);
}

/** Keeps the node the run was about to enter (enterNode's arguments) and pauses the run there. */
function pause(lo: i32, hi: i32, list: i32, count: i32, L: i64, lastRank: i32): i32 {
  paused = true;
  pLo = lo;
  pHi = hi;
  pList = list;
  pCount = count;
  pL = L;
  pLastRank = lastRank;
  return PAUSED;
}

/**
 * Enters a node of the part [lo, hi) at level L after the buffer of rank `lastRank`: lists its
 * children. Returns -1 when the node has children to try (its frame is then on the stack, at its
 * first child), else its result at once (no frame left behind).
 */
function enterNode(lo: i32, hi: i32, list: i32, count: i32, L: i64, lastRank: i32): i32 {
  if (stop) return ABORTED;
  if (work >= workLimit) return pause(lo, hi, list, count, L, lastRank);
  const saved = poolTop;
  const workBefore = work;
  const k = expand(lo, hi, list, count, L, lastRank);
  // Nodes are counted as MiniMalloc counts them: a child the bounds reject is not one.
  if (k == REJECTED) return NOT_FOUND;
  if (k == OUT_OF_MEMORY) return memoryOut();
  if (k == 0) {
    nodes++;
    return FOUND;
  }
  if (nodes >= nodeLimit) {
    poolTop = saved;
    // Pause: this node is entered again on resume, its listing counted then (a fresh run with a
    // higher limit counts it once).
    work = workBefore;
    return pause(lo, hi, list, count, L, lastRank);
  }
  nodes++;
  if (k < 0) return NOT_FOUND;
  pushFrame(SEARCH, lo, hi, list, count);
  fset(F_SAVED, saved);
  fset(F_K, k);
  fset(F_I, 0);
  fset(F_RESULT, NOT_FOUND);
  return -1;
}

/**
 * Goes on with the node on top of the stack (its child i has just returned, or is next to try):
 * tries children in turn until one must be searched below, which it enters (returns -1: go on
 * with the new top frame), or until the node is done: then it pops the node and returns its result.
 */
function stepNode(): i32 {
  const lo = fget(F_LO);
  const hi = fget(F_HI);
  const list = fget(F_LIST);
  const count = fget(F_COUNT);
  const saved = fget(F_SAVED);
  const k = fget(F_K);
  let result = fget(F_RESULT);
  for (let i = fget(F_I); i < k && result == NOT_FOUND; i++) {
    // Time, cancellation and progress: asked every 64 children tried, counted or not, so the
    // questions come at bounded intervals even when the bounds reject most children; and after
    // every TICK_WORK of work, as a child may cost work in proportion to the part's buffers.
    tries++;
    if ((tries & 63) == 0) {
      tickAt = work + TICK_WORK;
      if (tick(nodes, 1) != 0) stop = true;
    } else if (work >= tickAt) {
      tickAt = work + TICK_WORK;
      if (tick(nodes, 0) != 0) stop = true;
    }
    if (stop) {
      result = ABORTED;
      break;
    }
    const x = i32at(POOL, saved + i);
    // KEY_O of x may have been overwritten deeper down; recompute from the (restored) state.
    const off = offsetOfUnplaced(x);
    const markAt = trail;
    if (place(x, off)) {
      // Did x cut the part? Then its sides are independent.
      let cut = false;
      const xhi = on(SW_SPLIT) ? i32at(SEC_HI, x) - 1 : 0;
      for (let s = i32at(SEC_LO, x); s < xhi; s++) {
        if (s >= lo && s + 1 < hi && i32at(CUTS, s) == 0) {
          cut = true;
          break;
        }
      }
      // (The parts start again from level 0, so the check at level `off` is made here, before
      // splitting, as MiniMalloc does: without it the parts would miss the node's monotonic bound.)
      let down = false;
      if (!cut) down = true;
      else if (!on(SW_SECTIONS) || sectionsFit(lo, hi, off)) down = true;
      if (down) {
        fset(F_I, i);
        fset(F_X, x);
        fset(F_MARK, markAt);
        if (!cut) {
          const r = enterNode(lo, hi, list, count, off, i32at(RANK, x));
          if (r < 0) return -1;
          // (Paused: the frame stays as it is, x placed; resume enters x's node again.)
          if (r == PAUSED) return PAUSED;
          result = r;
        } else {
          enterParts(lo, hi, list, count);
          return -1;
        }
        if (result == FOUND) i64set(SOL, x, off);
      }
    }
    undoTo(markAt);
    unplace(x);
    // A buffer with no unplaced neighbour has an offset nothing can change any more: in the
    // subtrees of the candidates after it (higher offset, or same offset and later rank) it could
    // never be placed canonically. Once its own subtree has failed, this node has (MiniMalloc's
    // "hatless" pruning).
    if (result == NOT_FOUND && on(SW_HATLESS) && hatless(x)) break;
  }
  poolTop = saved;
  popFrame();
  return result;
}

/** The node on top of the stack gets its child's result: SOL on success, then the child is undone. */
function childReturned(r: i32): void {
  const x = fget(F_X);
  if (r == FOUND) i64set(SOL, x, offsetOf(x));
  undoTo(fget(F_MARK));
  unplace(x);
  fset(F_RESULT, r);
  // The node goes on with its next child, unless the hatless rule ends it (see stepNode).
  fset(F_I, r == NOT_FOUND && on(SW_HATLESS) && hatless(x) ? fget(F_K) : fget(F_I) + 1);
}

/**
 * Pushes the splitting of [lo, hi) at boundaries no unplaced buffer crosses, each side solved on its
 * own. The unplaced buffers of [lo, hi) are among POOL[list .. list+count) (all buffers when count < 0).
 */
function enterParts(lo: i32, hi: i32, list: i32, count: i32): void {
  pushFrame(PARTS, lo, hi, list, count);
  fset(F_SAVED, poolTop);
  fset(F_A, lo);
  fset(F_S, lo);
  fset(F_M, 0);
}

/**
 * Goes on with the PARTS frame on top: finds its next part and enters a node for it (returns -1),
 * or pops the frame and returns FOUND when every part is solved (or the first failure).
 */
function stepParts(): i32 {
  const lo = fget(F_LO);
  const hi = fget(F_HI);
  const list = fget(F_LIST);
  const count = fget(F_COUNT);
  const saved = fget(F_SAVED);
  let a = fget(F_A);
  for (let s = fget(F_S); s < hi; s++) {
    if (s + 1 < hi && (i32at(CUTS, s) != 0 || !on(SW_SPLIT))) continue;
    // [a, s+1) is a part: list its unplaced buffers above the pool's top.
    const start = poolTop;
    if (!ensurePool(poolTop + (count < 0 ? N : count))) return partsFailed(memoryOut());
    let m = 0;
    const n = count < 0 ? N : count;
    for (let j = 0; j < n; j++) {
      const b = count < 0 ? j : i32at(POOL, list + j);
      if (!isPlaced(b) && inPart(b, a, s + 1)) {
        i32set(POOL, start + m, b);
        m++;
      }
    }
    if (m > 0) {
      // Rank the part's buffers afresh (their section totals are what is left now), as MiniMalloc
      // does for each sub-problem; the old ranks come back afterwards, for the node above.
      const keep = start + m;
      const order = keep + m;
      poolTop = order + m;
      if (!ensurePool(poolTop)) return partsFailed(memoryOut());
      for (let j = 0; j < m; j++) {
        const b = i32at(POOL, start + j);
        i32set(POOL, keep + j, i32at(RANK, b));
        i32set(POOL, order + j, b);
        let t: i64 = 0;
        const bhi = i32at(SEC_HI, b);
        for (let q = i32at(SEC_LO, b); q < bhi; q++) if (i64at(REM, q) > t) t = i64at(REM, q);
        i64set(TOTAL, b, t);
      }
      sortIndices(POOL + (<usize>order << 2), m, TMP, byStatic);
      for (let r = 0; r < m; r++) i32set(RANK, i32at(POOL, order + r), r);
      fset(F_A, a);
      fset(F_S, s);
      fset(F_START, start);
      fset(F_M, m);
      const r = enterNode(a, s + 1, start, m, 0, -1);
      if (r < 0) return -1;
      if (r == PAUSED) return PAUSED;
      if (!partReturned(r)) return partsFailed(r);
    }
    a = s + 1;
  }
  poolTop = saved;
  popFrame();
  return FOUND;
}

/** The PARTS frame on top gets its part's result: the old ranks come back; false when the part failed. */
function partReturned(r: i32): bool {
  const start = fget(F_START);
  const m = fget(F_M);
  for (let j = 0; j < m; j++) i32set(RANK, i32at(POOL, start + j), i32at(POOL, start + m + j));
  poolTop = fget(F_SAVED);
  fset(F_M, 0);
  if (r != FOUND) return false;
  // The next part starts after this one's last section.
  const s = fget(F_S);
  fset(F_A, s + 1);
  fset(F_S, s + 1);
  return true;
}

/** Pops the PARTS frame on top after a failed part (or memory running out) and returns `r`. */
function partsFailed(r: i32): i32 {
  popFrame();
  return r;
}

/**
 * Solves the whole problem: PARTS of every section, run as a loop over the frame stack. Each frame
 * that finishes hands its result to the frame below; the bottom one's is the run's.
 */
function solveAll(): i32 {
  depth = 0;
  enterParts(0, SECTIONS, 0, -1);
  return runFrames(-1);
}

/**
 * The loop of solveAll over the frame stack, from `r`: -1 when the top frame has work to do, else
 * the result of a node just left that the top frame is to get. Returns the run's result, or PAUSED
 * with every frame still on the stack.
 */
function runFrames(r: i32): i32 {
  while (r < 0 || depth > 0) {
    if (r == PAUSED) return PAUSED;
    if (r < 0) {
      r = fget(F_KIND) == SEARCH ? stepNode() : stepParts();
      continue;
    }
    // Hand the result of the frame just popped to the frame below it.
    if (fget(F_KIND) == SEARCH) {
      childReturned(r);
      r = -1;
    } else if (partReturned(r)) {
      r = -1;
    } else {
      r = partsFailed(r);
    }
  }
  return r;
}

/**
 * Builds what every run on the loaded problem needs (sections, per-buffer and per-section state,
 * the trail, the frames and the candidate pool, which must stay the last block of the heap). Returns
 * 1 when ready, 0 when memory is exhausted, 2 when setup() kept no conflict graph (too many pairs:
 * the search reads the graph directly). Any other method called afterwards invalidates it.
 */
export function bbPrepare(): i32 {
  if (!HAS_PAIRS) return 2;
  const n = <usize>max(N, 1);
  if (!buildSections()) return 0;
  const sections = <usize>max(SECTIONS, 1);
  CAND = alloc(n << 3);
  FLOOR = alloc(sections << 3);
  REM = alloc(sections << 3);
  STAMP = alloc(sections << 2);
  AFFECTED = alloc(sections << 2);
  for (let s = 0; <usize>s < sections; s++) i32set(STAMP, s, 0);
  stampNow = 0;
  CUTS = alloc(sections << 2);
  SOL = alloc(n << 3);
  KEY_O = alloc(n << 3);
  RANK = alloc(n << 2);
  TOTAL = alloc(n << 3);
  TMP = alloc(n << 2);
  // Trail: each placement changes at most deg(b) candidates and its sections.
  let total: i64 = 0;
  for (let b = 0; b < N; b++) {
    total += <i64>(i32at(ADJ_AT, b + 1) - i32at(ADJ_AT, b)) + <i64>(i32at(SEC_HI, b) - i32at(SEC_LO, b));
  }
  const trailCap = <usize>min(total + 16, <i64>0x3fffffff);
  TR_I = alloc(trailCap << 2);
  TR_V = alloc(trailCap << 3);
  // Frames: a SEARCH frame below the top has placed a buffer, and so has the SEARCH frame under each
  // PARTS frame but the first: at most 2N + 2 frames.
  FRAMES = alloc(<usize>(N * 2 + 4) * <usize>(FRAME << 2));
  if (TR_V == 0 || FRAMES == 0) return 0;
  POOL = mark();
  poolCap = 0;
  poolTop = 0;
  haveSolution = false;
  return ensurePool(N + 1) ? 1 : 0;
}

function resetState(): void {
  for (let b = 0; b < N; b++) {
    i64set(CAND, b, 0);
    setPlaced(b, false);
  }
  for (let s = 0; s < SECTIONS; s++) {
    i64set(FLOOR, s, 0);
    i64set(REM, s, 0);
    i32set(CUTS, s, 0);
  }
  // (Floors start at 0: every unplaced buffer can still take offset 0.)
  for (let b = 0; b < N; b++) {
    const hi = i32at(SEC_HI, b);
    for (let s = i32at(SEC_LO, b); s < hi; s++) i64set(REM, s, i64at(REM, s) + size(b));
    for (let s = i32at(SEC_LO, b); s < hi - 1; s++) i32set(CUTS, s, i32at(CUTS, s) + 1);
  }
  trail = 0;
  poolTop = 0;
}

/**
 * One run: looks for a plan with peak <= capLimit, trying candidates in static order `order`
 * (0..2), for at most `limit` nodes and `workBudget` work. Returns 1 when none exists (the tree was exhausted), 2 when one
 * was found (bbEmit writes it), 3 when the run stopped at its limit or because tick() said so.
 */
export function bbRun(capLimit: f64, order: i32, limit: f64, workBudget: f64): i32 {
  cap = <i64>capLimit;
  heuristic = order;
  nodes = 0;
  nodeLimit = limit;
  work = 0;
  workLimit = workBudget;
  tries = 0;
  tickAt = TICK_WORK;
  outOfMemory = false;
  stop = false;
  paused = false;
  resetState();
  // (Each PARTS frame ranks the buffers of the parts it finds, the whole problem's included.)
  return finishRun(solveAll());
}

/** The result of a run (or of its resumption) as bbRun returns it: PAUSED shows as ABORTED (see bbPaused). */
function finishRun(r: i32): i32 {
  if (r == FOUND) haveSolution = true;
  if (r != PAUSED) paused = false;
  return r == PAUSED ? ABORTED : r;
}

/**
 * 1 when the last run (or resumption) stopped at its node or work limit with its state kept: bbResume may go
 * on with it, as long as no other run, kernel or load has used the engine since.
 */
export function bbPaused(): i32 { return paused ? 1 : 0; }

/**
 * Goes on with the paused run (bbPaused) up to `limit` nodes and `workBudget` work counted from the
 * run's start, as bbRun(cap, order, limit, workBudget) with the run's cap and order would: the same
 * result, the same nodes and work counted (a fresh run with the higher limit passes through the
 * paused state), without visiting the first nodes again. Needs limit > bbNodes() and workBudget >
 * bbWork(), and the switches of the paused run (the caller checks; src/solve/wasm/engine.ts). Returns
 * as bbRun does; 3 with no paused run.
 */
export function bbResume(limit: f64, workBudget: f64): i32 {
  if (!paused) return ABORTED;
  paused = false;
  nodeLimit = limit;
  workLimit = workBudget;
  stop = false;
  outOfMemory = false;
  const r = enterNode(pLo, pHi, pList, pCount, pL, pLastRank);
  if (r == PAUSED) return finishRun(r);
  // Entered: go on with its frame; else the top frame gets the node's result, as from a child frame.
  return finishRun(runFrames(r < 0 ? -1 : handOver(r)));
}

/** The top frame gets `r` from the node it tried to enter (on resume); -1 to go on, or a result. */
function handOver(r: i32): i32 {
  if (fget(F_KIND) == SEARCH) {
    childReturned(r);
    return -1;
  }
  return partReturned(r) ? -1 : partsFailed(r);
}

/** Nodes explored by the last run. */
export function bbNodes(): f64 { return nodes; }

/** Work done by the last run (see `work`). */
export function bbWork(): f64 { return work; }

/** 1 when the last run stopped because memory ran out (its ABORTED proves nothing). */
export function bbOutOfMemory(): i32 { return outOfMemory ? 1 : 0; }

/** Writes the last plan found to OUT; returns its peak (or -1 when none was found). */
export function bbEmit(): f64 {
  if (!haveSolution) return -1;
  for (let b = 0; b < N; b++) i64set(OFF, b, i64at(SOL, b));
  return emit();
}

/**
 * Lowers (or sets) the work budget of the run in progress, from inside tick(): a racing worker learns
 * its run's exact budget only once the runs before it end (src/worker/race.ts). Exact only while the
 * run's work is still below `workBudget`: every check so far then saw less, as they would have.
 */
export function bbLimitWork(workBudget: f64): void { workLimit = workBudget; }
