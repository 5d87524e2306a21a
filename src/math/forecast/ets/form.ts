/**
 * The ETS taxonomy of Hyndman, Koehler, Ord & Snyder (2008, "Forecasting with Exponential Smoothing",
 * table 2.1): error additive or multiplicative, trend none, additive or additive damped, season none,
 * additive or multiplicative. Multiplicative trends are left out, as `forecast::ets` does by default
 * (`allow.multiplicative.trend = FALSE`): they forecast explosively and rarely win on AICc.
 */

export type EtsError = 'A' | 'M';
export type EtsTrend = 'N' | 'A' | 'Ad';
export type EtsSeason = 'N' | 'A' | 'M';

export interface EtsForm {
  readonly error: EtsError;
  readonly trend: EtsTrend;
  readonly season: EtsSeason;
}

/** Smoothing weights in R's convention: beta is the book's β (not β* = β/α); phi is 1 when undamped. */
export interface EtsParams {
  readonly alpha: number;
  readonly beta: number;
  readonly gamma: number;
  readonly phi: number;
}

/** `ETS(M,Ad,M)`, as `forecast::ets` names its models. */
export function etsName(form: EtsForm): string {
  return `ETS(${form.error},${form.trend},${form.season})`;
}

export function hasTrend(form: EtsForm): boolean {
  return form.trend !== 'N';
}

export function hasSeason(form: EtsForm): boolean {
  return form.season !== 'N';
}

/** The length of the state vector (l, b, s1..sm), R's `states` columns. */
export function stateLength(form: EtsForm, m: number): number {
  return 1 + (hasTrend(form) ? 1 : 0) + (hasSeason(form) ? m : 0);
}

/**
 * The forms `forecast::ets(restrict = TRUE)` considers: additive error never meets a multiplicative
 * season (the mix is numerically unstable, Hyndman et al. 2008 §15.1.3), and multiplicative components
 * only when every value is positive. Order follows R's loops (error, trend, season, damped first), which
 * decides ties of AICc the way R does.
 */
export function admissibleForms(options: { seasonal: boolean; positive: boolean }): EtsForm[] {
  const forms: EtsForm[] = [];
  for (const error of ['A', 'M'] as const) {
    if (error === 'M' && !options.positive) continue;
    for (const trend of ['N', 'A'] as const) {
      for (const season of options.seasonal ? (['N', 'A', 'M'] as const) : (['N'] as const)) {
        if (error === 'A' && season === 'M') continue;
        if (season === 'M' && !options.positive) continue;
        if (trend === 'A') forms.push({ error, trend: 'Ad', season });
        forms.push({ error, trend, season });
      }
    }
  }
  return forms;
}
