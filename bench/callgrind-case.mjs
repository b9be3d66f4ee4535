// One fixed-work solve for `npm run bench -- callgrind` (bench/callgrind.ts runs it under valgrind).
// Plain JavaScript over the built bundle (npm run build): no TypeScript loader, whose compiler runs in
// a child process, sits in the count. Usage: node callgrind-case.mjs FILE.csv NODES
// The solve: `search` (greedy-size, then the exact search at the file's capacity) ending at NODES
// search nodes, a budget that does not depend on the machine, so the work is the same on every run.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { importProblem, solve } from '../build/dist/arenapack.js';

const [file, nodes] = process.argv.slice(2);
const problem = importProblem(readFileSync(file, 'utf8'), basename(file));
problem.capacity = Number(basename(file).split('.')[1]);
const r = solve(problem, { method: 'search', maxNodes: Number(nodes), timeLimitMs: 1e9 });
console.log(JSON.stringify({ peak: r.peak, nodes: r.searchNodes ?? 0 }));
