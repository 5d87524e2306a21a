import { expect } from 'vitest';

/** A fixture number, where JSON's missing infinities are written "Infinity" / "-Infinity". */
export function fixtureNumber(value: number | string): number {
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (typeof value === 'string') throw new Error(`not a fixture number: ${value}`);
  return value;
}

/**
 * |actual − expected| ≤ relative·|expected| (infinities must match exactly; an expected 0 must be 0 to
 * within `relative` absolutely). Relative, not absolute, so a p-value of 1e-20 is checked digit for digit.
 */
export function expectClose(
  actual: number | null | undefined,
  expected: number | string,
  relative = 1e-9,
): void {
  const want = fixtureNumber(expected);
  expect(actual).not.toBeNull();
  expect(actual).not.toBeUndefined();
  if (!Number.isFinite(want)) {
    expect(actual).toBe(want);
    return;
  }
  expect(Math.abs(actual! - want), `${actual} vs ${want}`).toBeLessThanOrEqual(
    relative * Math.max(Math.abs(want), want === 0 ? 1 : 0),
  );
}
