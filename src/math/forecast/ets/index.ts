/** Exponential smoothing (ETS) models and AutoETS; see README.md. */

export { type EtsFit, etsFromState, fitEts } from './fit.ts';
export {
  type EtsError,
  type EtsForm,
  type EtsParams,
  type EtsSeason,
  type EtsTrend,
  etsName,
} from './form.ts';
export { etsModel } from './model.ts';
export { autoEts, autoEtsPlan, autoEtsSearchPlan } from './select.ts';
