/** ARIMA/SARIMA models and the automatic order search; see README.md in this folder. */
export { type AutoArimaChoice, autoArima, selectArima } from './auto.ts';
export { type ArimaFit, type ArimaMethod, evaluateArima, fitArima, type Regressor } from './fit.ts';
export { type ArimaModelSpec, type ArimaResult, arimaModel, arimaName, fitArimaModel } from './model.ts';
export type { ArimaOrder } from './polynomial.ts';
export { type ArimaPrediction, predictArima } from './predict.ts';
export { kpssStatistic, ndiffs, nsdiffs, seasonalStrength } from './unit-root.ts';
