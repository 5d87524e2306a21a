import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cssFontMeasurer, parseFontMetrics } from './font-metrics.ts';
import { DEJAVU_FONTS } from './fonts.ts';

const FIXTURE = path.resolve(import.meta.dirname, '../../../test/fixtures/charts/dejavu-advance-widths.json');
const reference = JSON.parse(readFileSync(FIXTURE, 'utf8')) as {
  samples: string[];
  widthsEm: { regular: number[]; bold: number[] };
};

const regular = parseFontMetrics(readFileSync(DEJAVU_FONTS.regular));
const bold = parseFontMetrics(readFileSync(DEJAVU_FONTS.bold));

describe('font metrics', () => {
  it('advance widths of DejaVu Sans agree with fontTools to 1e-9 em (the same integers, divided the same way)', () => {
    reference.samples.forEach((text, i) => {
      expect(regular.width(text, 1)).toBeCloseTo(reference.widthsEm.regular[i]!, 9);
      expect(bold.width(text, 1)).toBeCloseTo(reference.widthsEm.bold[i]!, 9);
    });
  });

  it('widths scale with the font size', () => {
    expect(regular.width('1,200 ms', 12)).toBeCloseTo(12 * regular.width('1,200 ms', 1), 9);
  });

  it('the CSS font string zrender builds picks the size and the weight', () => {
    const measure = cssFontMeasurer(regular, bold);
    expect(measure('Daily active users', 'bold 18px DejaVu Sans').width).toBeCloseTo(
      bold.width('Daily active users', 18),
      9,
    );
    expect(measure('Daily active users', 'normal normal 12px DejaVu Sans').width).toBeCloseTo(
      regular.width('Daily active users', 12),
      9,
    );
    expect(measure('x', 'normal 600 12px DejaVu Sans').width).toBeCloseTo(bold.width('x', 12), 9);
    expect(measure('x').width).toBeCloseTo(regular.width('x', 12), 9);
  });

  it('a character the font lacks takes the missing-glyph width instead of failing', () => {
    const missing = regular.width('\u{1F600}', 1);
    expect(Number.isFinite(missing)).toBe(true);
    expect(missing).toBeGreaterThan(0);
  });
});
