// The engine's one import: asked every few thousand nodes of a search; a non-zero answer stops it.
// JS uses it for time limits, cancellation and progress lines.
@external("env", "tick")
export declare function tick(nodes: f64): i32;
