/** readInput() run in the page's import worker (import-worker.ts), through comlink. */
import { wrap, type Remote } from 'comlink';
import type { FitHint } from '../../src/problem-fit-hints.js';
import type { PlanResult } from '../../src/solve/spill.js';
import type { TflmArena } from '../../src/runtime/tflm/arena.js';
import type { WireSolveOptions } from '../../src/worker/protocol.js';
import type { DeclaredInput, Input, PageImportOptions } from './input.js';

interface ReaderApi {
  readInput(file: string, bytes: Uint8Array, options: PageImportOptions): Input;
  declaredInputs(file: string, bytes: Uint8Array): DeclaredInput[];
  inputFitHints(file: string, bytes: Uint8Array, options: PageImportOptions, results: PlanResult[], capacity: number, solveOptions: WireSolveOptions, tflm?: TflmArena): FitHint[];
}

let worker: Worker | undefined;
let api: Remote<ReaderApi> | undefined;
let failed: ((e: Error) => void)[] = [];

function start(): Remote<ReaderApi> {
  worker = new Worker(new URL('./import-worker.js', import.meta.url), { type: 'module' });
  worker.addEventListener('error', (e) => {
    e.preventDefault();
    stop(new Error(`reading the file failed: ${e.message || 'the reader stopped'}`));
  });
  return wrap<ReaderApi>(worker);
}

/** Ends the worker (gone, unusable, or its call aborted): what waits fails with `reason`; the next call starts afresh. */
function stop(reason: Error): void {
  worker?.terminate();
  worker = undefined;
  api = undefined;
  const waiting = failed;
  failed = [];
  for (const f of waiting) f(reason);
}

/** Reads a dropped file off the main thread with the import options; rejects with the importer's message. */
export function readOffThread(file: string, bytes: Uint8Array, options: PageImportOptions = {}): Promise<Input> {
  return call((reader) => reader.readInput(file, bytes, options));
}

/** An ONNX model's graph inputs as declared (for the shape fields), off the main thread; [] for other files. */
export function inputsOffThread(file: string, bytes: Uint8Array): Promise<DeclaredInput[]> {
  return call((reader) => reader.declaredInputs(file, bytes));
}

/**
 * The "to fit" hints of a plan (hints.ts: the command line's), planned off the main thread; `tflm`: a
 * TFLite model's arena as the page computed it (hints.ts). Aborting `signal` stops the worker (a plan
 * in WASM can't be interrupted otherwise) and rejects with an AbortError.
 */
export function fitHintsOffThread(input: Input, results: PlanResult[], capacity: number, solveOptions: WireSolveOptions, signal: AbortSignal, tflm?: TflmArena): Promise<FitHint[]> {
  return call((reader) => reader.inputFitHints(input.file, input.bytes, input.options, results, capacity, solveOptions, tflm), signal);
}

function call<T>(ask: (reader: Remote<ReaderApi>) => Promise<T>, signal?: AbortSignal): Promise<T> {
  if (signal?.aborted) return Promise.reject(new DOMException('the call was aborted', 'AbortError'));
  api ??= start();
  const reader = api;
  return new Promise<T>((resolve, reject) => {
    const fail = (e: Error): void => reject(e);
    failed.push(fail);
    // Aborted while it runs: the worker is stopped (only then: a call that has answered leaves it be).
    const abort = (): void => stop(new DOMException('the call was aborted', 'AbortError'));
    signal?.addEventListener('abort', abort, { once: true });
    const settle = (): void => {
      failed = failed.filter((f) => f !== fail);
      signal?.removeEventListener('abort', abort);
    };
    ask(reader).then(
      (input) => {
        settle();
        resolve(input);
      },
      (e: unknown) => {
        settle();
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
