// The dynamic program over downsets of src/order/dp.ts (the reference), step for step: same states in
// the same order, same ties, same budget check, so the same order, peak and state count.
// JS writes one part per call: odPrepare(...) allocates the input blocks above whatever the heap
// holds (mark), JS fills odInts()/odSizes(), odSolve(...) runs, JS reads odOrder()/odPeak(), and
// odRelease() frees it all again (release), so a problem loaded for placement is left intact.
//
// Ints block: [m, nt, predsAt[m+1], preds, createsAt[m+1], creates, freesAt[m+1], frees,
// creatorsAt[nt+1], creators, usersAt[nt+1], users, share[m], shareReadersAt[m+1], shareReaders]
// (CSR lists of local indices); sizes: f64 per tensor.
import { alloc, mark, release } from './memory';

let MARK: usize = 0;
let INTS: usize = 0;
let SIZES: usize = 0;
let ORDER: usize = 0;
let PEAK: f64 = 0;
let HAS_ORDER: i32 = 0;

let m: i32 = 0;
let words: i32 = 0;
let wb: usize = 0;
let predsAt: usize = 0;
let preds: usize = 0;
let createsAt: usize = 0;
let creates: usize = 0;
let freesAt: usize = 0;
let frees: usize = 0;
let creatorsAt: usize = 0;
let creators: usize = 0;
let usersAt: usize = 0;
let users: usize = 0;
let share: usize = 0;
let readersAt: usize = 0;
let readers: usize = 0;

// States: bits (words u32 each), peak and resident (f64), prev and op (i32); an open-addressing table of indices.
let cap: i32 = 0;
let stBits: usize = 0;
let stPeak: usize = 0;
let stRes: usize = 0;
let stPrev: usize = 0;
let stOp: usize = 0;
let table: usize = 0;
let mask: i32 = 0;

/** Allocates the blocks for a part of `ops` operators and `tensors` tensors, `ints` i32s in all; 0 when memory is exhausted. */
export function odPrepare(ints: i32, ops: i32, tensors: i32): i32 {
  if (MARK != 0) release(MARK);
  MARK = mark();
  INTS = alloc(<usize>max(ints, 1) << 2);
  SIZES = alloc(<usize>max(tensors, 1) << 3);
  ORDER = alloc(<usize>max(ops, 1) << 2);
  return INTS == 0 || SIZES == 0 || ORDER == 0 ? 0 : 1;
}

export function odInts(): usize { return INTS; }
export function odSizes(): usize { return SIZES; }
/** The order found (m local operators), when odHasOrder(). */
export function odOrder(): usize { return ORDER; }
export function odPeak(): f64 { return PEAK; }
export function odHasOrder(): i32 { return HAS_ORDER; }

/** Frees everything since odPrepare. */
export function odRelease(): void {
  if (MARK != 0) release(MARK);
  MARK = 0;
}

@inline function geti(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

@inline function has(bits: usize, v: i32): bool {
  return (load<u32>(bits + (<usize>(v >>> 5) << 2)) & (1 << (v & 31))) != 0;
}

function hashOf(bits: usize): u32 {
  let h: u32 = 2166136261;
  for (let w = 0; w < words; w++) {
    h ^= load<u32>(bits + (<usize>w << 2));
    h *= 16777619;
    h ^= h >>> 15;
  }
  return h;
}

function same(a: usize, b: usize): bool {
  for (let w = 0; w < words; w++) if (load<u32>(a + (<usize>w << 2)) != load<u32>(b + (<usize>w << 2))) return false;
  return true;
}

/** Slot of `bits` in the table: where it is, or the empty slot where it goes. */
function slotOf(bits: usize): i32 {
  let h = <i32>(hashOf(bits) & <u32>mask);
  while (true) {
    const e = load<i32>(table + (<usize>h << 2));
    if (e < 0 || same(stBits + <usize>e * wb, bits)) return h;
    h = (h + 1) & mask;
  }
}

/** Room for `newCap` states (the first `count` copied, the table rebuilt); false when memory is exhausted. */
function grow(newCap: i32, count: i32): bool {
  const c = <usize>newCap;
  const bits = alloc(c * wb);
  const peak = alloc(c << 3);
  const res = alloc(c << 3);
  const prev = alloc(c << 2);
  const op = alloc(c << 2);
  let tsize = 16;
  while (tsize < newCap * 2) tsize <<= 1;
  const t = alloc(<usize>tsize << 2);
  if (bits == 0 || peak == 0 || res == 0 || prev == 0 || op == 0 || t == 0) return false;
  if (count > 0) {
    const n = <usize>count;
    memory.copy(bits, stBits, n * wb);
    memory.copy(peak, stPeak, n << 3);
    memory.copy(res, stRes, n << 3);
    memory.copy(prev, stPrev, n << 2);
    memory.copy(op, stOp, n << 2);
  }
  stBits = bits;
  stPeak = peak;
  stRes = res;
  stPrev = prev;
  stOp = op;
  table = t;
  mask = tsize - 1;
  cap = newCap;
  memory.fill(table, 0xff, <usize>tsize << 2);
  for (let s = 0; s < count; s++) store<i32>(table + (<usize>slotOf(stBits + <usize>s * wb) << 2), s);
  return true;
}

function layout(): void {
  m = geti(INTS, 0);
  const nt = geti(INTS, 1);
  words = (m + 31) >>> 5;
  wb = <usize>max(words, 1) << 2;
  let p: usize = INTS + 8;
  predsAt = p; p += <usize>(m + 1) << 2; preds = p; p += <usize>geti(predsAt, m) << 2;
  createsAt = p; p += <usize>(m + 1) << 2; creates = p; p += <usize>geti(createsAt, m) << 2;
  freesAt = p; p += <usize>(m + 1) << 2; frees = p; p += <usize>geti(freesAt, m) << 2;
  creatorsAt = p; p += <usize>(nt + 1) << 2; creators = p; p += <usize>geti(creatorsAt, nt) << 2;
  usersAt = p; p += <usize>(nt + 1) << 2; users = p; p += <usize>geti(usersAt, nt) << 2;
  share = p; p += <usize>m << 2;
  readersAt = p; p += <usize>(m + 1) << 2; readers = p;
}

@inline function size(t: i32): f64 {
  return load<f64>(SIZES + (<usize>t << 3));
}

/**
 * Runs the dynamic program on the part in the input blocks. Returns the states created (as
 * src/order/dp.ts counts them) when it finished, minus that when the budget ran out, 0 when memory
 * is exhausted. When finished, odHasOrder() says whether an order below `upper` exists; odPeak() is
 * its peak (else `upper`).
 */
export function odSolve(start: f64, first: f64, upper: f64, maxStates: f64): f64 {
  layout();
  HAS_ORDER = 0;
  PEAK = upper;
  cap = 0;
  if (!grow(1024, 0)) return 0;
  const readyV = alloc(<usize>max(m, 1) << 2);
  const readyStep = alloc(<usize>max(m, 1) << 3);
  const readyNet = alloc(<usize>max(m, 1) << 3);
  if (readyV == 0 || readyStep == 0 || readyNet == 0) return 0;
  memory.fill(stBits, 0, wb);
  store<f64>(stPeak, 0);
  store<f64>(stRes, start);
  store<i32>(stPrev, -1);
  store<i32>(stOp, -1);
  store<i32>(table + (<usize>slotOf(stBits) << 2), 0);
  let count = 1;
  let layerStart = 0;
  let layerEnd = 1;
  for (let k = 0; k < m; k++) {
    for (let s = layerStart; s < layerEnd; s++) {
      const resident = load<f64>(stRes + (<usize>s << 3));
      const speak = load<f64>(stPeak + (<usize>s << 3));
      let nr = 0;
      let forced = -1;
      for (let v = 0; v < m; v++) {
        const bits = stBits + <usize>s * wb;
        if (has(bits, v)) continue;
        let ok = true;
        for (let e = geti(predsAt, v), end = geti(predsAt, v + 1); e < end; e++) {
          if (!has(bits, geti(preds, e))) { ok = false; break; }
        }
        if (!ok) continue;
        let add: f64 = k == 0 ? first : 0;
        let net: f64 = 0;
        for (let e = geti(createsAt, v), end = geti(createsAt, v + 1); e < end; e++) {
          const t = geti(creates, e);
          let made = false;
          for (let c = geti(creatorsAt, t), ce = geti(creatorsAt, t + 1); c < ce; c++) {
            if (has(bits, geti(creators, c))) { made = true; break; }
          }
          if (!made) {
            add += size(t);
            net += size(t);
          }
        }
        for (let e = geti(freesAt, v), end = geti(freesAt, v + 1); e < end; e++) {
          const t = geti(frees, e);
          let dies = true;
          for (let u = geti(usersAt, t), ue = geti(usersAt, t + 1); u < ue; u++) {
            const w = geti(users, u);
            if (w != v && !has(bits, w)) { dies = false; break; }
          }
          if (dies) net -= size(t);
        }
        const x = geti(share, v);
        if (x >= 0) {
          let all = true;
          for (let r = geti(readersAt, v), re = geti(readersAt, v + 1); r < re; r++) {
            if (!has(bits, geti(readers, r))) { all = false; break; }
          }
          if (all) add -= size(x);
        }
        const step = resident + add;
        store<i32>(readyV + (<usize>nr << 2), v);
        store<f64>(readyStep + (<usize>nr << 3), step);
        store<f64>(readyNet + (<usize>nr << 3), net);
        if (forced < 0 && net <= 0 && step <= speak) forced = nr;
        nr++;
      }
      const from = forced >= 0 ? forced : 0;
      const to = forced >= 0 ? forced + 1 : nr;
      for (let i = from; i < to; i++) {
        const v = load<i32>(readyV + (<usize>i << 2));
        const st = load<f64>(readyStep + (<usize>i << 3));
        const peak = st > speak ? st : speak;
        if (peak >= upper) continue;
        // The child's bits go to the next free slot; kept only when new.
        if (count >= cap && !grow(cap * 2, count)) return 0;
        const cb = stBits + <usize>count * wb;
        memory.copy(cb, stBits + <usize>s * wb, wb);
        const wp = cb + (<usize>(v >>> 5) << 2);
        store<u32>(wp, load<u32>(wp) | (1 << (v & 31)));
        const h = slotOf(cb);
        const found = load<i32>(table + (<usize>h << 2));
        if (found < 0) {
          if (<f64>(count + 1) > maxStates) return -<f64>(count + 1);
          store<i32>(table + (<usize>h << 2), count);
          store<f64>(stPeak + (<usize>count << 3), peak);
          store<f64>(stRes + (<usize>count << 3), resident + load<f64>(readyNet + (<usize>i << 3)));
          store<i32>(stPrev + (<usize>count << 2), s);
          store<i32>(stOp + (<usize>count << 2), v);
          count++;
        } else if (peak < load<f64>(stPeak + (<usize>found << 3))) {
          store<f64>(stPeak + (<usize>found << 3), peak);
          store<i32>(stPrev + (<usize>found << 2), s);
          store<i32>(stOp + (<usize>found << 2), v);
        }
      }
    }
    layerStart = layerEnd;
    layerEnd = count;
    if (layerStart == layerEnd) return <f64>count;
  }
  let s = layerStart;
  PEAK = load<f64>(stPeak + (<usize>s << 3));
  HAS_ORDER = 1;
  let k = m - 1;
  while (s > 0) {
    store<i32>(ORDER + (<usize>k << 2), load<i32>(stOp + (<usize>s << 2)));
    s = load<i32>(stPrev + (<usize>s << 2));
    k--;
  }
  return <f64>count;
}
