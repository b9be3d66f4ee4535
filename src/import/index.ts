import { InputError } from '../problem/errors.js';
import type { Problem } from '../problem/types.js';
import { validateProblem } from '../problem/validate.js';
import { parseCsv } from './csv.js';
import { parseJson } from './json.js';

/** The input formats arenapack reads, by file extension. */
export const INPUT_FORMATS = ['.csv (MiniMalloc)', '.json (Problem)'] as const;

/**
 * Reads a problem from a file's text, choosing the format by the file name's extension, and
 * validates it. Errors name the file.
 */
export function importProblem(text: string, file: string): Problem {
  const lower = file.toLowerCase();
  let problem: Problem;
  if (lower.endsWith('.csv')) problem = parseCsv(text, file);
  else if (lower.endsWith('.json')) problem = parseJson(text, file);
  else throw new InputError(`${file}: unknown input format (expected ${INPUT_FORMATS.join(' or ')})`, { file });
  try {
    return validateProblem(problem);
  } catch (e) {
    if (e instanceof InputError) {
      e.message = `${file}: ${e.message}`;
      e.file = file;
    }
    throw e;
  }
}
