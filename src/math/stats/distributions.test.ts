import { describe, expect, it } from 'vitest';
import reference from '../../../test/fixtures/scipy/distributions.json' with { type: 'json' };
import {
  betaCdf,
  betaQuantile,
  chiSquareSf,
  normalCdf,
  normalQuantile,
  normalSf,
  tCdf,
  tQuantile,
} from './distributions.ts';

/** Relative agreement to 1e-10, which also holds for tails as small as 1e-33. */
function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-10 * Math.max(Math.abs(expected), 1e-300));
}

describe('distributions agree with scipy', () => {
  it.each(reference.normalCdf)('normalCdf(%d)', (x, p) => expectClose(normalCdf(x!), p!));
  it.each(reference.normalSf)('normalSf(%d) keeps the far tail', (x, p) => expectClose(normalSf(x!), p!));
  it.each(reference.normalQuantile)('normalQuantile(%d)', (p, x) => {
    if (x === 0) expect(normalQuantile(p!)).toBe(0);
    else expectClose(normalQuantile(p!), x!);
  });
  it.each(reference.tCdf)('tCdf(%d, %d)', (x, df, p) => expectClose(tCdf(x!, df!), p!));
  it.each(reference.tQuantile)('tQuantile(%d, %d)', (p, df, x) => expectClose(tQuantile(p!, df!), x!));
  it.each(reference.chiSquareSf)('chiSquareSf(%d, %d)', (x, k, p) => expectClose(chiSquareSf(x!, k!), p!));
  it.each(reference.betaCdf)('betaCdf(%d, %d, %d)', (x, a, b, p) => expectClose(betaCdf(x!, a!, b!), p!));
  it.each(reference.betaQuantile)('betaQuantile(%d, %d, %d)', (p, a, b, x) =>
    expectClose(betaQuantile(p!, a!, b!), x!),
  );

  it('treats infinite degrees of freedom as the normal', () => {
    expect(tCdf(1.3, Number.POSITIVE_INFINITY)).toBe(normalCdf(1.3));
    expect(tQuantile(0.975, Number.POSITIVE_INFINITY)).toBe(normalQuantile(0.975));
  });
});
