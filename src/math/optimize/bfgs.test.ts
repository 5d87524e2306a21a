import { describe, expect, it } from 'vitest';
import { bfgs } from './bfgs.ts';

describe('bfgs', () => {
  it('takes R optim BFGS path on the Rosenbrock function (same stopping point and value)', () => {
    const rosenbrock = (x: Float64Array) => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2;
    // R 4.x: optim(c(-1.2, 1), fr, method = "BFGS") gives par 0.9998044 0.9996084, value 3.827383e-08.
    // The same steps and finite differences give the same point to the digits R prints.
    const result = bfgs(rosenbrock, [-1.2, 1]);
    expect(result.ok).toBe(true);
    expect(result.x[0]).toBeCloseTo(0.9998044, 7);
    expect(result.x[1]).toBeCloseTo(0.9996084, 7);
    expect(result.value).toBeCloseTo(3.827383e-8, 13);
  });

  it('respects parscale: a badly scaled quadratic converges in the scaled space', () => {
    const f = (x: Float64Array) => (x[0]! - 3) ** 2 + ((x[1]! - 2000) / 1000) ** 2;
    const result = bfgs(f, [0, 0], { parscale: [1, 1000] });
    expect(result.x[0]).toBeCloseTo(3, 3);
    expect(Math.abs(result.x[1]! - 2000)).toBeLessThan(1);
  });

  it('reports a start where the objective is not finite instead of iterating', () => {
    const result = bfgs(() => Number.POSITIVE_INFINITY, [1, 2]);
    expect(result.ok).toBe(false);
  });
});
