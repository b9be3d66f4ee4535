/**
 * JSON text written in pieces: the bytes of `stringifyJson(value, undefined, 2)`, without building them as
 * one string. A plan of a million buffers is ~134 MB of JSON: as one string, then one Buffer for the
 * write, it took seconds and twice its size in memory; in pieces of a few thousand entries it streams.
 */
import { escapeJsonText } from '../format/json-text.js';

/** Entries of a long array stringified at once (a piece of a few hundred KB for the plan's buffers). */
const PIECE_ENTRIES = 4096;

/**
 * Writes `stringifyJson(value, undefined, 2)` through `write`, in pieces: the same bytes (a test
 * compares them; src/format/json-text.ts: JSON.stringify's, with the characters a terminal must not get
 * as they are escaped). `value` is a plain object (no toJSON of its own); each top-level key is stringified alone,
 * and a top-level array longer than `pieceEntries` a slice at a time. Keys whose value JSON leaves
 * out (undefined, a function, a symbol) are left out, as JSON.stringify does.
 */
export function writeJsonPieces(value: Readonly<Record<string, unknown>>, write: (piece: string) => void, pieceEntries = PIECE_ENTRIES): void {
  // Each piece is JSON text cut outside any string: escaped on its own, it reads as the whole escaped.
  const out = write;
  write = (piece: string): void => out(escapeJsonText(piece));
  let first = true;
  const sep = (): string => {
    const s = first ? '{\n' : ',\n';
    first = false;
    return s;
  };
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (Array.isArray(v) && v.length > pieceEntries) {
      // `{ key: slice }` at indent 2 puts the slice's entries at the depth they have in `value`:
      // the text between its head (`{\n  "key": [\n`) and its tail (`\n  ]\n}`) is theirs.
      const head = `  ${JSON.stringify(key)}: [\n`;
      write(sep() + head);
      for (let at = 0; at < v.length; at += pieceEntries) {
        const text = JSON.stringify({ [key]: v.slice(at, at + pieceEntries) }, null, 2);
        write((at > 0 ? ',\n' : '') + text.slice(2 + head.length, text.length - 6));
      }
      write('\n  ]');
      continue;
    }
    const text = JSON.stringify({ [key]: v }, null, 2);
    // A value JSON leaves out leaves `{}`: the key is left out.
    if (text === '{}') continue;
    write(sep() + text.slice(2, text.length - 2));
  }
  write(first ? '{}' : '\n}');
}
