import { InputError } from '../../problem/errors.js';

/**
 * The shapes given do not fit a node: a rule found them incompatible, or value_info disagrees with
 * inference. Only this kind of fault lets an If drop a branch (that branch cannot run with these
 * inputs); a missing rule or a run-time-valued shape never does.
 */
export class ShapeMismatchError extends InputError {
  override name = 'ShapeMismatchError';
}
