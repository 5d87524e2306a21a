import type { ChartImage } from '../../channels/channel.ts';
import type { ReportDocument } from '../document.ts';
import { blocksHtml, chartFallbackHtml, escapeHtml, footerHtml, headerHtml } from './html-blocks.ts';

/**
 * Returns the document as one standalone HTML page: styles inline, each chart's SVG inline (sharp at
 * any zoom, selectable text, nothing to fetch), so the file opens offline and prints as the PDF. The
 * SVGs' ids carry a prefix per picture (charts/render-svg.ts), so several inline charts do not clash.
 * A print rule keeps a chart or table from being cut across pages. A chart not drawn shows its alt text.
 */
export function renderHtmlPage(document: ReportDocument, images: readonly ChartImage[]): string {
  const blocks = blocksHtml(document, images, (image, block) =>
    image === undefined
      ? chartFallbackHtml(block)
      : `<figure role="img" aria-label="${escapeHtml(image.alt)}" style="margin:0;max-width:100%;overflow:hidden">${responsiveSvg(image.svg)}</figure>`,
  );
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="generator" content="Sightline">
<title>${escapeHtml(document.subtitle ? `${document.title} — ${document.subtitle}` : document.title)}</title>
<style>@page{size:A4;margin:14mm}@media print{body{background:#fff!important}.block{break-inside:avoid}}</style>
</head>
<body style="margin:0;padding:0;background:#f1f5f9">
<main style="max-width:880px;margin:0 auto;padding:24px 16px;background:#ffffff">
<header>${headerHtml(document)}</header>
${blocks.map((b) => `<section class="block">${b}</section>`).join('\n')}
<footer>${footerHtml(document)}</footer>
</main>
</body>
</html>
`;
}

/**
 * The SVG scaled to its container: ECharts writes fixed `width`/`height`; a viewBox of that size and a
 * 100% width let it shrink on a narrow screen or page while keeping its proportions.
 */
function responsiveSvg(svg: string): string {
  return svg.replace(
    /^<svg width="(\d+(?:\.\d+)?)" height="(\d+(?:\.\d+)?)"/,
    (_, w: string, h: string) =>
      `<svg width="100%" viewBox="0 0 ${w} ${h}" style="max-width:${w}px;height:auto;display:block"`,
  );
}
