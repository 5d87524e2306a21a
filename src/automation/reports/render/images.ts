import type { ChartImage } from '../../channels/channel.ts';
import { renderPng } from '../../charts/render-png.ts';
import { renderSvg } from '../../charts/render-svg.ts';
import type { ReportDocument } from '../document.ts';

/** A chart block's size at scale 1 when it gives none (document.ts). */
export const CHART_SIZE = { width: 800, height: 360 } as const;

/**
 * Pixel density of the PNGs: an 800 × 360 chart is a 1600 × 720 image, sharp on phone screens (2–3×
 * density) where Telegram and mail apps show it at the chart's width.
 */
export const PNG_SCALE = 2;

/**
 * Returns every chart block of the document drawn once, in block order, named `chart-1.png`,
 * `chart-2.png`, …: the SVG at the block's size (default 800 × 360) and the PNG at twice that many
 * pixels. `width`/`height` are the scale-1 size, the size to show it at (an e-mail's `<img width>`).
 * The same document gives the same bytes (charts/README.md: deterministic images). Yields to the event
 * loop between charts, so a server rendering a report keeps answering requests.
 */
export async function renderChartImages(document: ReportDocument): Promise<ChartImage[]> {
  const images: ChartImage[] = [];
  for (const [blockIndex, block] of document.blocks.entries()) {
    if (block.kind !== 'chart') continue;
    const width = block.width ?? CHART_SIZE.width;
    const height = block.height ?? CHART_SIZE.height;
    const svg = renderSvg(block.chart, { width, height });
    const png = renderPng(svg, { scale: PNG_SCALE });
    images.push({
      blockIndex,
      filename: `chart-${images.length + 1}.png`,
      png,
      svg,
      width,
      height,
      title: block.title,
      alt: block.alt,
    });
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return images;
}
