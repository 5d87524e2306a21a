import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../../random.ts';
import { arimaModel } from './model.ts';

/** An ARMA(1,1) path of length n after a burn-in of 100, integrated `d` times. */
function simulate(rng: Rng, n: number, ar: number, ma: number, d: number): Float64Array {
  const total = n + 100;
  const x = new Float64Array(total);
  let previousShock = 0;
  for (let t = 0; t < total; t++) {
    const e = rng.normal();
    x[t] = (t > 0 ? ar * x[t - 1]! : 0) + e + ma * previousShock;
    previousShock = e;
  }
  let y = x.subarray(100);
  for (let k = 0; k < d; k++) {
    let level = 0;
    y = y.map((v) => (level += v));
  }
  return y;
}

/**
 * Coverage of the analytic intervals when the data come from the model's own process: each replicate
 * fits the true order on 120 points and checks whether the next 1 and 6 values fall inside. 1,500
 * replicates give a binomial standard error of 0.6 points at 95% and 0.7 at 80% (pooled over two
 * horizons, a little more), so 2 points is about three standard errors.
 */
describe('ARIMA interval coverage in seeded simulation', () => {
  const processes = [
    { name: 'AR(1) phi = 0.6', ar: 0.6, ma: 0, d: 0, spec: { p: 1, d: 0, q: 0 } },
    { name: 'MA(1) theta = 0.5', ar: 0, ma: 0.5, d: 0, spec: { p: 0, d: 0, q: 1 } },
    {
      name: 'ARIMA(0,1,1) theta = -0.4',
      ar: 0,
      ma: -0.4,
      d: 1,
      spec: { p: 0, d: 1, q: 1, includeConstant: false },
    },
  ];
  it.each(processes.map((p) => [p.name, p] as const))(
    '%s: 80% and 95% intervals hold within 2 points',
    (_, proc) => {
      const rng = createRng(5150);
      const model = arimaModel(proc.spec);
      const horizons = [1, 6];
      const hits = { 80: 0, 95: 0 };
      let trials = 0;
      for (let rep = 0; rep < 1500; rep++) {
        const path = simulate(rng, 126, proc.ar, proc.ma, proc.d);
        const history = path.slice(0, 120);
        const forecast = model(history, { horizon: 6, levels: [80, 95], seasonPeriods: [] });
        for (const h of horizons) {
          const actual = path[119 + h]!;
          const [i80, i95] = forecast.intervals;
          if (actual >= i80!.lower[h - 1]! && actual <= i80!.upper[h - 1]!) hits[80]++;
          if (actual >= i95!.lower[h - 1]! && actual <= i95!.upper[h - 1]!) hits[95]++;
          trials++;
        }
      }
      expect(Math.abs((100 * hits[80]) / trials - 80)).toBeLessThanOrEqual(2);
      expect(Math.abs((100 * hits[95]) / trials - 95)).toBeLessThanOrEqual(2);
    },
  );
});
