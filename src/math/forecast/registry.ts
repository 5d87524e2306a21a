/**
 * The models a user can name (`--model`), and the candidates `auto` and `ensemble` compare.
 *
 * The candidates depend on the seasons, because cost and fit do: R's ETS takes one period of at most
 * 24, so hourly data with a daily and a weekly season goes through MSTL, which takes any number of
 * periods of any length.
 * Theta is first: it is what a history too short to backtest gets, being robust and cheap (it was the
 * M3 winner and a strong M4 benchmark).
 */
import { autoArima } from './arima/auto.ts';
import { driftModel, naive2Model, naiveModel, seasonalNaiveModel } from './baselines/index.ts';
import { autoEts, autoEtsPlan, autoEtsSearchPlan } from './ets/index.ts';
import { prophetModel } from './prophet/index.ts';
import type { Candidate } from './select.ts';
import { mstlModel, mstlPlan } from './stl/index.ts';
import { stsModel } from './sts/model.ts';
import { dynamicOptimizedThetaModel, optimizedThetaModel, thetaModel } from './theta/index.ts';
import type { ForecastModel, PlannedModel } from './types.ts';

export const MODEL_CHOICES = [
  'auto',
  'ensemble',
  'ets',
  'theta',
  'otm',
  'dotm',
  'arima',
  'sts',
  'prophet',
  'mstl',
  'naive',
  'snaive',
  'drift',
  'naive2',
] as const;
export type ModelChoice = (typeof MODEL_CHOICES)[number];
export type SingleModelChoice = Exclude<ModelChoice, 'auto' | 'ensemble'>;

const SINGLE: Record<SingleModelChoice, ForecastModel> = {
  ets: autoEts,
  theta: thetaModel,
  otm: optimizedThetaModel,
  dotm: dynamicOptimizedThetaModel,
  arima: autoArima,
  sts: stsModel({ trend: 'local-linear' }),
  prophet: prophetModel(),
  mstl: mstlModel(autoEts),
  naive: naiveModel,
  snaive: seasonalNaiveModel,
  drift: driftModel,
  naive2: naive2Model,
};

/**
 * How `auto` and `ensemble` backtest the candidates that search a structure (`select.ts`,
 * `ForecastPlan`) when the windows leave most of the history to train on (`REUSE_SHARE`). AutoETS's
 * fifteen forms, most of them seasonal, were about 85% of the daily auto forecast's time (four
 * searches of 135 ms in 600): its windows refit the form chosen on the whole history. MSTL's inner AutoETS fits six
 * non-seasonal forms, cheap enough to search again in every window (each form started from its
 * whole-history fit), which keeps the choices the search would make.
 */
const PLANS: Partial<Record<SingleModelChoice, PlannedModel>> = {
  ets: autoEtsPlan,
  mstl: mstlPlan(autoEtsSearchPlan),
};

/** One model by its name on the command line. */
export function modelFor(choice: SingleModelChoice): ForecastModel {
  return SINGLE[choice];
}

/**
 * Longest single period ETS is offered with in `auto` (R's own limit). A seasonal ARIMA is not a
 * candidate: its order search costs seconds on a two-year daily series (bench/forecast.bench.ts), more
 * than the whole automatic forecast may take; `--model arima` fits one.
 */
const ETS_MAX_PERIOD = 24;

/** What `auto` and `ensemble` compare on a series with these seasonal periods. */
export function candidatesFor(seasonPeriods: readonly number[]): Candidate[] {
  const candidate = (name: SingleModelChoice): Candidate => {
    const plan = PLANS[name];
    return plan ? { name, model: SINGLE[name], plan } : { name, model: SINGLE[name] };
  };
  if (seasonPeriods.length === 0)
    return ['theta', 'naive', 'ets', 'arima'].map((n) => candidate(n as SingleModelChoice));
  const m = seasonPeriods[0]!;
  const names: SingleModelChoice[] = ['theta', 'snaive', 'mstl'];
  if (seasonPeriods.length === 1 && m <= ETS_MAX_PERIOD) names.push('ets');
  return names.map(candidate);
}
