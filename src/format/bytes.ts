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
 * Parses `2MiB`, `1536KiB`, `4MB` (decimal: 4,000,000), `2M` (binary: 2 MiB), `2097152` or `2097152B`
 * into bytes; units without regard to case (`2mb` = `2MB`). Throws on anything that is not a positive
 * safe integer of bytes. Every size arenapack reads goes through here, and sizeUnitNote says how a
 * unit read two ways (KB or K, ...) was taken.
 */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!m) throw new Error(`"${text}" is not a size: write bytes (2097152) or a number and unit (2MiB, 1536KiB, 4MB)`);
  const unit = m[2]!.toLowerCase() || 'b';
  const factor = UNITS[unit];
  if (factor === undefined) throw new Error(`"${text}": unknown unit "${m[2]}" (use B, KB, MB, GB, KiB, MiB, GiB, K, M or G)`);
  const bytes = Number(m[1]) * factor;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new Error(`"${text}" is not a whole, positive number of bytes below 2^53`);
  }
  return bytes;
}

/** The other spelling of each unit read two ways: KB, MB, GB decimal; K, M, G binary. */
const OTHER: Record<string, string> = { kb: 'KiB (x 1024)', mb: 'MiB (x 1024^2)', gb: 'GiB (x 1024^3)', k: 'KB (x 1000)', m: 'MB (x 1000^2)', g: 'GB (x 1000^3)' };

/**
 * The note for a size written with a unit people read two ways, wherever a size is parsed (parseSize:
 * `--capacity`, `--memory`, a JSON problem's "capacity" and memories' "capacity", the page's fields):
 * KB, MB, GB are decimal (4MB = 4,000,000 B, what the reports show as 3.81 MiB), K, M, G binary as
 * linker scripts read them (2M = 2 MiB); units are read without regard to case (`2mb` is 2MB). It
 * echoes `what` (where the size was written: `--capacity`, `--memory sram`, `f.json: "capacity"`),
 * the text written, the bytes taken and the other spelling. Undefined for bytes and for KiB, MiB, GiB
 * (one reading).
 */
export function sizeUnitNote(what: string, value: string, bytes: number): string | undefined {
  const unit = /([a-zA-Z]+)\s*$/.exec(value)?.[1]?.toLowerCase();
  if (unit === undefined || OTHER[unit] === undefined) return undefined;
  const decimal = unit.endsWith('b');
  return `${what} ${value.trim()} is ${bytes} B (${formatBytes(bytes)}): ${unit.toUpperCase()} is ${decimal ? 'decimal' : 'binary, as linker scripts read it'}; write ${OTHER[unit]} for the ${decimal ? 'binary' : 'decimal'} size`;
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
