// Assign: buffers share slots, a slot as large as its largest tenant, and tenants of one slot never
// live at the same time. Slots are then stacked, so each plan is a placement like any other.
import { alloc, fillI32 } from './memory';
import { listNeighbours } from './neighbours';
import {
  BY_START, FIXED_TOP, N, SCRATCH_A,
  alignOf, alignUp, emit, endOf, fixedOf, resetPlacement, setOffset, size, startOf,
} from './problem';
import { bySizeDesc, orderBySize } from './orders';
import { sortIndices } from './sort';

let SLOT_OF: usize = 0; // i32 per buffer, -1 unassigned
let SLOT_SIZE: usize = 0; // i64 per slot
let SLOT_FREE_AT: usize = 0; // f64 per slot: the end of its latest tenant (in-order method)
let STAMP: usize = 0; // i32 per slot: == stampNow when a neighbour uses it
let slots: i32 = 0;
let stampNow: i32 = 0;

@inline function slotOf(b: i32): i32 { return load<i32>(SLOT_OF + (<usize>b << 2)); }
@inline function slotSize(k: i32): i64 { return load<i64>(SLOT_SIZE + (<usize>k << 3)); }

function begin(): bool {
  const n = <usize>max(N, 1);
  SLOT_OF = alloc(n << 2);
  SLOT_SIZE = alloc(n << 3);
  SLOT_FREE_AT = alloc(n << 3);
  STAMP = alloc(n << 2);
  if (STAMP == 0) return false;
  fillI32(SLOT_OF, N, -1);
  fillI32(STAMP, N, 0);
  slots = 0;
  stampNow = 0;
  return true;
}

function join(b: i32, k: i32): void {
  if (k == slots) {
    store<i64>(SLOT_SIZE + (<usize>k << 3), 0);
    store<f64>(SLOT_FREE_AT + (<usize>k << 3), -Infinity);
    slots++;
  }
  store<i32>(SLOT_OF + (<usize>b << 2), k);
  if (size(b) > slotSize(k)) store<i64>(SLOT_SIZE + (<usize>k << 3), size(b));
  const e = endOf(b);
  if (e > load<f64>(SLOT_FREE_AT + (<usize>k << 3))) store<f64>(SLOT_FREE_AT + (<usize>k << 3), e);
}

/** Marks the slots used by b's assigned neighbours: those slots are busy for b. */
function markBusy(b: i32): void {
  stampNow++;
  const count = listNeighbours(b, SCRATCH_A);
  for (let p = 0; p < count; p++) {
    const k = slotOf(load<i32>(SCRATCH_A + (<usize>p << 2)));
    if (k >= 0) store<i32>(STAMP + (<usize>k << 2), stampNow);
  }
}

@inline function busy(k: i32): bool { return load<i32>(STAMP + (<usize>k << 2)) == stampNow; }

/** Slots stacked from FIXED_TOP in slot order, each aligned for its tenants; offsets then emitted. */
function stack(): f64 {
  const base = alloc(<usize>max(slots, 1) << 3);
  const need = alloc(<usize>max(slots, 1) << 3); // largest alignment among tenants
  for (let k = 0; k < slots; k++) store<i64>(need + (<usize>k << 3), 1);
  for (let b = 0; b < N; b++) {
    const k = slotOf(b);
    if (k >= 0 && alignOf(b) > load<i64>(need + (<usize>k << 3))) store<i64>(need + (<usize>k << 3), alignOf(b));
  }
  let cur = FIXED_TOP;
  for (let k = 0; k < slots; k++) {
    const o = alignUp(cur, load<i64>(need + (<usize>k << 3)));
    store<i64>(base + (<usize>k << 3), o);
    cur = o + slotSize(k);
  }
  resetPlacement();
  for (let b = 0; b < N; b++) {
    const k = slotOf(b);
    if (k >= 0) setOffset(b, load<i64>(base + (<usize>k << 3)));
  }
  return emit();
}

/** The seed's "before": in execution order, the first free slot big enough, else a new slot. */
export function slotsInorder(): f64 {
  if (!begin()) return -1;
  for (let i = 0; i < N; i++) {
    const b = load<i32>(BY_START + (<usize>i << 2));
    if (fixedOf(b) >= 0) continue;
    const t = startOf(b);
    let chosen = slots;
    for (let k = 0; k < slots; k++) {
      if (load<f64>(SLOT_FREE_AT + (<usize>k << 3)) <= t && slotSize(k) >= size(b)) {
        chosen = k;
        break;
      }
    }
    join(b, chosen);
  }
  return stack();
}

/** Greedy by size (Pisarchyk & Lee 2020): largest first, into the smallest free slot, else a new one. */
export function slotsGreedySize(): f64 {
  if (!begin()) return -1;
  const order = alloc(<usize>max(N, 1) << 2);
  if (order == 0) return -1;
  const m = orderBySize(order);
  for (let i = 0; i < m; i++) {
    const b = load<i32>(order + (<usize>i << 2));
    markBusy(b);
    let chosen = slots;
    for (let k = 0; k < slots; k++) {
      if (busy(k)) continue;
      if (chosen == slots || slotSize(k) < slotSize(chosen)) chosen = k;
    }
    join(b, chosen);
  }
  return stack();
}

/**
 * Greedy by breadth (Pisarchyk & Lee 2020): steps by the bytes live there, largest first; at each,
 * its buffers largest first into the smallest free slot that is big enough, else the largest free
 * slot (which grows), else a new slot.
 */
export function slotsGreedyBreadth(): f64 {
  if (!begin()) return -1;
  const n = <usize>max(N, 1);
  const points = alloc(n << 2); // one buffer that starts at each distinct start step
  const breadth = alloc(n << 3);
  const live = alloc(n << 2);
  const tmp = alloc(n << 2);
  if (tmp == 0) return -1;
  let p = 0;
  for (let i = 0; i < N; i++) {
    const b = load<i32>(BY_START + (<usize>i << 2));
    if (i > 0 && startOf(load<i32>(BY_START + (<usize>(i - 1) << 2))) == startOf(b)) continue;
    // Live at start(b): b and every neighbour that started no later.
    let sum = size(b);
    const t = startOf(b);
    const count = listNeighbours(b, SCRATCH_A);
    for (let q = 0; q < count; q++) {
      const c = load<i32>(SCRATCH_A + (<usize>q << 2));
      if (startOf(c) <= t) sum += size(c);
    }
    store<i32>(points + (<usize>p << 2), b);
    store<i64>(breadth + (<usize>b << 3), sum);
    p++;
  }
  BREADTH = breadth;
  sortIndices(points, p, tmp, byBreadthDesc);
  for (let i = 0; i < p; i++) {
    const b0 = load<i32>(points + (<usize>i << 2));
    const t = startOf(b0);
    let k = 0;
    store<i32>(live, b0);
    k = 1;
    const count = listNeighbours(b0, SCRATCH_A);
    for (let q = 0; q < count; q++) {
      const c = load<i32>(SCRATCH_A + (<usize>q << 2));
      if (startOf(c) <= t) {
        store<i32>(live + (<usize>k << 2), c);
        k++;
      }
    }
    sortIndices(live, k, tmp, bySizeDesc);
    for (let j = 0; j < k; j++) {
      const b = load<i32>(live + (<usize>j << 2));
      if (slotOf(b) >= 0 || fixedOf(b) >= 0) continue;
      markBusy(b);
      let fit = -1; // smallest free slot with size >= size(b)
      let grow = -1; // largest free slot smaller than b
      for (let s = 0; s < slots; s++) {
        if (busy(s)) continue;
        const z = slotSize(s);
        if (z >= size(b)) {
          if (fit < 0 || z < slotSize(fit)) fit = s;
        } else if (grow < 0 || z > slotSize(grow)) {
          grow = s;
        }
      }
      join(b, fit >= 0 ? fit : grow >= 0 ? grow : slots);
    }
  }
  return stack();
}

let BREADTH: usize = 0;

function byBreadthDesc(a: i32, b: i32): i32 {
  const x = load<i64>(BREADTH + (<usize>a << 3));
  const y = load<i64>(BREADTH + (<usize>b << 3));
  if (x != y) return x > y ? -1 : 1;
  const ta = startOf(a);
  const tb = startOf(b);
  if (ta != tb) return ta < tb ? -1 : 1;
  return a - b;
}
