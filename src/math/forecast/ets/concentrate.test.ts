import { describe, expect, it } from 'vitest';
import reference from '../../../../test/fixtures/forecast/ets.json' with { type: 'json' };
import { expectClose } from '../../../../test/helpers/expect-close.ts';
import { createRng } from '../../random.ts';
import { createConcentrator } from './concentrate.ts';
import { fitEts, fitEtsJoint } from './fit.ts';
import type { EtsForm } from './form.ts';
import { completeSeasons, initialState } from './init-state.ts';
import { isProfiled } from './profile.ts';
import { etsLik } from './recursion.ts';

interface RFit {
  form: EtsForm;
  method: string;
  par: { alpha: number; beta?: number; gamma?: number; phi?: number };
  initstate: number[];
}
const series = reference.series.map((s) => ({ ...s, y: Float64Array.from(s.y), fits: s.fits as RFit[] }));
const profiled = series.flatMap((s) =>
  s.fits.filter((f) => isProfiled(f.form)).map((f) => [s.name, f.method, s, f] as const),
);

describe('the initial state concentrated out of the additive-error likelihood', () => {
  it.each(profiled)(
    '%s %s: at R’s weights, the least-squares state is the recursion’s and no worse than R’s',
    (_, __, s, f) => {
      const m = f.form.season === 'N' ? 1 : s.m;
      const params = {
        alpha: f.par.alpha,
        beta: f.par.beta ?? 0,
        gamma: f.par.gamma ?? 0,
        phi: f.par.phi ?? 1,
      };
      const heuristic = initialState(s.y, m, f.form.trend, f.form.season);
      const free = new Float64Array(heuristic.length);
      const sse = createConcentrator(s.y, f.form.trend, f.form.season === 'A', m, heuristic).solve(
        params,
        free,
      );
      const full = [...free];
      if (m > 1) full.push(completeSeasons(free.subarray(f.form.trend === 'N' ? 1 : 2), m, 'A'));
      const ring = new Float64Array(m);
      const lik = etsLik(s.y, f.form, m, params, full, ring);
      // The closed-form Σe² (r'r − Δ'X'r) against the recursion run from the solved state: same
      // quantity, different rounding; 1e-9 relative on n·log Σe² is ~1e-6 on Σe² at n = 720.
      expectClose(s.y.length * Math.log(sse), lik, 1e-9);
      // R's state is one point of the least-squares problem, so the minimum cannot be above it.
      expect(lik).toBeLessThanOrEqual(
        etsLik(s.y, f.form, m, params, f.initstate, ring) + 1e-9 * Math.abs(lik),
      );
    },
  );

  // Series with a season, a trend, a damped trend, and a seeded two-year daily series (m = 7).
  const rng = createRng(11);
  let level = 500;
  const daily = Float64Array.from({ length: 400 }, (_, t) => {
    level += 0.3 + rng.normal() * 3;
    return level + 40 * Math.sin((2 * Math.PI * t) / 7) + 10 * rng.normal();
  });
  const pinned: [string, Float64Array, number, EtsForm][] = [
    [
      'USAccDeaths',
      series.find((s) => s.name === 'USAccDeaths')!.y,
      12,
      { error: 'A', trend: 'N', season: 'A' },
    ],
    [
      'AirPassengers',
      series.find((s) => s.name === 'AirPassengers')!.y,
      12,
      { error: 'A', trend: 'A', season: 'A' },
    ],
    ['nottem', series.find((s) => s.name === 'nottem')!.y, 12, { error: 'A', trend: 'Ad', season: 'A' }],
    ['lynx', series.find((s) => s.name === 'lynx')!.y, 1, { error: 'A', trend: 'Ad', season: 'N' }],
    ['seeded daily', daily, 7, { error: 'A', trend: 'A', season: 'A' }],
  ];
  it.each(pinned)('%s: the profiled fit’s likelihood is at least the joint search’s', (_, y, m, form) => {
    const profiledFit = fitEts(y, form, m)!;
    const joint = fitEtsJoint(y, form, m)!;
    // The joint Nelder-Mead over all 2 + m parameters reaches at most the profile's optimum (both are
    // the same likelihood; the profile removes x0 exactly), up to the weights search's tolerance.
    expect(profiledFit.logLik).toBeGreaterThanOrEqual(joint.logLik - 0.05);
    expect(profiledFit.aicc).toBeLessThanOrEqual(joint.aicc + 0.1);
  });
});
