export { isConstant, normalIntervals } from './intervals.ts';
export {
  driftModel,
  fitLagWalk,
  forecastLagWalk,
  type LagWalkFit,
  naiveModel,
  seasonalNaiveModel,
} from './lag-walk.ts';
export { naive2Model } from './naive2.ts';
