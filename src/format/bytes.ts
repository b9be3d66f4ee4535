/** Byte counts as people write them, and back. */

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  k: 2 ** 10,
  m: 2 ** 20,
  g: 2 ** 30,
};

/**
 * Parses `2MiB`, `1536KiB`, `4MB` (decimal: 4,000,000), `2097152` or `2097152B` into bytes.
 * Throws on anything that is not a positive safe integer of bytes.
 */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!m) throw new Error(`"${text}" is not a size: write bytes (2097152) or a number and unit (2MiB, 1536KiB, 4MB)`);
  const unit = m[2]!.toLowerCase() || 'b';
  const factor = UNITS[unit];
  if (factor === undefined) throw new Error(`"${text}": unknown unit "${m[2]}" (use B, KB, MB, GB, KiB, MiB or GiB)`);
  const bytes = Number(m[1]) * factor;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new Error(`"${text}" is not a whole, positive number of bytes below 2^53`);
  }
  return bytes;
}

/** 1536 -> "1.50 KiB"; below 1 KiB in bytes. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const abs = Math.abs(bytes);
  if (abs < 1024) return `${bytes} B`;
  if (abs < 2 ** 20) return `${(bytes / 1024).toFixed(2)} KiB`;
  if (abs < 2 ** 30) return `${(bytes / 2 ** 20).toFixed(2)} MiB`;
  return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
}

/** 147456 -> "144.00 KiB (147456 B)": the readable size and the exact bytes. */
export function formatBytesExact(bytes: number): string {
  return `${formatBytes(bytes)} (${bytes} B)`;
}

/** 147456 -> "144.00 KiB (147456 B)"; below 1 KiB just "48 B" (the exact bytes once). */
export function formatBytesBoth(bytes: number): string {
  return Math.abs(bytes) >= 1024 ? formatBytesExact(bytes) : formatBytes(bytes);
}

/** `bytes` rounded up to a multiple of `align` (a positive integer), bytes. */
export function alignUp(bytes: number, align: number): number {
  return Math.ceil(bytes / align) * align;
}
