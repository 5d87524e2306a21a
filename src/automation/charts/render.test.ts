import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dailyForecastInput } from '../../../test/fixtures/charts/samples.ts';
import { isSightlineError } from '../../errors/index.ts';
import { parseFontMetrics } from './font-metrics.ts';
import { DEJAVU_FONTS } from './fonts.ts';
import { forecastChart } from './forecast-chart.ts';
import { chartFormatOf, renderChartFile } from './render-chart.ts';
import { rasterizeSvg, renderPng } from './render-png.ts';
import { renderSvg } from './render-svg.ts';
import { PALETTE } from './theme.ts';

const spec = forecastChart(dailyForecastInput());
const svg = renderSvg(spec, { width: 900, height: 400 });
const image = rasterizeSvg(svg);

/** Width and height from the IHDR chunk, which the PNG format puts first (bytes 16-23, big-endian). */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  expect(String.fromCharCode(...png.subarray(12, 16))).toBe('IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Pixels within `tolerance` (per channel) of a colour, optionally inside a box of the image. */
function countColor(
  img: { width: number; height: number; rgba: Uint8Array },
  hex: string,
  tolerance = 0,
  box = { x0: 0, y0: 0, x1: img.width, y1: img.height },
): number {
  const [r, g, b] = rgb(hex);
  let count = 0;
  for (let y = box.y0; y < box.y1; y++) {
    for (let x = box.x0; x < box.x1; x++) {
      const i = 4 * (y * img.width + x);
      if (
        Math.abs(img.rgba[i]! - r) <= tolerance &&
        Math.abs(img.rgba[i + 1]! - g) <= tolerance &&
        Math.abs(img.rgba[i + 2]! - b) <= tolerance &&
        img.rgba[i + 3] === 255
      ) {
        count++;
      }
    }
  }
  return count;
}

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (error) {
    expect(isSightlineError(error) && error.code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe('renderSvg', () => {
  it('gives byte-identical SVG for the same spec, although zrender numbers each instance', () => {
    const again = renderSvg(spec, { width: 900, height: 400 });
    expect(again).toBe(svg);
    expect(svg).not.toMatch(/\bzr\d+-/);
  });

  it('draws at the size asked, in DejaVu Sans, with the title and legend as text', () => {
    expect(svg).toMatch(/^<svg width="900" height="400"/);
    expect(svg).toContain('font-family:DejaVu Sans');
    for (const text of ['Daily active users', 'forecast starts', '80% interval', '95% interval', 'History']) {
      expect(svg).toContain(`>${text}<`);
    }
  });

  it('lays the legend out with DejaVu Sans widths, so entries neither overlap nor drift apart', () => {
    const regular = parseFontMetrics(readFileSync(DEJAVU_FONTS.regular));
    const textX = (label: string) =>
      Number(new RegExp(`translate\\(([\\d.]+) [\\d.]+\\)" fill="[^"]+">${label}<`).exec(svg)?.[1]);
    // Each entry is a 22 px icon, a 5 px gap, its text, then the 16 px item gap (legend options).
    // zrender's built-in width table would make "Forecast" about 6 px narrower than DejaVu draws it.
    const step = textX('95% interval') - textX('Forecast');
    expect(step).toBeCloseTo(22 + 5 + regular.width('Forecast', 12) + 16, 0);
  });

  it('writes x labels in UTC whatever the time zone of the machine', () => {
    // The history starts at 2024-01-01T00:00Z: its first label is the year, never "Dec 31".
    expect(svg).toContain('>2024<');
    expect(svg).not.toContain('>31<');
  });

  it('gives the same SVG in another time zone (labels and zone-less times are UTC)', () => {
    const saved = process.env.TZ;
    process.env.TZ = 'Pacific/Kiritimati'; // UTC+14: every local date differs from the UTC one
    try {
      expect(new Date(Date.UTC(2024, 0, 1)).getDate()).toBe(1);
      expect(new Date(Date.UTC(2024, 0, 1)).getHours()).toBe(14);
      expect(renderSvg(spec, { width: 900, height: 400 })).toBe(svg);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('different charts get different id prefixes, so several can be inlined in one report', () => {
    const other = renderSvg({ ...spec, title: 'Weekly active users' });
    const prefix = (s: string) => /\b(sl[0-9a-f]{8})-/.exec(s)?.[1];
    expect(prefix(svg)).toBeDefined();
    expect(prefix(other)).not.toBe(prefix(svg));
  });
});

describe('renderPng', () => {
  it('gives byte-identical PNG for the same SVG', () => {
    expect(Buffer.from(renderPng(svg)).equals(Buffer.from(image.png))).toBe(true);
  });

  it('has the chart size in its header, and scale multiplies it', () => {
    expect(pngSize(image.png)).toEqual({ width: 900, height: 400 });
    expect(pngSize(renderPng(svg, { scale: 2 }))).toEqual({ width: 1800, height: 800 });
    expect(image.rgba.length).toBe(900 * 400 * 4);
  });

  it('paints both interval bands in their exact colours, the wider band around the narrower', () => {
    const band95 = countColor(image, PALETTE.band95);
    const band80 = countColor(image, PALETTE.band80);
    // The forecast covers the right sixth of the plot; the bands fill much of it.
    expect(band80).toBeGreaterThan(2_000);
    expect(band95).toBeGreaterThan(1_000);
    // In the plot, neither colour appears left of the forecast origin (about x = 715 at this size)...
    const past = { x0: 90, y0: 100, x1: 700, y1: 370 };
    expect(countColor(image, PALETTE.band95, 0, past)).toBe(0);
    expect(countColor(image, PALETTE.band80, 0, past)).toBe(0);
    // In a column of the forecast, the 95% shade lies both above and below the 80% shade.
    const column = { x0: 800, y0: 100, x1: 801, y1: 370 };
    const rows = (hex: string) =>
      Array.from({ length: 270 }, (_, k) => 100 + k).filter(
        (y) => countColor(image, hex, 0, { ...column, y0: y, y1: y + 1 }) === 1,
      );
    const inner = rows(PALETTE.band80);
    const outer = rows(PALETTE.band95);
    expect(inner.length).toBeGreaterThan(10);
    expect(outer.some((y) => y < inner[0]!)).toBe(true);
    expect(outer.some((y) => y > inner.at(-1)!)).toBe(true);
    // ...and the legend shows a swatch of each.
    const legend = { x0: 0, y0: 55, x1: 450, y1: 85 };
    expect(countColor(image, PALETTE.band95, 0, legend)).toBeGreaterThan(100);
    expect(countColor(image, PALETTE.band80, 0, legend)).toBeGreaterThan(100);
  });

  it('draws the history line and the forecast line in their colours', () => {
    const plot = { x0: 90, y0: 100, x1: 880, y1: 370 };
    expect(countColor(image, PALETTE.history, 24, plot)).toBeGreaterThan(500);
    expect(countColor(image, PALETTE.forecast, 24, plot)).toBeGreaterThan(100);
  });

  it('draws the text: the title area holds dark glyph pixels (no font, no text)', () => {
    const title = { x0: 16, y0: 10, x1: 200, y1: 32 };
    expect(countColor(image, PALETTE.text, 40, title)).toBeGreaterThan(150);
  });

  it('has an opaque white background, so the image reads in a dark-mode mail client', () => {
    expect([...image.rgba.subarray(0, 4)]).toEqual([255, 255, 255, 255]);
  });
});

describe('missing fonts', () => {
  const missing = { ...DEJAVU_FONTS, bold: '/nonexistent/DejaVuSans-Bold.ttf' };

  it('a missing font file is SL_CHART_FONT_MISSING, for the PNG and for the SVG measured with it', () => {
    expectCode(() => renderPng(svg, { fonts: missing }), 'SL_CHART_FONT_MISSING');
    expectCode(() => renderSvg(spec, { fonts: missing }), 'SL_CHART_FONT_MISSING');
  });

  it('after a failed call, rendering with the right fonts still gives the same SVG', () => {
    expect(renderSvg(spec, { width: 900, height: 400 })).toBe(svg);
  });
});

describe('degenerate inputs', () => {
  it('an empty chart (no history, no forecast) still renders its title', () => {
    const empty = renderSvg(forecastChart({ title: 'Nothing yet', history: [], forecast: [] }));
    expect(empty).toContain('>Nothing yet<');
    expect(pngSize(renderPng(empty))).toEqual({ width: 900, height: 400 });
  });

  it('a constant series with zero-width intervals renders, its forecast line flat on the history', () => {
    const flat = forecastChart({
      title: 'Constant',
      history: Array.from({ length: 10 }, (_, i) => ({ t: i, value: 5 })),
      forecast: Array.from({ length: 3 }, (_, k) => ({
        t: 10 + k,
        mean: 5,
        lower: { '80': 5, '95': 5 },
        upper: { '80': 5, '95': 5 },
      })),
    });
    const img = rasterizeSvg(renderSvg(flat));
    expect(countColor(img, PALETTE.history, 24)).toBeGreaterThan(300);
    // Below the header the band has no area (its only pixels are the legend swatch's).
    expect(countColor(img, PALETTE.band95, 0, { x0: 0, y0: 90, x1: img.width, y1: img.height })).toBe(0);
  });
});

describe('renderChartFile', () => {
  it('picks SVG or PNG from the file name', () => {
    expect(chartFormatOf('out/forecast.SVG')).toBe('svg');
    expect(chartFormatOf('forecast.png')).toBe('png');
    expect(chartFormatOf('forecast.jpg')).toBeUndefined();
    expect(new TextDecoder().decode(renderChartFile(spec, 'a.svg', { width: 900, height: 400 }))).toBe(svg);
    expect(Buffer.from(renderChartFile(spec, 'a.png', { width: 900, height: 400 })).equals(image.png)).toBe(
      true,
    );
  });

  it('a file name that is neither .svg nor .png is SL_USAGE', () => {
    expectCode(() => renderChartFile(spec, 'forecast.pdf'), 'SL_USAGE');
  });
});
