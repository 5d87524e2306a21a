/**
 * A document's blocks as HTML with every style inline, shared by the e-mail and the standalone page.
 * Mail clients drop `<style>` elements and external sheets (Gmail keeps inline styles only), and lay
 * out tables more reliably than divs or flexbox, so metrics are table cells and nothing needs a script.
 */
import type { ChartImage } from '../../channels/channel.ts';
import type { ReportBlock, ReportDocument, Tone } from '../document.ts';
import {
  ALERT_STATUS,
  alertLines,
  alignRight,
  cellText,
  imageFor,
  metricChanges,
  metricValue,
} from './parts.ts';

/** Escapes text for HTML content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export const TONE_COLOR: Readonly<Record<Tone, string>> = {
  good: '#15803d',
  bad: '#b91c1c',
  warning: '#b45309',
  neutral: '#475569',
};

const FONT = "font-family:-apple-system,'Segoe UI',Roboto,'DejaVu Sans',Arial,sans-serif";
const TEXT = '#0f172a';
const MUTED = '#475569';
const RULE = '#e2e8f0';

/** How a chart block is drawn: an `<img>` of its PNG (e-mail) or its SVG inline (the page). */
export function chartFallbackHtml(block: Extract<ReportBlock, { kind: 'chart' }>): string {
  return `<div style="${FONT};font-size:14px;font-weight:bold;color:${TEXT};margin:0 0 6px">${escapeHtml(block.title)}</div><p style="${FONT};font-size:13px;color:${MUTED};margin:0">${escapeHtml(block.alt)}</p>`;
}

export type ChartHtml = (
  image: ChartImage | undefined,
  block: Extract<ReportBlock, { kind: 'chart' }>,
) => string;

/** The header: the alert's status when it is one, the title, the period and the project. */
export function headerHtml(document: ReportDocument): string {
  const status = document.alert ? ALERT_STATUS[document.alert.status] : undefined;
  const badge = status
    ? `<div style="${FONT};font-size:13px;font-weight:bold;color:${document.alert?.status === 'resolved' ? TONE_COLOR.good : TONE_COLOR.bad};margin:0 0 4px">${status.emoji} ${escapeHtml(status.label)}</div>`
    : '';
  const subtitle = [document.subtitle, document.project].filter((t): t is string => Boolean(t)).join(' · ');
  const alerts = document.alert
    ? `<ul style="${FONT};font-size:14px;color:${TEXT};margin:8px 0 0;padding-left:20px">${alertLines(
        document.alert,
      )
        .map((l) => `<li>${escapeHtml(l)}</li>`)
        .join('')}</ul>`
    : '';
  return `${badge}<h1 style="${FONT};font-size:22px;line-height:1.3;color:${TEXT};margin:0">${escapeHtml(document.title)}</h1><p style="${FONT};font-size:13px;color:${MUTED};margin:4px 0 0">${escapeHtml(subtitle)}</p>${alerts}`;
}

/** Every block in order, each its own HTML fragment (the page wraps each in a section). */
export function blocksHtml(
  document: ReportDocument,
  images: readonly ChartImage[],
  chart: ChartHtml,
): string[] {
  return document.blocks.map((block, index) =>
    blockHtml(block, block.kind === 'chart' ? chart(imageFor(images, index), block) : ''),
  );
}

function blockHtml(block: ReportBlock, chartHtml: string): string {
  switch (block.kind) {
    case 'heading':
      return `<h2 style="${FONT};font-size:17px;color:${TEXT};margin:24px 0 8px;padding-bottom:4px;border-bottom:1px solid ${RULE}">${escapeHtml(block.text)}</h2>`;
    case 'summary':
      return `<ul style="${FONT};font-size:14px;line-height:1.5;color:${TEXT};margin:12px 0;padding-left:20px">${block.sentences
        .map(
          (s) =>
            `<li style="margin:0 0 4px"><span style="color:${TONE_COLOR[s.tone]}">●</span> ${escapeHtml(s.text)}</li>`,
        )
        .join('')}</ul>`;
    case 'metrics':
      return metricsHtml(block);
    case 'chart':
      // A drawn chart carries its title in the picture; `chartHtml` adds it only to an alt-text fallback.
      return `<div style="margin:16px 0">${chartHtml}</div>`;
    case 'table':
      return tableHtml(block);
    case 'paragraph': {
      const color = block.tone ? TONE_COLOR[block.tone] : TEXT;
      return `<p style="${FONT};font-size:14px;line-height:1.5;color:${color};margin:12px 0">${escapeHtml(block.text)}</p>`;
    }
  }
}

/** Metric tiles, three to a row, as table cells: label, value, then each change in its tone's colour. */
function metricsHtml(block: Extract<ReportBlock, { kind: 'metrics' }>): string {
  const title = block.title
    ? `<div style="${FONT};font-size:14px;font-weight:bold;color:${TEXT};margin:16px 0 6px">${escapeHtml(block.title)}</div>`
    : '';
  const cells = block.items.map((item) => {
    const changes = metricChanges(item, block.period)
      .map(
        (c) => `<div style="${FONT};font-size:12px;color:${TONE_COLOR[c.tone]}">${escapeHtml(c.text)}</div>`,
      )
      .join('');
    return `<td valign="top" width="33%" style="padding:10px;border:1px solid ${RULE}"><div style="${FONT};font-size:12px;color:${MUTED}">${escapeHtml(item.label)}</div><div style="${FONT};font-size:22px;font-weight:bold;color:${TEXT};margin:2px 0">${escapeHtml(metricValue(item))}</div>${changes}</td>`;
  });
  const rows: string[] = [];
  for (let i = 0; i < cells.length; i += 3) {
    const row = cells.slice(i, i + 3);
    while (row.length < 3 && cells.length > 3) row.push('<td width="33%"></td>');
    rows.push(`<tr>${row.join('')}</tr>`);
  }
  return `${title}<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;margin:8px 0">${rows.join('')}</table>`;
}

function tableHtml(block: Extract<ReportBlock, { kind: 'table' }>): string {
  const title = block.title
    ? `<div style="${FONT};font-size:14px;font-weight:bold;color:${TEXT};margin:16px 0 6px">${escapeHtml(block.title)}</div>`
    : '';
  const align = (right: boolean) => `text-align:${right ? 'right' : 'left'}`;
  const head = block.columns
    .map(
      (c) =>
        `<th style="${FONT};font-size:12px;color:${MUTED};${align(alignRight(c))};padding:6px 8px;border-bottom:2px solid ${RULE}">${escapeHtml(c.label)}</th>`,
    )
    .join('');
  const rows = block.rows
    .map(
      (row) =>
        `<tr>${block.columns
          .map(
            (c) =>
              `<td style="${FONT};font-size:13px;color:${TEXT};${align(alignRight(c))};padding:6px 8px;border-bottom:1px solid ${RULE}">${escapeHtml(cellText(row[c.key], c))}</td>`,
          )
          .join('')}</tr>`,
    )
    .join('');
  const more = block.omitted
    ? `<div style="${FONT};font-size:12px;color:${MUTED};margin:4px 0">and ${block.omitted} more</div>`
    : '';
  return `${title}<table width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;margin:8px 0"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>${more}`;
}

/** The link to the dashboard, when the document has one. */
export function footerHtml(document: ReportDocument): string {
  const link = document.url
    ? `<a href="${escapeHtml(document.url)}" style="color:#2563eb">Open in Sightline</a> · `
    : '';
  return `<p style="${FONT};font-size:12px;color:${MUTED};margin:24px 0 0;padding-top:8px;border-top:1px solid ${RULE}">${link}Generated ${escapeHtml(document.generatedAt.slice(0, 16).replace('T', ' '))} UTC by Sightline</p>`;
}
