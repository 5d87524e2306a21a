export {
  createThetaModel,
  dynamicOptimizedThetaModel,
  optimizedThetaModel,
  profileTheta,
  standardThetaModel,
  type ThetaFit,
  type ThetaModelOptions,
} from './optimized.ts';
export { fitSes, profileSes, type SesFit, sesAt } from './ses.ts';
export { olsSlope, thetaForecast, thetaModel } from './theta.ts';
