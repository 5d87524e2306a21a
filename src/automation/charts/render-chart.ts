import { SightlineError } from '../../errors/index.ts';
import type { ChartFonts } from './fonts.ts';
import { renderPng } from './render-png.ts';
import { renderSvg } from './render-svg.ts';
import type { ChartSpec } from './spec.ts';

export type ChartFormat = 'svg' | 'png';

export interface ChartFileOptions {
  width?: number;
  height?: number;
  /** PNG pixel density (ignored for SVG). */
  scale?: number;
  fonts?: ChartFonts;
}

/** Returns the format a chart file name asks for, from its extension (case-insensitive), or undefined. */
export function chartFormatOf(file: string): ChartFormat | undefined {
  const match = /\.(svg|png)$/i.exec(file);
  return match ? (match[1]!.toLowerCase() as ChartFormat) : undefined;
}

/**
 * Returns the bytes of a chart file (`--chart FILE`, report attachments): UTF-8 SVG or PNG. A file name
 * that is neither `.svg` nor `.png` is SL_USAGE, naming both.
 */
export function renderChartFile(spec: ChartSpec, file: string, options: ChartFileOptions = {}): Uint8Array {
  const format = chartFormatOf(file);
  if (format === undefined) {
    throw new SightlineError('SL_USAGE', `chart file ${file} must end in .svg or .png`, {
      hint: 'name the chart file with a .svg or .png extension',
    });
  }
  const svg = renderSvg(spec, options);
  return format === 'svg' ? new TextEncoder().encode(svg) : renderPng(svg, options);
}
