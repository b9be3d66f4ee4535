import { InputError } from '../problem/errors.js';

/** An error as it crosses from a worker: plain data that structured clone keeps whole. */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
  /** InputError's fields: the file, buffer (or tensor) and field at fault. */
  file?: string;
  buffer?: string;
  field?: string;
}

/** Flattens anything thrown into a WireError (keeping InputError's fields). */
export function toWire(e: unknown): WireError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const w: WireError = { name: e.name, message: e.message };
  if (e.stack !== undefined) w.stack = e.stack;
  if (e instanceof InputError) {
    if (e.file !== undefined) w.file = e.file;
    if (e.buffer !== undefined) w.buffer = e.buffer;
    if (e.field !== undefined) w.field = e.field;
  }
  return w;
}

/** Rebuilds a real Error (an InputError for input faults) on this side. */
export function fromWire(w: WireError): Error {
  let e: Error;
  if (w.name === 'InputError') {
    const where: { file?: string; buffer?: string; field?: string } = {};
    if (w.file !== undefined) where.file = w.file;
    if (w.buffer !== undefined) where.buffer = w.buffer;
    if (w.field !== undefined) where.field = w.field;
    e = new InputError(w.message, where);
  } else {
    e = new Error(w.message);
    e.name = w.name;
  }
  if (w.stack !== undefined) e.stack = w.stack;
  return e;
}

/** What an aborted call rejects with: the signal's reason, else a DOMException named AbortError. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The solve was aborted.', 'AbortError');
}

/** Errors after which a worker's WASM state can't be trusted: the worker is replaced. */
export function poisonsWorker(w: WireError): boolean {
  return w.name === 'RuntimeError' || w.name === 'RangeError' || w.name === 'CompileError' || w.name === 'LinkError';
}
