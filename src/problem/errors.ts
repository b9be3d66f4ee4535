/** An input that arenapack cannot plan, with where the fault is. */
export class InputError extends Error {
  override name = 'InputError';
  /** The file the input came from, when known. */
  file?: string;
  /** The buffer (or tensor) at fault, when one is. */
  buffer?: string;
  /** The field at fault, when one is. */
  field?: string;

  constructor(message: string, where: { file?: string; buffer?: string; field?: string } = {}) {
    super(message);
    this.file = where.file;
    this.buffer = where.buffer;
    this.field = where.field;
  }
}
