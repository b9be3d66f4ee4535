// A bump allocator over linear memory. Everything for one problem lives here; prepare() resets it.
// No managed objects are used anywhere in the engine, so the runtime never allocates behind our back.

let top: usize = 0;
/** Set by a failed alloc until the heap is reset or released: every alloc in between fails too. */
let exhausted = false;

/** Drops every block: the next problem starts from an empty heap. */
export function resetHeap(): void {
  top = (__heap_base + 15) & ~15;
  exhausted = false;
}

/**
 * A block of `bytes`, 16-byte aligned; grows memory as needed. Returns 0 when memory is exhausted,
 * and keeps returning 0 until resetHeap() or release(), so a caller that makes several blocks in a row only
 * has to check the last one.
 */
export function alloc(bytes: usize): usize {
  if (top == 0) resetHeap();
  if (exhausted) return 0;
  const ptr = top;
  const next = (ptr + bytes + 15) & ~15;
  const have = (<usize>memory.size()) << 16;
  if (next > have) {
    const pages = <i32>((next - have + 0xffff) >> 16);
    if (memory.grow(pages) < 0) {
      exhausted = true;
      return 0;
    }
  }
  top = next;
  return ptr;
}

/** Where the next block would start: save it and pass it to release() to free scratch blocks. */
export function mark(): usize {
  if (top == 0) resetHeap();
  return top;
}

/** Frees every block allocated since `at` (a value from mark()). */
export function release(at: usize): void {
  top = at;
  exhausted = false;
}

/** Fills `count` i32s at `ptr` with `value`. */
export function fillI32(ptr: usize, count: i32, value: i32): void {
  for (let i = 0; i < count; i++) store<i32>(ptr + (<usize>i << 2), value);
}
