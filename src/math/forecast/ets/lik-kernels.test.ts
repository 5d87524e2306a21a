import { describe, expect, it } from 'vitest';
import reference from '../../../../test/fixtures/forecast/ets.json' with { type: 'json' };
import { expectClose } from '../../../../test/helpers/expect-close.ts';
import { createRng } from '../../random.ts';
import type { EtsForm, EtsParams } from './form.ts';
import { admissibleForms, hasSeason } from './form.ts';
import { etsFilter, etsLik } from './recursion.ts';

interface RFit {
  form: EtsForm;
  method: string;
  par: Partial<EtsParams>;
  initstate: number[];
  loglik: number;
}
const cases = reference.series.flatMap((s) =>
  (s.fits as RFit[]).map((f) => [s.name, f.method, Float64Array.from(s.y), s.m, f] as const),
);

function paramsOf(f: RFit): EtsParams {
  return { alpha: f.par.alpha!, beta: f.par.beta ?? 0, gamma: f.par.gamma ?? 0, phi: f.par.phi ?? 1 };
}

describe('the likelihood kernels', () => {
  // R computes the slope from the level's change and sums one logarithm per step; the kernels do
  // neither (lik-kernels.ts), so they agree with R to rounding, not bit for bit.
  it.each(cases)('%s %s: R’s lik at R’s parameters, to 1e-11 relative', (_, __, y, m, f) => {
    const period = hasSeason(f.form) ? m : 1;
    const lik = etsLik(y, f.form, period, paramsOf(f), f.initstate, new Float64Array(period));
    expectClose(lik, -2 * f.loglik, 1e-11);
  });

  // The filter keeps R's order of operations (it runs once per fit, outside the search): an
  // independent path to the same number, at scales where a product of |ŷ| would overflow or
  // underflow long before the end of the series.
  const rng = createRng(5);
  const base = Float64Array.from(
    { length: 500 },
    (_, t) => 50 + 0.1 * t + 8 * Math.sin((2 * Math.PI * t) / 7) + rng.normal(),
  );
  const scales = [1, 1e120, 1e-120];
  const forms = admissibleForms({ seasonal: true, positive: true });
  it.each(scales)('every form at scale %s: the filter’s likelihood to 1e-12 relative', (scale) => {
    const y = Float64Array.from(base, (v) => v * scale);
    for (const form of forms) {
      const params = {
        alpha: 0.3,
        beta: form.trend === 'N' ? 0 : 0.02,
        gamma: hasSeason(form) ? 0.1 : 0,
        phi: form.trend === 'Ad' ? 0.95 : 1,
      };
      const m = hasSeason(form) ? 7 : 1;
      const init = [50 * scale];
      if (form.trend !== 'N') init.push(0.1 * scale);
      for (let j = 0; j < (hasSeason(form) ? 7 : 0); j++) {
        const wave = 8 * Math.sin((2 * Math.PI * (-j - 1)) / 7);
        init.push(form.season === 'M' ? 1 + wave / 50 : wave * scale);
      }
      const lik = etsLik(y, form, m, params, init, new Float64Array(m));
      const filtered = etsFilter(y, form, m, params, init).lik;
      expect(Number.isFinite(lik)).toBe(true);
      expectClose(lik, filtered, 1e-12);
    }
  });
});
