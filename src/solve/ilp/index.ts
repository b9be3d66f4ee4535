export { assignModel, assignWithGlpk, greedySlots, slotsToOffsets, type SlotAssignment } from './assign.js';
export { fitCapacity, fitModel, type FitResult } from './fit.js';
export { loadGlpk, LpBuilder } from './glpk.js';
export { placeModel, placeWithGlpk, type IlpPlacement } from './place.js';
export { GLPK_PLACE_LIMIT, placeModelLp, solveWithGlpk } from './solve-glpk.js';
