import { describe, expect, it } from 'vitest';
import { evaluateFormula, formulaNames, parseFormula } from './formula.ts';

describe('formulas', () => {
  const values: Record<string, number | null> = { A: 6, B: 3, zero: 0, missing: null };
  const run = (text: string) => evaluateFormula(parseFormula(text), (n) => values[n] ?? null);

  it('follows arithmetic precedence and parentheses', () => {
    expect(run('A + B * 2')).toBe(12);
    expect(run('(A + B) * 2')).toBe(18);
    expect(run('A / B * 100')).toBe(200);
    expect(run('-A - -B')).toBe(-3);
    expect(run('A - B - 1')).toBe(2);
    expect(run('1.5e1 / .5')).toBe(30);
  });

  it('gives null for a division by zero or a missing value, never Infinity or NaN', () => {
    expect(run('A / zero')).toBeNull();
    expect(run('zero / zero')).toBeNull();
    expect(run('A + missing')).toBeNull();
  });

  it('names the series it uses', () => {
    expect(formulaNames(parseFormula('(likes + x) / views'))).toEqual(['likes', 'x', 'views']);
  });

  it.each(['', 'A +', '(A', 'A B', 'A % B'])('rejects %j', (text) => {
    expect(() => parseFormula(text)).toThrow(/formula/);
  });
});
