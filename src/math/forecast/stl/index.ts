export { mstlModel, mstlPlan } from './model.ts';
export { type MstlDecomposition, type MstlOptions, mstl, mstlSeasonalWindow } from './mstl.ts';
export { nextOdd, resolveStlOptions, type StlDecomposition, type StlOptions, stl } from './stl.ts';
