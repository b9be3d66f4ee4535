/** The page's reader in a module Web Worker: parsing a large model, or planning its "to fit" hints, never blocks the page. */
import { expose } from 'comlink';
import { inputFitHints } from './hints.js';
import { declaredInputs, readInput } from './input.js';

expose({ readInput, declaredInputs, inputFitHints });
