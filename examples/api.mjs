// Run after `npm install`: node examples/api.mjs
import { liveBound, solve, verifyPlan } from '../build/js/index.js';

const problem = {
  capacity: 96 * 1024,
  buffers: [
    { id: 'input', size: 27648, start: 0, end: 2 },
    { id: 'conv1', size: 36864, start: 1, end: 3 },
    { id: 'conv2', size: 36864, start: 2, end: 4, align: 16 },
    { id: 'skip', size: 9216, start: 1, end: 4 },
    { id: 'output', size: 4096, start: 3, end: 5 },
  ],
};

const plan = solve(problem, { method: 'auto', timeLimitMs: 500, seed: 1 });
console.log(`live bound ${liveBound(problem)} B, peak ${plan.peak} B by ${plan.method}: ${plan.status}, fits: ${plan.fits}`);
problem.buffers.forEach((b, i) => console.log(`  ${b.id.padEnd(7)} offset ${plan.offsets[i]}`));
console.log(`verified: ${verifyPlan(problem, plan.offsets, plan.peak).valid}`);
