import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RUNNER = join(ROOT, 'test', 'runtime', 'tflm_heads.py');

/**
 * A Python with the `tflite-micro` package (TFLM's interpreter, reference kernels): $TFLM_PYTHON, else
 * the project's .venv. Undefined, with a visible note, when neither imports it.
 */
export function tflmPython(): string | undefined {
  const candidates = [process.env.TFLM_PYTHON, join(ROOT, '.venv', 'bin', 'python')].filter((p): p is string => !!p && existsSync(p));
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', 'import tflite_micro.python.tflite_micro.runtime'], { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) return python;
  }
  console.warn('SKIPPED: no Python with tflite-micro (set TFLM_PYTHON or create .venv), so the TFLM runtime checks do not run');
  return undefined;
}

/** What TFLM's recording allocator reports for one model file, or why the runtime refused it. */
export interface TflmMeasure {
  file: string;
  head?: number;
  tail?: number;
  error?: string;
}

/** Loads each file in TFLM (test/runtime/tflm_heads.py) and returns its head and tail in bytes. */
export function tflmHeads(python: string, files: readonly string[]): TflmMeasure[] {
  const r = spawnSync(python, [RUNNER, ...files], { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`tflm_heads.py failed (${r.status}): ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as TflmMeasure);
}
