/** Names from files shown safely: in a terminal, a picture, a C comment. */

/**
 * Characters that must not reach a terminal, a picture or a C file as they are: C0 controls (ESC, BEL,
 * line breaks, NUL, ...), DEL, C1 controls (U+0080..U+009F, which some terminals obey like ESC
 * sequences), the Unicode line and paragraph separators, the bidirectional marks (U+200E, U+200F,
 * U+061C), overrides and isolates (U+202A..U+202E, U+2066..U+2069) that reorder what is shown, the
 * noncharacters U+FFFE and U+FFFF (not allowed in XML, so they would break the SVG), and lone
 * surrogates (half of a pair: not a character, not encodable as UTF-8).
 */
const UNPRINTABLE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const UNPRINTABLE_BUT_NEWLINE =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** One character as an escape a reader can see: `\x1b`, `\n`, `\u202e`. */
function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * A name (tensor, buffer, subgraph, file) as text that shows what it holds and does nothing else: every
 * control character (see UNPRINTABLE) becomes a visible escape such as `\x1b` or `\n`. Other text is
 * unchanged, so ordinary names print as they are.
 */
export function printable(name: string): string {
  return name.replace(UNPRINTABLE, escapeChar);
}

/**
 * A whole report for a terminal: as printable(), except that line breaks stay line breaks. The command
 * line passes every report and message through it, so a name that escaped printable() somewhere still
 * cannot send an escape sequence to the terminal.
 */
export function terminalSafe(text: string): string {
  return text.replace(UNPRINTABLE_BUT_NEWLINE, escapeChar);
}

/**
 * A message that may quote `names` as given (file names from the command line, which a reader puts
 * in its errors as they are) with each name holding a control character shown as printable() shows
 * it — so a file name's line break does not survive terminalSafe(), which keeps line breaks. Other
 * text unchanged.
 */
export function namesShown(text: string, names: readonly string[]): string {
  let out = text;
  for (const name of names) if (name !== '' && printable(name) !== name) out = out.split(name).join(printable(name));
  return out;
}

/** Ids shown as they are in a list: no comma, quote, backslash, white space or control character. */
const PLAIN_ID = /^[^\s,"'\\]+$/u;

/**
 * A buffer id as every list of a report shows it (spilled buffers, buffers at the peak, hints): as it is
 * when plain (so `c1` stays `c1`), else in double quotes, a `"` or `\` in it escaped by a backslash and
 * its control characters as printable() shows them — so `a,b` reads `"a,b"` and cannot be taken for
 * two ids `a` and `b`. The empty id reads `""`.
 */
export function listId(id: string): string {
  return PLAIN_ID.test(id) && printable(id) === id ? id : quoted(id);
}

/**
 * A name in double quotes: `"` and `\` in it escaped by a backslash, control characters as printable()
 * shows them (a model's tensor `#12 "name"`), so a quote in the name cannot end it early.
 */
export function quoted(name: string): string {
  return `"${printable(name.replace(/["\\]/g, '\\$&'))}"`;
}

/** The most characters of one value a message quotes (see excerpt). */
export const EXCERPT_CHARS = 80;

/**
 * A value from the input as a message quotes it: printable(), and cut to its first `max` characters
 * (default EXCERPT_CHARS) with `… (N characters)` after, so a 5 MB line of NULs gives a message of one
 * line, not 20 MB of escapes. A surrogate pair is never cut in half.
 */
export function excerpt(value: string, max = EXCERPT_CHARS): string {
  if (value.length <= max) return printable(value);
  let cut = max;
  const c = value.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut--;
  return `${printable(value.slice(0, cut))}… (${value.length} characters)`;
}

/** The most characters of an error message the command line prints (see capMessage). */
export const MAX_MESSAGE_CHARS = 4000;

/**
 * An error message as the command line prints it: whole when up to MAX_MESSAGE_CHARS, else its start and
 * `… (message cut: N characters)` — a safety net under excerpt(), for a message that quotes input whole.
 */
export function capMessage(message: string): string {
  return message.length <= MAX_MESSAGE_CHARS ? message : `${message.slice(0, MAX_MESSAGE_CHARS)}… (message cut: ${message.length} characters)`;
}
