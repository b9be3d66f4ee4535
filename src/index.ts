/**
 * arenapack: plan where every buffer of a neural network's working memory lives, prove how good
 * the plan is, and check it. Data flows one way: import -> Problem -> solve -> Plan -> verify -> export.
 */
export type { Buffer, Bytes, Gap, Memory, MemoryTier, MethodResult, Plan, PlanStatus, Problem, Step } from './problem/types.js';
export { InputError } from './problem/errors.js';
export { validateMemories, validateProblem } from './problem/validate.js';
export { blocksOf, hasTies, liveRects, type Block, type Rect } from './problem/relative.js';
export { verifyPlan, verifySpilledPlan, verifyTieredPlan, type SpilledClaim, type Verdict } from './problem/verify.js';
export { alignedLiveBound, bounds, largestBuffer, liveBound, lowerBound, peakStep, totalBytes, type Bounds } from './problem/bounds.js';
export { planGranularity, roundUpToGranularity } from './problem/granularity.js';

export { MAX_SEED, solve, statusOf, type SolveOptions, type SolveResult } from './solve/solve.js';
export { certifyLowerBound, type CertifiedBound, type CertifyOptions, type CertifyProbe } from './solve/certify.js';
export { subInstanceBound, type SubBound, type SubBoundOptions, type SubWindow } from './solve/sub-bound.js';
export { planWithSpill, planWithSpillAsync, type PlanResult, type SpillInfo } from './solve/spill.js';
export { bestKeptSet, type KeptChoice } from './solve/spill-choice.js';
export { Deadline, type Clock } from './solve/deadline.js';
export {
  fillFastestFirst,
  planTiers,
  planTiersAsync,
  planTiersWith,
  stepBound,
  tierInstance,
  tiersPlanner,
  type TierInstance,
  type TieredPlan,
  type TierUsage,
  type TiersHow,
} from './solve/tiers/index.js';
export {
  ASSIGN_METHODS,
  METHOD_HELP,
  PLACE_METHODS,
  PORTFOLIOS,
  type AssignMethod,
  type Portfolio,
  type MethodName,
  type PlaceMethod,
} from './solve/methods.js';

export {
  assignWithGlpk,
  fitCapacity,
  placeModelLp,
  solveWithGlpk,
  type FitResult,
  type SlotAssignment,
} from './solve/ilp/index.js';
export type { SearchProgress } from './solve/wasm/engine.js';

export { importProblem } from './import/index.js';
export { parseCsv } from './import/csv.js';
export { parseJson } from './import/json.js';

export { problemToCsv, solutionToCsv } from './export/csv.js';
export { formatGaps, parseGaps } from './format/gaps.js';
export { planToJson, type PlanJson } from './export/plan-json.js';
export { formatReport } from './export/report.js';

export { formatBytes, parseSize } from './format/bytes.js';

export type { ImportedModel, ModelImportOptions, ModelSubgraph, ModelTensor, TensorKind } from './import/model.js';
export { importModelFile, modelFormat } from './import/model-file.js';
export { importTflite } from './import/tflite/index.js';
export { readTflite } from './import/tflite/reader.js';
export { planModel, type ModelPlan } from './plan-model.js';
export { isWeightBuffer, planModelProblemsTiers, planModelTiers, planStackedTiers, tailFillsFirst, tflmTiers, tiersDeadline, weightTiers, withTraffic, type TflmTiers, type TiersTflmOptions } from './plan-model-tiers.js';
export { formatTieredReport, tieredPlanToJson, type TieredPlanJson } from './export/tiers.js';
export { tieredHeader } from './export/tiers-header.js';
export { tieredLayoutSvg } from './export/tiers-svg.js';
export { parseMemoryList, parseMemorySpec } from './format/memory-spec.js';
export { modelPlanToJson, type ModelPlanJson, type SubgraphPlanJson } from './export/model-json.js';
export { formatModelReport } from './export/model-report.js';
export { cHeader } from './export/c-header.js';
export { layoutSvg } from './export/svg.js';
export { tensorOffsets, subgraphBases } from './export/tensor-offsets.js';
export { offlinePlanValues, writeOfflinePlan } from './export/tflm-offline-plan.js';
export { sha256Hex } from './format/sha256.js';
