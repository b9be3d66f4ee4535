// The engine's exports. JS writes a problem into memory once (prepare, the input pointers, setup),
// then calls methods; each method leaves its offsets in the OUT block and returns the peak.
import { IN_ALIGN, IN_END, IN_FIXED, IN_SIZE, IN_START, OUT, PAIRS } from './problem';
import { HAS_PAIRS } from './neighbours';

export { prepare, setup } from './problem';
export { naive, inorder, greedySize, greedyConflicts, decodeBegin, decodeRun, decodeEnd } from './heuristics';
export { placeWork } from './place';
export { lsStart, lsRun, lsEmit, lsIterations, lsWork } from './search';
export { bbPrepare, bbRun, bbResume, bbPaused, bbNodes, bbWork, bbOutOfMemory, bbEmit, bbSwitches, bbLimitWork } from './exact';
export { slotsInorder, slotsGreedySize, slotsGreedyBreadth } from './slots';
export { odPrepare, odInts, odSizes, odOrder, odPeak, odHasOrder, odSolve, odRelease } from './order-dp';

export function inSize(): usize { return IN_SIZE; }
export function inStart(): usize { return IN_START; }
export function inEnd(): usize { return IN_END; }
export function inAlign(): usize { return IN_ALIGN; }
export function inFixed(): usize { return IN_FIXED; }
export function out(): usize { return OUT; }
/** Pairs of buffers that overlap in time. */
export function conflictPairs(): f64 { return <f64>PAIRS; }
/** 1 when setup() kept the conflict graph (the exact search needs it), 0 when its views stand in. */
export function pairsKept(): i32 { return HAS_PAIRS ? 1 : 0; }
