/** Download links for the plan: JSON always; for models the C header and the .tflite with the offline plan. */
import { cHeader } from '../../src/export/c-header.js';
import { modelPlanToJson } from '../../src/export/model-json.js';
import { planToJson } from '../../src/export/plan-json.js';
import { tensorOffsets } from '../../src/export/tensor-offsets.js';
import { layoutSvg, panelsSvg, problemPanels } from '../../src/export/svg.js';
import { modelTrace, problemTrace, traceText } from '../../src/export/trace.js';
import { shapePatches, writeOfflinePlan } from '../../src/export/tflm-offline-plan.js';
import { sha256Hex } from '../../src/format/sha256.js';
import type { PlanResult } from '../../src/solve/spill.js';
import type { TflmArenaOptions } from '../../src/runtime/tflm/arena.js';
import type { Input } from './input.js';
import { stringifyJson } from '../../src/format/json-text.js';

let urls: string[] = [];

const stem = (file: string): string => file.replace(/\.[^.]+$/, '');

const blobUrl = (data: string | Uint8Array, type: string): string => {
  const url = URL.createObjectURL(new Blob([data as BlobPart], { type }));
  urls.push(url);
  return url;
};

/**
 * A download link. `make` runs on the first click (hashing and rewriting a large model is not free),
 * or at once when `eager`.
 */
function link(name: string, label: string, make: () => string | Uint8Array, type: string, eager = false): HTMLAnchorElement {
  const a = document.createElement('a');
  a.download = name;
  a.textContent = label;
  a.dataset['file'] = name;
  a.href = eager ? blobUrl(make(), type) : '#';
  if (!eager) {
    // The browser reads href after the click handlers ran: the first click fills it in.
    a.addEventListener('click', () => {
      if (a.getAttribute('href') === '#') a.href = blobUrl(make(), type);
    });
  }
  return a;
}

/** Removes every link and frees its data (a new file, or one that failed, offers nothing of the last). */
export function clearDownloads(): void {
  for (const u of urls) URL.revokeObjectURL(u);
  urls = [];
  document.getElementById('downloads')!.replaceChildren();
}

/**
 * Replaces the links with ones for this plan (made under `capacity`; `tflm`: a TFLite model's kernel
 * scratch for its arena in the JSON and the header, as the command line's). The SVG is the picture the
 * command line's --svg draws (names, legend, memory profile), not the interactive layout.
 */
export function showDownloads(input: Input, results: readonly PlanResult[], capacity: number | undefined, tflm?: TflmArenaOptions): void {
  clearDownloads();
  const box = document.getElementById('downloads')!;
  const base = stem(input.file);
  if (input.model) {
    const model = input.model;
    // TFLM's offline plan has one arena: a plan that spilled to DDR has no offline plan (as on the command line).
    const rewrite =
      model.format === 'tflite' && results.every((r) => r.spill === undefined)
        ? (): Uint8Array => writeOfflinePlan(input.bytes, input.file, tensorOffsets(model, results), undefined, shapePatches(model))
        : undefined;
    box.append(link(`${base}.plan.json`, 'Plan (JSON)', () => stringifyJson(modelPlanToJson(model, results, capacity, tflm), undefined, 2) + '\n', 'application/json', true));
    // The header names the model to ship (its SHA-256): the .tflite with the offline plan when one is
    // offered, where its offsets hold (as --write-tflite does on the command line), else the input.
    box.append(link(`${base}_arena.h`, 'C header', () => cHeader(model, results, { sha256: sha256Hex(rewrite?.() ?? input.bytes), ...(tflm ? { tflm } : {}) }), 'text/x-c'));
    if (rewrite !== undefined) box.append(link(`${base}.planned.tflite`, '.tflite with offline plan', rewrite, 'application/octet-stream'));
  } else {
    const problem = input.parts[0]!.problem;
    const json = (): string => stringifyJson(planToJson(capacity !== undefined ? { ...problem, capacity } : problem, results[0]!), undefined, 2) + '\n';
    box.append(link(`${base}.plan.json`, 'Plan (JSON)', json, 'application/json', true));
  }
  const picture = (): string =>
    input.model ? layoutSvg(input.model, results, capacity) : panelsSvg(problemPanels(input.parts[0]!.problem, results[0]!, input.file, capacity));
  box.append(link(`${base}.layout.svg`, 'Layout (SVG)', picture, 'image/svg+xml'));
  const trace = (): string =>
    traceText(input.model ? modelTrace(input.model, results) : problemTrace(input.parts[0]!.problem, results[0]!, input.file));
  box.append(link(`${base}.trace.json`, 'Trace (Perfetto)', trace, 'application/json'));
}
