import { describe, expect, it } from 'vitest';
import reference from '../../../../test/fixtures/forecast/arima.json' with { type: 'json' };
import { expectClose } from '../../../../test/helpers/expect-close.ts';
import { evaluateArima, fitArima } from './fit.ts';
import { regressorsFor } from './model.ts';
import type { ArimaOrder } from './polynomial.ts';
import { predictArima } from './predict.ts';

const series = reference.series as Record<string, { y: number[]; period: number }>;

const cases = reference.fits.map((fit) => {
  const s = series[fit.series]!;
  const order: ArimaOrder = {
    p: fit.order[0]!,
    d: fit.order[1]!,
    q: fit.order[2]!,
    P: fit.seasonal[0]!,
    D: fit.seasonal[1]!,
    Q: fit.seasonal[2]!,
    period: s.period,
  };
  const y = Float64Array.from(s.y);
  const regressors = regressorsFor(y.length, order, fit.includeMean || fit.includeDrift);
  const label = `${fit.series} ARIMA(${fit.order.join(',')})(${fit.seasonal.join(',')})[${s.period}]`;
  return { label, fit, order, y, regressors };
});

describe('ARIMA agrees with R (forecast::Arima, stats::arima CSS-ML)', () => {
  it.each(cases.map((c) => [c.label, c] as const))(
    '%s: the exact log-likelihood at R coefficients is R loglik',
    (_, { fit, order, y, regressors }) => {
      // Deterministic: the same filter on the same numbers; only rounding separates the two.
      const evaluated = evaluateArima(y, order, fit.coef, regressors.history);
      expectClose(evaluated.loglik, fit.loglik, 1e-9);
    },
  );

  it.each(cases.map((c) => [c.label, c] as const))(
    '%s: forecasts and 80/95% intervals at R coefficients are R values',
    (_, { fit, order, y, regressors }) => {
      const evaluated = evaluateArima(y, order, fit.coef, regressors.history);
      let ssq = 0;
      for (const r of evaluated.residuals) ssq += r * r;
      // forecast's sigma2: squared residuals over n - d - Dm - (coefficients + 1) + 1.
      const sigma2 = ssq / (evaluated.nUsed - fit.coef.length);
      expectClose(sigma2, fit.sigma2, 1e-9);
      const h = reference.horizon;
      const prediction = predictArima(
        evaluated.model,
        order,
        fit.coef,
        sigma2,
        regressors.future(h),
        h,
        [80, 95],
      );
      for (let i = 0; i < h; i++) {
        expectClose(prediction.mean[i], fit.mean[i]!, 1e-6);
        expectClose(prediction.intervals[0]!.lower[i], fit.lower80[i]!, 1e-6);
        expectClose(prediction.intervals[0]!.upper[i], fit.upper80[i]!, 1e-6);
        expectClose(prediction.intervals[1]!.lower[i], fit.lower95[i]!, 1e-6);
        expectClose(prediction.intervals[1]!.upper[i], fit.upper95[i]!, 1e-6);
      }
    },
  );

  it.each(cases.map((c) => [c.label, c] as const))(
    '%s: the fitted coefficients and log-likelihood match R',
    (_, { fit, order, y, regressors }) => {
      const mine = fitArima(y, order, regressors.history);
      expect(mine).not.toBeNull();
      expect(mine!.names).toEqual(fit.coefNames);
      // Same optimiser path as R's BFGS, but inside it the likelihood of the differenced series (R's
      // kappa = 1e6 prior approximates it to ~1e-5 relative), so optima differ by up to ~2e-4 relative;
      // 1e-3 allows for that. The likelihood is flat at the optimum: 1e-6 relative is ample.
      fit.coef.forEach((c, i) => {
        expect(Math.abs(mine!.coef[i]! - c), `${fit.coefNames[i]}`).toBeLessThanOrEqual(
          1e-3 * Math.max(Math.abs(c), 0.1),
        );
      });
      expectClose(mine!.loglik, fit.loglik, 1e-6);
    },
  );
});
