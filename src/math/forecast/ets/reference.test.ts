import { describe, expect, it } from 'vitest';
import reference from '../../../../test/fixtures/forecast/ets.json' with { type: 'json' };
import { expectClose } from '../../../../test/helpers/expect-close.ts';
import { etsFromState, fitEts } from './fit.ts';
import { forecastFromFit } from './forecast.ts';
import type { EtsForm, EtsParams } from './form.ts';
import { initialState } from './init-state.ts';
import { isLinearClass } from './intervals.ts';
import { autoEts } from './select.ts';

interface RFit {
  form: EtsForm;
  method: string;
  par: Partial<EtsParams>;
  initstate: number[];
  loglik: number;
  aicc: number;
  sigma2: number;
  forecast: Record<'mean' | 'lower80' | 'upper80' | 'lower95' | 'upper95', number[]>;
}
const series = reference.series.map((s) => ({ ...s, y: Float64Array.from(s.y), fits: s.fits as RFit[] }));
const cases = series.flatMap((s) => s.fits.map((f) => [s.name, f.method, s, f] as const));

function atR(s: (typeof series)[number], f: RFit) {
  const params = { alpha: f.par.alpha!, beta: f.par.beta ?? 0, gamma: f.par.gamma ?? 0, phi: f.par.phi ?? 1 };
  return etsFromState(s.y, f.form, s.m, params, f.initstate)!;
}

describe(`ETS agrees with R forecast ${reference.forecastVersion} (scripts/reference/ets.R)`, () => {
  // Same recursions, same arithmetic order: measured agreement is ~1e-14; 1e-9 leaves room for libm.
  it.each(cases)('%s %s: likelihood, AICc and sigma2 at R’s parameters and initial states', (_, __, s, f) => {
    const fit = atR(s, f);
    expectClose(fit.logLik, f.loglik, 1e-9);
    expectClose(fit.aicc, f.aicc, 1e-9);
    expectClose(fit.sigma2, f.sigma2, 1e-9);
  });

  it.each(series.flatMap((s) => s.initstate.map((i) => [s.name, i.trend, i.season, s, i] as const)))(
    '%s: the initial states of trend %s season %s are R’s initstate',
    (_, trend, season, s, init) => {
      const mine = initialState(s.y, s.m, trend as EtsForm['trend'], season as EtsForm['season']);
      expect(mine).toHaveLength(init.state.length);
      for (const [i, v] of mine.entries()) expectClose(v, init.state[i]!, 1e-9);
    },
  );

  const linear = cases.filter(([, , , f]) => isLinearClass(f.form));
  it.each(linear)('%s %s: forecast mean and 80/95%% intervals at R’s parameters', (_, __, s, f) => {
    const forecast = forecastFromFit(atR(s, f), { horizon: s.h, levels: [80, 95], seasonPeriods: [s.m] }, []);
    // R's class1 misplaces γ for seasonal forms without a trend (see intervals.ts): its variance
    // differs from the book's at h = m, 2m, ... for ANA, and from h = m on for MNA (class 2's
    // recursion carries every earlier c_j into later steps).
    const seasonalNoTrend = f.form.season === 'A' && f.form.trend === 'N';
    const differs = (h: number) => seasonalNoTrend && (f.form.error === 'A' ? h % s.m === 0 : h >= s.m);
    const [i80, i95] = forecast.intervals;
    for (let h = 0; h < s.h; h++) {
      expectClose(forecast.mean[h], f.forecast.mean[h]!, 1e-7);
      if (differs(h + 1)) continue;
      expectClose(i80!.lower[h], f.forecast.lower80[h]!, 1e-7);
      expectClose(i80!.upper[h], f.forecast.upper80[h]!, 1e-7);
      expectClose(i95!.lower[h], f.forecast.lower95[h]!, 1e-7);
      expectClose(i95!.upper[h], f.forecast.upper95[h]!, 1e-7);
    }
  });

  it('ANA at h = m: the book’s variance, which R’s class1 exceeds by (α+γ)² − α²', () => {
    const s = series.find((x) => x.name === 'USAccDeaths')!;
    const f = s.fits.find((x) => x.method === 'ETS(A,N,A)')!;
    const forecast = forecastFromFit(atR(s, f), { horizon: s.h, levels: [95], seasonPeriods: [12] }, []);
    const z = 1.959963984540054;
    const { alpha, gamma } = { alpha: f.par.alpha!, gamma: f.par.gamma! };
    const relative = (upper: number, mean: number) => ((upper - mean) / z) ** 2 / f.sigma2;
    // v_12/σ² = 1 + Σ_{j<12} c_j² with c_j = α for j < 12 (table 6.2); R has c_11 = α + γ.
    expectClose(relative(forecast.intervals[0]!.upper[11]!, forecast.mean[11]!), 1 + 11 * alpha ** 2, 1e-9);
    expectClose(
      relative(f.forecast.upper95[11]!, f.forecast.mean[11]!),
      1 + 10 * alpha ** 2 + (alpha + gamma) ** 2,
      1e-9,
    );
  });

  const multiplicativeSeason = cases.filter(([, , , f]) => !isLinearClass(f.form));
  it.each(multiplicativeSeason)(
    '%s %s: simulated intervals near R’s analytic class-3 ones',
    (_, __, s, f) => {
      const forecast = forecastFromFit(
        atR(s, f),
        { horizon: s.m, levels: [80, 95], seasonPeriods: [s.m] },
        [],
      );
      // Up to h = m R's class-3 mean is the point forecast, except that for damped trends its class3
      // uses l + b where the recursion (and R's own point forecast, etsforecast) has l + φb: a relative
      // difference of b(1 − φ)/l, under 1e-3 here. Its intervals are mean ± z·sd of the exact moments,
      // ours sample quantiles of 5,000 paths of a skewed distribution: the 95% widths agree to 3% where
      // σ ≈ 0.05-0.1; on the hourly taxi series (σ ≈ 0.19, where the skew is larger) ours are up to
      // 12% narrower, as are R's own simulated ones (forecast(fit, simulate = TRUE, npaths = 5000)
      // for its MAM: 0.86-0.92 of the analytic width at h = 21..24).
      const tolerance = f.sigma2 < 0.015 ? 0.04 : 0.15;
      for (let h = 0; h < s.m; h++) {
        expectClose(forecast.mean[h], f.forecast.mean[h]!, f.form.trend === 'Ad' ? 1e-3 : 1e-7);
        const width = forecast.intervals[1]!.upper[h]! - forecast.intervals[1]!.lower[h]!;
        expectClose(width, f.forecast.upper95[h]! - f.forecast.lower95[h]!, tolerance);
      }
    },
  );

  it('our fits reach R’s log-likelihood (or better) on nearly every form', () => {
    // Both searches are Nelder-Mead on a multimodal surface from different starts (R: one start and
    // 2,000 evaluations; here the best of a weight grid, then a restart; for additive errors over the
    // weights only, with the initial state concentrated out), so either may end in a worse mode.
    // Measured: ours is within 1 of R's or better on 81 of 84 forms, better by more than 1 on 45
    // (80 and 42 with the joint search for every form).
    const shortfalls: string[] = [];
    let better = 0;
    for (const [name, method, s, f] of cases) {
      const fit = fitEts(s.y, f.form, s.m)!;
      if (fit.logLik < f.loglik - 1)
        shortfalls.push(`${name} ${method} ${(fit.logLik - f.loglik).toFixed(2)}`);
      if (fit.logLik > f.loglik + 1) better++;
    }
    expect(shortfalls.length, shortfalls.join('; ')).toBeLessThanOrEqual(Math.floor(cases.length * 0.1));
    expect(better).toBeGreaterThan(cases.length / 3);
  });

  it.each(series.map((s) => [s.name, s.auto.method, s] as const))(
    '%s: AutoETS picks %s as R does, or a form of smaller AICc',
    (_, method, s) => {
      const result = autoEts(s.y, { horizon: s.h, levels: [80, 95], seasonPeriods: [s.m] });
      if (result.model !== method) expect(result.aicc!).toBeLessThan(s.auto.aicc);
      else expect(result.aicc!).toBeLessThanOrEqual(s.auto.aicc + 1e-6 * Math.abs(s.auto.aicc));
    },
  );
});
