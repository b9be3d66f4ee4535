/**
 * The model graph: one subgraph of a model as operators and tensors, whatever the file format
 * (DESIGN.md §2). The readers (src/import/tflite, src/import/onnx) produce it; live ranges, the
 * problem, the operator graph for reordering, the runtime's additions (scratch, variables, rounding)
 * and the reports are functions of it. Sizes are bytes; steps are operator positions in the run.
 */
import type { OperatorOptions } from './operator-options.js';

/**
 * What a tensor is to the planner: `constant` (weights in the file, placed by the runtime),
 * `input` / `output` (of the graph), `activation` (produced and read by operators), `variable`
 * (state kept across runs, held by the runtime outside the planned arena), `intermediate` (internal
 * to one operator), `prepared` (computed from constants only, e.g. DEQUANTIZE of float16 weights,
 * DENSIFY: once by a runtime that folds them, at every run by TFLM; see PreparedRange), `unused` (no operator touches it and it is no graph input or output).
 */
export type TensorKind = 'constant' | 'input' | 'output' | 'activation' | 'variable' | 'intermediate' | 'prepared' | 'unused';

/**
 * When a planned `prepared` tensor is live: `whole-run` (the runtime computes it once and holds it),
 * or `per-run` (its operator computes it at every run: live from that operator to its last reader).
 * See src/graph/problem.ts, ProblemOptions.preparedRange.
 */
export type PreparedRange = 'whole-run' | 'per-run';

/** One tensor of a subgraph. */
export interface GraphTensor {
  /** Index in its subgraph (TFLite: the tensor index; ONNX: the importer's numbering). */
  index: number;
  name: string;
  kind: TensorKind;
  /** Element type, e.g. "INT8", "FLOAT32". */
  type: string;
  /**
   * Dimensions as the runtime allocates them: TFLite's stored `shape` (with `--batch N` in a dynamic
   * batch dimension), or the shape computed from its producer where the stored one is a placeholder
   * (see `storedShape`); ONNX: the inferred shape. As stored when the size is unknown.
   */
  shape: number[];
  /** The shape stored in the file, when `shape` differs from it (resolved from its producer, or --batch). */
  storedShape?: number[];
  /** Bytes of `shape` (a constant: of its data); undefined when unknown (e.g. a string constant). */
  bytes?: number;
  /**
   * Why `bytes` is unknown, naming the tensor as the reader names it (e.g. `tensor "s" has element type
   * STRING, whose size is not fixed, so it cannot be planned`): the error, after the file, of a plan that
   * needs the tensor's bytes (src/graph/problem.ts). Absent: left out silently where its bytes are unknown.
   */
  unsized?: string;
  /**
   * A weight the run holds: the key of the constant data the tensor's bytes are (tensors with one key
   * share one buffer when weights are planned: TFLite's data buffer; ONNX: the tensor itself). Absent
   * for a tensor that is no weight the run reads (an ONNX initializer no node reads).
   */
  weights?: string;
  /**
   * An offset the model's own offline plan gives the tensor (e.g. Vela's), kept instead of planning it:
   * bytes from the start of TFLM's head (model-wide, as the offline plan stores it).
   */
  fixedOffset?: number;
  /**
   * With --replace-offline-plan: the offset the model's own offline plan, as stored, gives the tensor
   * (bytes from the start of TFLM's head; absent where it has -1). Not used for planning: only for what
   * TFLM does with the file as stored (the reports' "before", src/runtime/tflm/model-head.ts).
   */
  storedOffset?: number;
  /**
   * TFLite: the number of zero points of the tensor's affine quantization (1 per tensor, or one per
   * channel), when it has one with scales and zero points; absent when not quantized (and for ONNX).
   */
  zeroPoints?: number;
  /** Index into the subgraph problem's buffers when the tensor is planned. */
  buffer?: number;
  /** Live range [start, end) in steps when the tensor has one. */
  start?: number;
  end?: number;
}

/**
 * One request of an operator for memory of its own while it runs (TFLM: a kernel's
 * `RequestScratchBufferInArena` in Prepare). Filled in by src/runtime for a given kernel library.
 */
export interface ScratchRequest {
  /** Bytes requested (TFLM rounds each up to 16 in the arena). */
  bytes: number;
  /** What the buffer holds, after the kernel's own name for it. */
  label: string;
}

/** One operator of a subgraph, at its stored position. */
export interface GraphOperator {
  /** Position in the stored order (TFLite: operator index; ONNX: node index). */
  index: number;
  /** The operator type: a TFLite builtin name ("CONV_2D"), a custom code, or an ONNX op_type. */
  type: string;
  /** TFLite: the builtin code (32 = CUSTOM); absent for ONNX. */
  builtin?: number;
  /** TFLite: a custom operator (its operator code names custom code, `type` holds that name). */
  custom?: boolean;
  /** The operator's name where the format has one (ONNX node name; TFLite has none: ""). */
  name: string;
  /** Tensor indices read; -1 = optional input left out. */
  inputs: number[];
  /** Tensor indices written. */
  outputs: number[];
  /** Tensors internal to the operator (live only while it runs). */
  intermediates: number[];
  /**
   * Tensors of this subgraph that the operator's own subgraphs read (ONNX: what an If / Loop body
   * takes from the enclosing graph): read when the operator runs, like `inputs`. Absent = none.
   */
  implicitInputs?: number[];
  /**
   * Run once from constants before the run starts (ONNX: a node every output of which is folded into
   * a constant): it reads nothing while the run goes, so it keeps no tensor alive.
   */
  folded?: boolean;
  /**
   * Has effects beyond its outputs (control flow, state or variables, randomness, custom code, no
   * outputs at all): a new operator order keeps these operators in their relative order. The reader
   * decides, by its format's rules (src/import/tflite/operators.ts, src/import/onnx/model-graph.ts).
   */
  pinned?: boolean;
  /**
   * Output 0 holds input 0's bytes under another shape (TFLite RESHAPE / SQUEEZE / EXPAND_DIMS; ONNX
   * Reshape / Squeeze / Unsqueeze / Flatten / Identity reading input 0 once): output 0 may live in input
   * 0's memory when input 0 dies there (src/graph/views.ts says when).
   */
  view?: boolean;
  /**
   * A concatenation whose output is its inputs side by side along this axis, as stored (negative counts
   * from the last), with nothing applied after (TFLite CONCATENATION without a fused activation; ONNX
   * Concat): its inputs may lie at their slices of the output (src/graph/inplace.ts). Absent otherwise.
   */
  concatAxis?: number;
  /** TFLite: the options its kernels read to size their scratch, decoded once by the reader. */
  options?: OperatorOptions;
  /**
   * The subgraphs a control-flow operator runs, in the order the runtime's planner walks them
   * (TFLite IF: then, else; WHILE: cond, body; CALL_ONCE: init — TFLM micro_allocation_info.cc,
   * MarkSubgraphLifetimesIfNecessary); absent for other operators.
   */
  calls?: number[];
  /**
   * Kernel scratch this operator asks for, as a runtime's kernel library sizes it (src/runtime);
   * undefined = not computed (or unknown for this operator), [] = none.
   */
  scratch?: ScratchRequest[];
}

/** A subgraph as operators and tensors: what every later pass reads. */
export interface SubgraphGraph {
  /** Position of the subgraph in the model (0 = the main graph). */
  index: number;
  name: string;
  /** Every tensor, in index order (ONNX: those with an inferred type and shape). */
  tensors: GraphTensor[];
  /** How many tensor indices the subgraph numbers (planned or not), for the offline plan. */
  tensorCount: number;
  /** Every operator, in stored order. */
  operators: GraphOperator[];
  /** Graph inputs and outputs (tensor indices). */
  inputs: number[];
  outputs: number[];
  /**
   * The stored operators in the order they run (runOrder[k] runs at step k of the stored model) when
   * that is not operator i at step i (ONNX: a stored order that is not topological is sorted). Absent:
   * the stored order.
   */
  runOrder?: number[];
  /** What the reader found that the report should say (shapes resolved or taken from value_info, ...), in its words. */
  facts: string[];
}

/**
 * A model as its reader saw it: the format, the file (for messages) and every subgraph (TFLite: in
 * the model's order; ONNX: the main graph, then the If branches depth first).
 */
export interface ModelGraph {
  format: 'tflite' | 'onnx';
  file: string;
  subgraphs: SubgraphGraph[];
  /**
   * TFLite: the file's own offline plan (OfflineMemoryAllocation, e.g. Vela's). `kept`: its offsets
   * are the tensors' `fixedOffset`, and `extent` bytes from offset 0 (the highest offset + stored
   * bytes of a tensor it places) are reserved for it in subgraph 0; not kept
   * (--replace-offline-plan): every tensor planned anew, its offsets kept only as the tensors'
   * `storedOffset` (what the file as stored gives on the device); `unreadable`: the stored plan is
   * malformed (the InputError's message), so no tensor has a `storedOffset`.
   */
  offlinePlan?: { kept: true; extent: number } | { kept: false; unreadable?: string };
}

/** A short label of an operator for messages and reports: `operator 3 (CONV_2D "name")`. */
export function operatorLabel(op: Pick<GraphOperator, 'index' | 'type' | 'name'>): string {
  return `operator ${op.index} (${op.type}${op.name ? ` "${op.name}"` : ''})`;
}
