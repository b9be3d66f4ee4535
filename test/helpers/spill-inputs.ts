/** Issue #10's inputs for spilling, each a test with its right value (test/solve/spill.test.ts, test/cli-spill.test.ts). */

/** spill.csv: 88 KiB live at step 2, 64 KiB on chip; c1 is the one to spill. */
export const SPILL_CSV = 'id,lower,upper,size\nimg,0,2,24576\nc1,1,3,40960\nc2,2,4,32768\nres,1,5,16384\nhead,4,6,8192\n';

/** cap.csv: live bound 112 B, greedy-size needs 144 B for all seven. */
export const CAP_CSV = 'id,lower,upper,size\na,0,3,32\nb,0,1,64\nc,1,2,48\nd,1,4,16\ne,2,4,40\nf,3,5,56\ng,4,5,24\n';

/** small4.csv (a 40-buffer audit case): 420 B proven without a capacity (split in time, then searched); the single-shot heuristics reach 459 B at best. */
export const SMALL4_CSV =
  'id,lower,upper,size\nb0,7,10,14\nb1,12,16,20\nb2,2,3,3\nb3,12,17,38\nb4,1,3,67\nb5,17,20,36\nb6,5,6,34\nb7,6,7,83\nb8,8,11,25\nb9,5,8,38\nb10,20,26,48\nb11,2,7,44\nb12,12,17,32\nb13,5,7,61\nb14,8,9,71\nb15,9,10,38\nb16,18,24,40\nb17,16,18,53\nb18,13,18,37\nb19,13,17,21\nb20,7,10,34\nb21,1,2,6\nb22,14,20,36\nb23,16,21,83\nb24,15,21,44\nb25,4,10,26\nb26,2,6,26\nb27,20,26,57\nb28,8,10,46\nb29,13,19,76\nb30,10,16,72\nb31,6,9,13\nb32,1,7,30\nb33,8,13,79\nb34,7,8,43\nb35,5,8,59\nb36,0,1,46\nb37,2,5,95\nb38,10,11,42\nb39,9,12,20\n';
