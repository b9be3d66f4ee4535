/**
 * JSON text that is safe to show in a terminal: JSON.stringify escapes C0 controls (U+0000..U+001F) and
 * lone surrogates, but leaves DEL, the C1 controls (U+0080..U+009F, which some terminals obey like ESC
 * sequences), the bidirectional marks, overrides and isolates (U+061C, U+200E, U+200F, U+202A..U+202E,
 * U+2066..U+2069), the line and paragraph separators (U+2028, U+2029) and the noncharacters U+FFFE,
 * U+FFFF raw — so a name holding them reaches whoever reads `--json` on a terminal as it is. Every
 * JSON text the command line writes (stdout, --out, --trace) and the page's downloads go through here.
 */

/** The characters JSON.stringify leaves raw that must not reach a terminal (src/format/printable.ts lists why). */
const RAW_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff]/g;

/**
 * JSON text with every character of RAW_IN_JSON written as its `\uXXXX` escape. Those characters can
 * only stand inside a JSON string (never in its structure), where the escape means the same character:
 * the text parses to the same value (JSON.parse(escapeJsonText(t)) deep-equals JSON.parse(t)).
 */
export function escapeJsonText(text: string): string {
  return text.replace(RAW_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** JSON.stringify(value, replacer, space), through escapeJsonText. */
export function stringifyJson(value: unknown, replacer?: (this: unknown, key: string, value: unknown) => unknown, space?: number): string {
  return escapeJsonText(JSON.stringify(value, replacer, space));
}
