import { describe, expect, it } from 'vitest';
import { attribute, type DimensionInput, jsSurprise, scoreElements, segmentKey } from './attribution.ts';

const el = (value: string, expected: number, actual: number) => ({ values: [value], expected, actual });

describe('jsSurprise', () => {
  it('is the base-2 Jensen-Shannon term: 0 for equal shares, half the share when the other is 0', () => {
    expect(jsSurprise(0.3, 0.3)).toBe(0);
    expect(jsSurprise(0, 0.4)).toBeCloseTo(0.2, 12);
    expect(jsSurprise(0.4, 0)).toBeCloseTo(0.2, 12);
    expect(jsSurprise(0, 0)).toBe(0);
    // ½ (0.3 log2(0.6/0.425) + 0.125 log2(0.25/0.425)), by hand: ½ (0.149250 − 0.095692)
    expect(jsSurprise(0.3, 0.125)).toBeCloseTo(0.026779, 6);
  });
});

describe('attribute (Adtributor)', () => {
  const os: DimensionInput = {
    dimensions: ['os'],
    elements: [el('Android', 50, 50), el('iOS', 30, 10), el('web', 20, 20)],
  };

  it('gives the hand-computed EP, surprise, shares and concentration on a 3-element dimension', () => {
    const r = attribute({ expected: 100, actual: 80 }, [os]);
    expect(r.change).toBe(-20);
    expect(r.relativeChange).toBeCloseTo(-0.2, 12);
    const byValue = new Map(r.dimensions[0]!.segments.map((s) => [s.values[0], s]));
    // Only iOS moved: EP = (10 − 30) / (80 − 100) = 1; p = 0.3, q = 10/80 = 0.125.
    const ios = byValue.get('iOS')!;
    expect(ios.explanatoryPower).toBe(1);
    expect(ios.expectedShare).toBeCloseTo(0.3, 12);
    expect(ios.actualShare).toBeCloseTo(0.125, 12);
    expect(ios.surprise).toBeCloseTo(0.026779, 6);
    expect(ios.concentration).toBeCloseTo(1, 12);
    expect(ios.relativeChange).toBeCloseTo(-2 / 3, 12);
    // The candidate set is iOS alone: the most surprising element already explains more than 0.67.
    expect(r.dimensions).toHaveLength(1);
    expect(r.dimensions[0]!.segments.map(segmentKey)).toEqual(['os=iOS']);
    expect(r.dimensions[0]!.surprise).toBeCloseTo(0.026779, 6);
    expect(r.cause && segmentKey(r.cause)).toBe('os=iOS');
  });

  it('scores elements that did not move with EP 0 and the JS term of their shifted share', () => {
    const [android, ios, web] = scoreElements(os, { ratio: false });
    expect(android!.explanatoryPower).toBeCloseTo(0, 12);
    // p = 0.5, q = 50/80 = 0.625: ½ (0.5 log2(1/1.125) + 0.625 log2(1.25/1.125)) = ½ (−0.084963 + 0.095002)
    expect(android!.surprise).toBeCloseTo(0.00502, 5);
    // p = 0.2, q = 0.25: ½ (0.2 log2(0.4/0.45) + 0.25 log2(0.5/0.45)) = ½ (−0.033985 + 0.038000)
    expect(web!.surprise).toBeCloseTo(0.002008, 6);
    // The bystanders' concentration is negative: they moved less than the whole.
    expect(web!.concentration).toBeCloseTo((0 - 0.2) / 0.8, 12);
    expect(ios!.surprise).toBeGreaterThan(android!.surprise);
    const strict = attribute({ expected: 100, actual: 80 }, [os], { minSetExplanatoryPower: 2 });
    expect(strict.dimensions).toHaveLength(0); // no set can explain more than 200%
    expect(strict.segments).toEqual([]);
  });

  const pairCase = (android51Actual: number): DimensionInput[] => [
    { dimensions: ['os'], elements: [el('Android', 70, 50 - 45 + android51Actual), el('iOS', 30, 30)] },
    {
      dimensions: ['app_version'],
      elements: [el('5.2', 40, 20), el('5.1', 60, android51Actual + 15)],
    },
    {
      dimensions: ['os', 'app_version'],
      elements: [
        { values: ['Android', '5.2'], expected: 25, actual: 5 },
        { values: ['Android', '5.1'], expected: 45, actual: android51Actual },
        { values: ['iOS', '5.2'], expected: 15, actual: 15 },
        { values: ['iOS', '5.1'], expected: 15, actual: 15 },
      ],
    },
  ];

  it('ranks the pair first when it explains as much as its marginals but is narrower', () => {
    const r = attribute({ expected: 100, actual: 80 }, pairCase(45));
    expect(r.segments.map(segmentKey).slice(0, 1)).toEqual(['os=Android,app_version=5.2']);
    expect(r.cause?.explanatoryPower).toBe(1);
    // Its concentration: p = 25/100, EP = 1, so (1 − 0.25) / 0.75 = 1 (nothing else moved).
    expect(r.cause?.concentration).toBeCloseTo(1, 12);
    expect(r.segments.map(segmentKey)).toContain('os=Android');
    expect(r.segments.map(segmentKey)).toContain('app_version=5.2');
  });

  it('still prefers the pair when its marginal moved a little more (the pair carries >= 85% of it)', () => {
    const r = attribute({ expected: 100, actual: 79 }, pairCase(44));
    const android = r.segments.find((s) => segmentKey(s) === 'os=Android')!;
    expect(android.explanatoryPower).toBe(1);
    expect(r.cause && segmentKey(r.cause)).toBe('os=Android,app_version=5.2');
    expect(r.cause?.explanatoryPower).toBeCloseTo(20 / 21, 12);
  });

  it('keeps the marginal first when the pair carries only half of its change', () => {
    // Android 5.1 lost 20 as well: the drop is Android's, across versions.
    const r = attribute({ expected: 100, actual: 60 }, pairCase(25));
    expect(r.cause && segmentKey(r.cause)).toBe('os=Android');
    expect(r.cause?.explanatoryPower).toBe(1);
  });

  it('finds no cause when every segment moved in proportion, and says which came closest', () => {
    const scaled: DimensionInput = {
      dimensions: ['os'],
      elements: [el('Android', 50, 45), el('iOS', 30, 27), el('web', 20, 18)],
    };
    const r = attribute({ expected: 100, actual: 90 }, [scaled]);
    expect(r.cause).toBeNull();
    expect(r.segments.length).toBeGreaterThan(0);
    for (const s of r.segments) {
      expect(s.explanatoryPower).toBeCloseTo(s.expectedShare, 12);
      expect(s.concentration).toBeCloseTo(0, 12);
      expect(s.surprise).toBe(0);
    }
  });

  it('attributes a change from nothing expected (a new segment) with a null relative change', () => {
    const via: DimensionInput = {
      dimensions: ['properties.via'],
      elements: [
        { values: [null], expected: 15, actual: 15 },
        { values: ['push_notification'], expected: 0, actual: 16 },
      ],
    };
    const r = attribute({ expected: 15, actual: 31 }, [via]);
    expect(r.cause && segmentKey(r.cause)).toBe('properties.via=push_notification');
    expect(r.cause?.explanatoryPower).toBe(1);
    expect(r.cause?.relativeChange).toBeNull();
    expect(r.cause?.concentration).toBe(1);
    expect(r.cause?.surprise).toBeCloseTo(0.5 * (16 / 31), 12);
    const fromZero = attribute({ expected: 0, actual: 16 }, [
      { dimensions: ['post_id'], elements: [el('p_1', 0, 12), el('p_2', 0, 4)] },
    ]);
    expect(fromZero.relativeChange).toBeNull();
    expect(fromZero.cause && segmentKey(fromZero.cause)).toBe('post_id=p_1');
    expect(fromZero.cause?.explanatoryPower).toBe(0.75);
  });

  it('ranks a new post carrying most of a rise above a version that carries more of it but held most of the traffic', () => {
    // Likes 33 expected, 94 actual (+61). Version 5.2 is spreading: 21 of 33 expected, 77 actual, so
    // EP 56/61 and concentration (56/61 − 21/33) / (1 − 21/33) = 0.775. The new post had nothing
    // expected: EP 53/61 = concentration 0.869. By EP alone 5.2 would come first; by EP × concentration
    // (0.711 against 0.755) the post does, which is the cause a person acts on.
    const r = attribute({ expected: 33, actual: 94 }, [
      { dimensions: ['app_version'], elements: [el('5.2', 21, 77), el('5.1', 12, 17)] },
      { dimensions: ['post_id'], elements: [el('p_new', 0, 53), el('p_old', 33, 41)] },
    ]);
    expect(r.segments.map(segmentKey).slice(0, 2)).toEqual(['post_id=p_new', 'app_version=5.2']);
    expect(r.cause?.explanatoryPower).toBeCloseTo(53 / 61, 12);
    const version = r.segments[1]!;
    expect(version.explanatoryPower).toBeCloseTo(56 / 61, 12);
    expect(version.concentration).toBeCloseTo((56 / 61 - 21 / 33) / (1 - 21 / 33), 12);
  });

  it('never offers the lumped remainder of a large dimension as a cause', () => {
    const r = attribute({ expected: 100, actual: 150 }, [
      {
        dimensions: ['post_id'],
        elements: [el('p_1', 0, 10), { values: ['(other)'], expected: 100, actual: 140, remainder: true }],
      },
    ]);
    expect(r.segments.map(segmentKey)).not.toContain('post_id=(other)');
    expect(r.cause).toBeNull(); // p_1 explains 20% only: below T_EEP on its own
  });

  it('attributes a ratio (CTR) with the derived-measure EP: the ratio change if only the segment moved', () => {
    const r = attribute({ expected: 40, actual: 30, expectedBase: 200, actualBase: 200 }, [
      {
        dimensions: ['os'],
        elements: [
          { values: ['Android'], expected: 20, actual: 10, expectedBase: 100, actualBase: 100 },
          { values: ['iOS'], expected: 20, actual: 20, expectedBase: 100, actualBase: 100 },
        ],
      },
    ]);
    expect(r.expected).toBeCloseTo(0.2, 12);
    expect(r.actual).toBeCloseTo(0.15, 12);
    const android = r.cause!;
    expect(segmentKey(android)).toBe('os=Android');
    // (40 − 10) / 200 − 0.2 = −0.05, the whole change: EP 1; its views share p = 0.5, so concentration 1.
    expect(android.explanatoryPower).toBeCloseTo(1, 12);
    expect(android.expected).toBeCloseTo(0.2, 12);
    expect(android.actual).toBeCloseTo(0.1, 12);
    expect(android.concentration).toBeCloseTo(1, 12);
  });

  it('returns no segments and a warning when there is no change or the ratio has no base', () => {
    const none = attribute({ expected: 10, actual: 10 }, [os]);
    expect(none.segments).toEqual([]);
    expect(none.warnings[0]?.code).toBe('SL_EXPLAIN_NO_CHANGE');
    const noBase = attribute({ expected: 1, actual: 1, expectedBase: 0, actualBase: 0 }, [os]);
    expect(noBase.segments).toEqual([]);
    expect(Number.isNaN(noBase.actual)).toBe(false);
    expect(noBase.warnings[0]?.code).toBe('SL_EXPLAIN_NO_CHANGE');
  });
});
