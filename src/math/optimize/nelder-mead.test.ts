import { describe, expect, it } from 'vitest';
import { nelderMead } from './nelder-mead.ts';

describe('nelderMead', () => {
  it('finds the minimum of the Rosenbrock function at (1, 1)', () => {
    const rosenbrock = (x: Float64Array) => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2;
    const result = nelderMead(rosenbrock, [-1.2, 1], { pointTolerance: 1e-10, functionTolerance: 1e-14 });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
  });

  it('minimises a 6-dimensional quadratic with the adaptive coefficients', () => {
    const centre = [1, -2, 3, 0.5, -0.25, 4];
    const quadratic = (x: Float64Array) => x.reduce((s, v, i) => s + (i + 1) * (v - centre[i]!) ** 2, 0);
    const result = nelderMead(quadratic, new Float64Array(6), {
      pointTolerance: 1e-9,
      functionTolerance: 1e-16,
      maxEvaluations: 20_000,
    });
    expect(result.converged).toBe(true);
    for (let i = 0; i < 6; i++) expect(result.x[i]).toBeCloseTo(centre[i]!, 6);
  });

  it('treats NaN as infeasible and stays inside a region marked by Infinity', () => {
    const f = (x: Float64Array) =>
      x[0]! < 0 ? Number.NaN : x[0]! > 2 ? Number.POSITIVE_INFINITY : (x[0]! - 3) ** 2;
    const result = nelderMead(f, [1], { pointTolerance: 1e-10 });
    expect(result.x[0]).toBeLessThanOrEqual(2);
    expect(result.x[0]).toBeCloseTo(2, 6);
  });

  it('reports no convergence when the evaluation budget runs out', () => {
    const rosenbrock = (x: Float64Array) => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2;
    const result = nelderMead(rosenbrock, [-1.2, 1], { maxEvaluations: 20 });
    expect(result.converged).toBe(false);
    expect(result.evaluations).toBeLessThanOrEqual(22);
  });
});
