/** The page's reader in a module Web Worker: parsing a large model never blocks the page. */
import { expose } from 'comlink';
import { declaredInputs, readInput } from './input.js';

expose({ readInput, declaredInputs });
