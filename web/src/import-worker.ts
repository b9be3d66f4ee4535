/** The page's reader in a module Web Worker: parsing a large model never blocks the page. */
import { expose } from 'comlink';
import { readInput } from './input.js';

expose({ readInput });
