/** Issue #10's inputs for spilling, each a test with its right value (test/solve/spill.test.ts, test/cli-spill.test.ts). */

/** spill.csv: 88 KiB live at step 2, 64 KiB on chip; c1 is the one to spill. */
export const SPILL_CSV = 'id,lower,upper,size\nimg,0,2,24576\nc1,1,3,40960\nc2,2,4,32768\nres,1,5,16384\nhead,4,6,8192\n';

/** cap.csv: live bound 112 B, greedy-size needs 144 B for all seven. */
export const CAP_CSV = 'id,lower,upper,size\na,0,3,32\nb,0,1,64\nc,1,2,48\nd,1,4,16\ne,2,4,40\nf,3,5,56\ng,4,5,24\n';
