/** readInput() run in the page's import worker (import-worker.ts), through comlink. */
import { wrap, type Remote } from 'comlink';
import type { Input } from './input.js';

interface ReaderApi {
  readInput(file: string, bytes: Uint8Array): Input;
}

let worker: Worker | undefined;
let api: Remote<ReaderApi> | undefined;
let failed: ((e: Error) => void)[] = [];

function start(): Remote<ReaderApi> {
  worker = new Worker(new URL('./import-worker.js', import.meta.url), { type: 'module' });
  worker.addEventListener('error', (e) => {
    e.preventDefault();
    // The worker is gone or unusable: fail what waits, start afresh next time.
    worker?.terminate();
    worker = undefined;
    api = undefined;
    const waiting = failed;
    failed = [];
    for (const f of waiting) f(new Error(`reading the file failed: ${e.message || 'the reader stopped'}`));
  });
  return wrap<ReaderApi>(worker);
}

/** Reads a dropped file off the main thread; rejects with the importer's message. */
export function readOffThread(file: string, bytes: Uint8Array): Promise<Input> {
  api ??= start();
  const reader = api;
  return new Promise<Input>((resolve, reject) => {
    const fail = (e: Error): void => reject(e);
    failed.push(fail);
    reader.readInput(file, bytes).then(
      (input) => {
        failed = failed.filter((f) => f !== fail);
        resolve(input);
      },
      (e: unknown) => {
        failed = failed.filter((f) => f !== fail);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
