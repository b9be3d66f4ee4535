/** readInput() run in the page's import worker (import-worker.ts), through comlink. */
import { wrap, type Remote } from 'comlink';
import type { DeclaredInput, Input, PageImportOptions } from './input.js';

interface ReaderApi {
  readInput(file: string, bytes: Uint8Array, options: PageImportOptions): Input;
  declaredInputs(file: string, bytes: Uint8Array): DeclaredInput[];
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

/** Reads a dropped file off the main thread with the import options; rejects with the importer's message. */
export function readOffThread(file: string, bytes: Uint8Array, options: PageImportOptions = {}): Promise<Input> {
  return call((reader) => reader.readInput(file, bytes, options));
}

/** An ONNX model's graph inputs as declared (for the shape fields), off the main thread; [] for other files. */
export function inputsOffThread(file: string, bytes: Uint8Array): Promise<DeclaredInput[]> {
  return call((reader) => reader.declaredInputs(file, bytes));
}

function call<T>(ask: (reader: Remote<ReaderApi>) => Promise<T>): Promise<T> {
  api ??= start();
  const reader = api;
  return new Promise<T>((resolve, reject) => {
    const fail = (e: Error): void => reject(e);
    failed.push(fail);
    ask(reader).then(
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
