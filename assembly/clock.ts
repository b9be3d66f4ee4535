// The engine's one import: asked every 64 children a search tries (`exact` 1: the runs' node limits
// are checked there, so where a run stops does not depend on the clock) and whenever the search has
// done TICK_WORK more work since the last question (`exact` 0: time and cancellation only), so that
// the questions come at bounded intervals of time whatever the problem's size; a non-zero answer
// stops the search. JS uses it for time limits, cancellation and progress lines.
@external("env", "tick")
export declare function tick(nodes: f64, exact: i32): i32;

// Work (exact.ts's `work`: candidates scanned) after which the search asks tick() again even before
// its 64th child: a child costs work in proportion to the part's buffers (10^5 of them: 64 children
// took seconds between two questions). 2^16 units: well under a millisecond.
export const TICK_WORK: f64 = 65536;
