/** The worker_threads entry: the solver exposed through comlink's Node adapter. */
import { expose } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { parentPort } from 'node:worker_threads';
import { workerApi } from './worker-api.js';

if (!parentPort) throw new Error('arenapack: node-worker.js runs only as a worker thread');
expose(
  workerApi(() => process.exit(70)),
  nodeEndpoint(parentPort),
);
