import { formatBytes, formatBytesExact } from '../format/bytes.js';
import { plural } from '../format/plural.js';
import type { Plan } from '../problem/types.js';
import type { TflmPlanFacts } from '../runtime/tflm/model-head.js';

/** How each kernel library's scratch sizes are known, for the report and the JSON. */
export const KERNELS_LABEL: Readonly<Record<TflmPlanFacts<Plan>['kernels'], string>> = {
  reference: 'TFLM reference kernels (scratch sizes checked in the runtime)',
  'cmsis-nn': "CMSIS-NN kernels, Cortex-M with DSP, no MVE (scratch sizes from CMSIS-NN's buffer-size functions, not checked in a runtime)",
};

/** The TFLM facts as JSON: the head with scratch, the candidates, every operator's scratch, unknown ones. */
export interface TflmJson {
  kernels: TflmPlanFacts<Plan>['kernels'];
  kernelsLabel: string;
  /** Bytes of the arena's planned part (head) TFLM uses with the offline plan and the scratch. */
  head: number;
  /** A lower bound on the head for this operator order (TflmPlanFacts.headBound), bytes. */
  headBound: number;
  /** `optimal` when the head equals headBound, else `feasible` (headGap says how far). */
  headStatus: 'optimal' | 'feasible';
  /** (head - headBound) / headBound; 0 when optimal. */
  headGap: number;
  plan: string;
  candidates: { label: string; head: number }[];
  scratch: { subgraph: number; operator: number; type: string; requests: { bytes: number; label: string }[] }[];
  unknownScratch: { subgraph: number; operator: number; type: string }[];
}

export function tflmToJson(facts: TflmPlanFacts<Plan>): TflmJson {
  return {
    kernels: facts.kernels,
    kernelsLabel: KERNELS_LABEL[facts.kernels],
    head: facts.head,
    headBound: facts.headBound,
    headStatus: facts.head <= facts.headBound ? 'optimal' : 'feasible',
    headGap: headGap(facts),
    plan: facts.chosen,
    candidates: facts.candidates,
    scratch: facts.scratch.operators.map((o) => ({ subgraph: o.subgraph, operator: o.operator, type: o.type, requests: o.requests })),
    unknownScratch: facts.scratch.unknown,
  };
}

/** (head - headBound) / headBound, 0 when the head is at its bound (or the bound is 0). */
function headGap(facts: TflmPlanFacts<Plan>): number {
  return facts.headBound > 0 && facts.head > facts.headBound ? (facts.head - facts.headBound) / facts.headBound : 0;
}

/**
 * Report lines: the head TFLM uses (the figure to type in, before TFLM's persistent tail), the
 * candidates it was chosen among, and every operator's scratch.
 */
export function formatTflmReport(file: string, facts: TflmPlanFacts<Plan>): string {
  const lines = [`${file}: TensorFlow Lite Micro, ${KERNELS_LABEL[facts.kernels]}`];
  const others = facts.candidates.filter((c) => c.label !== facts.chosen).map((c) => `${c.label}: ${formatBytesExact(c.head)}`);
  lines.push(`  head with scratch  ${formatBytesExact(facts.head)}  ${facts.chosen}${others.length > 0 ? ` (${others.join(', ')})` : ''}`);
  const gap = headGap(facts);
  const verdict = gap === 0 ? 'the head is at it: proven optimal for this operator order' : `the head is ${(gap * 100).toFixed(1)}% over it`;
  lines.push(`  lower bound        ${formatBytesExact(facts.headBound)}  the most one step holds: its live tensors and its operator's scratch (each rounded up to 16); ${verdict}`);
  const total = facts.scratch.operators.reduce((sum, o) => sum + o.requests.reduce((a, r) => a + r.bytes, 0), 0);
  if (facts.scratch.operators.length === 0) lines.push('  scratch          none requested');
  else lines.push(`  scratch          ${plural(facts.scratch.operators.length, 'operator')}, ${formatBytes(total)} requested (placed by TFLM at run time, each rounded up to 16)`);
  for (const o of facts.scratch.operators) {
    const sg = facts.scratch.operators.some((x) => x.subgraph !== 0) ? `subgraph ${o.subgraph}, ` : '';
    lines.push(`    ${sg}operator ${o.operator} (${o.type}): ${o.requests.map((r) => `${r.bytes} B ${r.label}`).join(', ')}`);
  }
  for (const u of facts.scratch.unknown) {
    lines.push(`  note: operator ${u.operator}${u.subgraph !== 0 ? ` of subgraph ${u.subgraph}` : ''} (${u.type}): scratch unknown for these kernels, counted as none`);
  }
  return lines.join('\n') + '\n';
}
