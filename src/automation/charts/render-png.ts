import { Resvg } from '@resvg/resvg-js';
import { type ChartFonts, checkedFontFiles, DEJAVU_FONTS } from './fonts.ts';
import { FONT_FAMILY } from './theme.ts';

export interface PngOptions {
  /** Pixel density: 2 gives a 1800×800 image for a 900×400 chart (sharp on high-DPI screens). */
  scale?: number;
  fonts?: ChartFonts;
}

export interface RasterImage {
  width: number;
  height: number;
  /** Straight RGBA, 4 bytes per pixel, row by row from the top left. */
  rgba: Uint8Array;
  png: Uint8Array;
}

/**
 * Returns the SVG drawn by resvg, as PNG bytes and raw pixels. Only the chart font files are loaded
 * (system fonts off, DejaVu Sans as the default family), so the image is the same on any machine with
 * those files; a missing one is SL_CHART_FONT_MISSING.
 */
export function rasterizeSvg(svg: string, options: PngOptions = {}): RasterImage {
  const fontFiles = checkedFontFiles(options.fonts ?? DEJAVU_FONTS);
  const scale = options.scale ?? 1;
  const resvg = new Resvg(svg, {
    font: {
      fontFiles,
      loadSystemFonts: false,
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
    fitTo: scale === 1 ? { mode: 'original' } : { mode: 'zoom', value: scale },
    logLevel: 'off',
  });
  const image = resvg.render();
  return { width: image.width, height: image.height, rgba: image.pixels, png: image.asPng() };
}

/** Returns the SVG as PNG bytes (see rasterizeSvg). */
export function renderPng(svg: string, options: PngOptions = {}): Uint8Array {
  return rasterizeSvg(svg, options).png;
}
