/** The module Web Worker entry: the solver exposed through comlink. */
import { expose } from 'comlink';
import { workerApi } from './worker-api.js';

// A worker that closes itself tells its page nothing: "exit" ends it with an uncaught error instead.
expose(
  workerApi(() => {
    setTimeout(() => {
      throw new Error('arenapack worker: exit requested by a test');
    });
  }),
);
