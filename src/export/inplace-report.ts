import { formatBytesBoth } from '../format/bytes.js';
import type { InplaceKind } from '../graph/inplace.js';
import type { ImportedModel } from '../import/model.js';
import { plural } from '../format/plural.js';

/** What `--inplace` saved on a model: the arena with and without it, planned the same way (bytes). */
export interface InplaceSaving {
  kinds: InplaceKind[];
  /** Tensors placed in another's bytes, over every subgraph, per kind. */
  tensors: Partial<Record<InplaceKind, number>>;
  /** The arena (subgraphs' peaks summed, as they are stacked) without --inplace and with it. */
  without: number;
  with: number;
  saved: number;
}

/** The saving of `model` (imported with `kinds`), given its subgraphs' peaks and those of the same model imported without. */
export function inplaceSaving(model: ImportedModel, kinds: readonly InplaceKind[], peaks: readonly number[], peaksWithout: readonly number[]): InplaceSaving {
  const tensors: Partial<Record<InplaceKind, number>> = {};
  for (const kind of kinds) tensors[kind] = model.subgraphs.reduce((n, sg) => n + (sg.inplace ?? []).filter((a) => a.kind === kind).length, 0);
  const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
  const without = sum(peaksWithout);
  const withIt = sum(peaks);
  return { kinds: [...kinds], tensors, without, with: withIt, saved: without - withIt };
}

/**
 * The report's lines: `FILE: in place (the model planned again without --inplace, the same way)` then
 * `  --inplace elementwise: 3 tensors; arena 768 B, 1.00 KiB (1024 B) without: 256 B saved`.
 */
export function formatInplaceSaving(file: string, s: InplaceSaving): string {
  const what = s.kinds.map((k) => `--inplace ${k}: ${plural(s.tensors[k] ?? 0, 'tensor')}`).join(', ');
  const verdict = s.saved > 0 ? `${formatBytesBoth(s.saved)} saved` : s.saved === 0 ? 'nothing saved' : `${formatBytesBoth(-s.saved)} more (the heuristics placed the tied blocks worse)`;
  return `${file}: in place (the model planned again without --inplace, the same way)\n  ${what}; arena ${formatBytesBoth(s.with)}, ${formatBytesBoth(s.without)} without: ${verdict}\n`;
}
