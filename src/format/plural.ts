/** Counts in words for reports and messages: "1 buffer", "2 buffers" — never "1 buffers". */

/** `n word` with the plural `many` (default: word + "s") when n is not 1. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** "has" or "have", "is" or "are" after a count: `${plural(n, 'tensor')} ${verb(n, 'has', 'have')}`. */
export function verb(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}
