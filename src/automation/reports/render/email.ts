import type { ChartImage } from '../../channels/channel.ts';
import type { ReportDocument } from '../document.ts';
import { blocksHtml, chartFallbackHtml, escapeHtml, footerHtml, headerHtml } from './html-blocks.ts';
import { ALERT_STATUS, alertLines, imageFor, metricChanges, metricValue, tableLines } from './parts.ts';

export interface RenderedEmail {
  readonly subject: string;
  /** The HTML part: tables and inline styles, no script, charts as `cid:` images. */
  readonly html: string;
  /** The plain-text alternative, for clients that show no HTML and for screen readers. */
  readonly text: string;
  /** The charts' PNGs, inline (`Content-ID` = the file name, which `cid:` in the HTML names). */
  readonly attachments: readonly {
    readonly filename: string;
    readonly content: Buffer;
    readonly cid: string;
    readonly contentType: string;
  }[];
}

/** The content width mail clients are designed for (600–640 px reads on desktop and phone alike). */
const WIDTH = 640;

/**
 * Returns the document as an e-mail: the subject (`[FIRING] title` for an alert, `title — period` for a
 * report), an HTML body built from tables with inline styles (html-blocks.ts) in a 640 px column, each
 * chart as an `<img src="cid:chart-1.png">` at its scale-1 width (the PNG has twice the pixels), its alt
 * text as `alt`; a plain-text alternative saying the same; and the PNGs as inline attachments. A chart
 * not drawn is shown as its alt text.
 */
export function renderEmail(document: ReportDocument, images: readonly ChartImage[]): RenderedEmail {
  const status = document.alert ? ALERT_STATUS[document.alert.status] : undefined;
  const subject = status
    ? `[${status.label}] ${document.title}`
    : document.subtitle
      ? `${document.title} — ${document.subtitle}`
      : document.title;
  const blocks = blocksHtml(document, images, (image, block) => {
    if (image === undefined) return chartFallbackHtml(block);
    const width = Math.min(image.width, WIDTH - 32);
    const height = Math.round((image.height * width) / image.width);
    return `<img src="cid:${escapeHtml(image.filename)}" width="${width}" height="${height}" alt="${escapeHtml(image.alt)}" style="display:block;width:100%;max-width:${width}px;height:auto;border:0">`;
  });
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:0;background:#f1f5f9">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f1f5f9"><tr><td align="center" style="padding:16px 8px">
<table role="presentation" width="${WIDTH}" cellpadding="0" cellspacing="0" style="width:100%;max-width:${WIDTH}px;background:#ffffff;border-radius:6px"><tr><td style="padding:24px 16px">
${headerHtml(document)}
${blocks.join('\n')}
${footerHtml(document)}
</td></tr></table>
</td></tr></table>
</body></html>
`;
  const attachments = images.map((image) => ({
    filename: image.filename,
    content: Buffer.from(image.png),
    cid: image.filename,
    contentType: 'image/png',
  }));
  return { subject, html, text: plainText(document, images), attachments };
}

/** The plain-text part: the same content as the HTML, tables in aligned columns, charts by their alt text. */
export function plainText(document: ReportDocument, images: readonly ChartImage[]): string {
  const out: string[] = [];
  const status = document.alert ? ALERT_STATUS[document.alert.status] : undefined;
  out.push(status ? `${status.label}: ${document.title}` : document.title);
  const sub = [document.subtitle, document.project].filter(Boolean).join(' · ');
  if (sub) out.push(sub);
  if (document.alert) out.push(...alertLines(document.alert).map((l) => `- ${l}`));
  document.blocks.forEach((block, index) => {
    out.push('');
    switch (block.kind) {
      case 'heading':
        out.push(block.text.toUpperCase());
        break;
      case 'summary':
        out.push(...block.sentences.map((s) => `- ${s.text}`));
        break;
      case 'metrics':
        if (block.title) out.push(block.title);
        for (const item of block.items) {
          const changes = metricChanges(item, block.period).map((c) => c.text);
          out.push(`${item.label}: ${metricValue(item)}${changes.length ? ` (${changes.join(', ')})` : ''}`);
        }
        break;
      case 'chart': {
        const image = imageFor(images, index);
        out.push(`${block.title}${image ? ` [${image.filename}]` : ''}: ${block.alt}`);
        break;
      }
      case 'table':
        if (block.title) out.push(block.title);
        out.push(...tableLines(block));
        break;
      case 'paragraph':
        out.push(block.text);
        break;
    }
  });
  if (document.url) out.push('', `Open in Sightline: ${document.url}`);
  return `${out.join('\n')}\n`;
}
