import { describe, expect, it } from 'vitest';
import { filterReferences, parseFilter } from './filter-expression.ts';

describe('the filter language', () => {
  it('parses comparisons joined by and/or with and binding tighter', () => {
    expect(parseFilter("country = 'US' or os = 'iOS' and age >= 18")).toEqual({
      kind: 'or',
      items: [
        { kind: 'compare', ref: 'country', op: '=', value: 'US' },
        {
          kind: 'and',
          items: [
            { kind: 'compare', ref: 'os', op: '=', value: 'iOS' },
            { kind: 'compare', ref: 'age', op: '>=', value: 18 },
          ],
        },
      ],
    });
  });

  it('parses in, not in, is null, contains, not, parentheses, named filters and cohorts', () => {
    expect(parseFilter("not (os in ('iOS', 'Android')) and user.source is not null")).toEqual({
      kind: 'and',
      items: [
        { kind: 'not', item: { kind: 'in', ref: 'os', values: ['iOS', 'Android'], negated: false } },
        { kind: 'null', ref: 'user.source', negated: true },
      ],
    });
    expect(parseFilter("city not contains 'burg'")).toEqual({
      kind: 'contains',
      ref: 'city',
      value: 'burg',
      negated: true,
    });
    expect(parseFilter('country NOT IN (1, -2.5e1)')).toEqual({
      kind: 'in',
      ref: 'country',
      values: [1, -25],
      negated: true,
    });
    expect(parseFilter("@paid AND cohort != 'power'")).toEqual({
      kind: 'and',
      items: [
        { kind: 'named', name: 'paid' },
        { kind: 'cohort', name: 'power', negated: true },
      ],
    });
  });

  it('reads quoted property keys and doubled quotes in strings', () => {
    expect(parseFilter(`properties."plan name" = 'O''Brien'`)).toEqual({
      kind: 'compare',
      ref: 'properties.plan name',
      op: '=',
      value: "O'Brien",
    });
    expect(parseFilter('properties.beta <> true')).toEqual({
      kind: 'compare',
      ref: 'properties.beta',
      op: '!=',
      value: true,
    });
  });

  it.each([
    ["country = 'US", /unterminated string at position 11/],
    ["country == 'US'", /expected a value.*found "="/],
    ['country = null', /is null/],
    ["country = 'US' and", /expected a dimension name, found the end/],
    ["(country = 'US'", /expected "\)"/],
    ["country 'US'", /expected a comparison after "country"/],
    ["country = 'US' os = 'iOS'", /unexpected "os"/],
    ['age > 1 ; drop', /unexpected character ";"/],
    ["cohort 'x'", /cohort = 'name'/],
    ["country in ('US', 1)", /all be text, all numbers/],
  ])('rejects %j with a position', (text, message) => {
    expect(() => parseFilter(text)).toThrow(message);
    try {
      parseFilter(text);
    } catch (error) {
      expect((error as { code: string }).code).toBe('SL_FILTER_SYNTAX');
    }
  });

  it('lists the dimensions, named filters and cohorts it uses', () => {
    expect(filterReferences(parseFilter("os = 'x' or (@a and cohort = 'c' and not user.age < 3)"))).toEqual({
      refs: ['os', 'user.age'],
      named: ['a'],
      cohorts: ['c'],
    });
  });
});
