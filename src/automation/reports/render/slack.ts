import type { ReportBlock, ReportDocument } from '../document.ts';
import {
  ALERT_STATUS,
  alertLines,
  metricChanges,
  metricTone,
  metricValue,
  TONE_SLACK,
  tableLines,
} from './parts.ts';

/** Block Kit limits (api.slack.com/reference/block-kit): blocks per message, characters per field. */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  field: 2000,
  fieldsPerSection: 10,
  header: 150,
  imageAlt: 2000,
  imageTitle: 2000,
} as const;

export type SlackText =
  | { type: 'mrkdwn'; text: string }
  | { type: 'plain_text'; text: string; emoji?: boolean };

export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: boolean } }
  | { type: 'section'; text: SlackText }
  | { type: 'section'; fields: SlackText[] }
  | {
      type: 'image';
      image_url: string;
      alt_text: string;
      title: { type: 'plain_text'; text: string; emoji: boolean };
    }
  | { type: 'context'; elements: SlackText[] }
  | { type: 'divider' };

export interface SlackMessage {
  /** The notification and fallback text (plain, escaped): the title and the period. */
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

/**
 * Escapes text for mrkdwn: `&`, `<` and `>` become entities, the three characters Slack's docs say to
 * escape ("Escaping text": they start links and mentions); nothing else has an escape in mrkdwn.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Returns the document as a Slack message: a header with the title (and the alert's status), the
 * period and project in a context line, then per block: headings in bold, summary sentences and
 * paragraphs behind a circle of their tone, metrics as fields (label, value, signed changes), tables
 * as a code block, and charts as image blocks when `imageUrls` has their file (`chart-1.png`) — Slack
 * fetches images by URL — else as a context line with the chart's alt text. Section texts over 3,000
 * characters are split at lines; past 50 blocks the rest is left out with a note that says how many.
 */
export function renderSlack(document: ReportDocument, imageUrls: ReadonlyMap<string, string>): SlackMessage {
  const blocks: SlackBlock[] = [];
  const status = document.alert ? ALERT_STATUS[document.alert.status] : undefined;
  const title = status ? `${status.emoji} ${status.label}: ${document.title}` : document.title;
  blocks.push({
    type: 'header',
    text: { type: 'plain_text', text: clip(title, SLACK_LIMITS.header), emoji: true },
  });
  const context = [document.subtitle, document.project].filter((t): t is string => Boolean(t));
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(context.join(' · ')) }] });
  if (document.alert) blocks.push(...sections(alertLines(document.alert).map((l) => `• ${escapeMrkdwn(l)}`)));

  let chart = 0;
  for (const block of document.blocks) {
    const url = block.kind === 'chart' ? imageUrls.get(`chart-${++chart}.png`) : undefined;
    blocks.push(...blockOf(block, url));
  }
  if (document.url) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `<${linkUrl(document.url)}|Open in Sightline>` },
    });
  }
  const text = escapeMrkdwn([title, document.subtitle].filter(Boolean).join(' · '));
  return { text, blocks: withinBlockLimit(blocks, document.url) };
}

function blockOf(block: ReportBlock, imageUrl: string | undefined): SlackBlock[] {
  switch (block.kind) {
    case 'heading':
      return sections([`*${escapeMrkdwn(block.text)}*`]);
    case 'summary':
      return sections(block.sentences.map((s) => `${TONE_SLACK[s.tone]} ${escapeMrkdwn(s.text)}`));
    case 'metrics': {
      const out: SlackBlock[] = block.title ? sections([`*${escapeMrkdwn(block.title)}*`]) : [];
      const fields = block.items.map((item): SlackText => {
        const changes = metricChanges(item, block.period).map((c) => escapeMrkdwn(c.text));
        const lines = [
          `${TONE_SLACK[metricTone(item, block.period)]} *${escapeMrkdwn(item.label)}*`,
          escapeMrkdwn(metricValue(item)),
        ];
        if (changes.length > 0) lines.push(changes.join(' · '));
        return { type: 'mrkdwn', text: clip(lines.join('\n'), SLACK_LIMITS.field) };
      });
      for (let i = 0; i < fields.length; i += SLACK_LIMITS.fieldsPerSection) {
        out.push({ type: 'section', fields: fields.slice(i, i + SLACK_LIMITS.fieldsPerSection) });
      }
      return out;
    }
    case 'chart':
      if (imageUrl !== undefined) {
        return [
          {
            type: 'image',
            image_url: imageUrl,
            alt_text: clip(block.alt, SLACK_LIMITS.imageAlt),
            title: { type: 'plain_text', text: clip(block.title, SLACK_LIMITS.imageTitle), emoji: true },
          },
        ];
      }
      return [
        {
          type: 'context',
          elements: [
            {
              type: 'mrkdwn',
              text: clip(
                `:bar_chart: *${escapeMrkdwn(block.title)}*: ${escapeMrkdwn(block.alt)}`,
                SLACK_LIMITS.sectionText,
              ),
            },
          ],
        },
      ];
    case 'table': {
      const head = block.title ? [`*${escapeMrkdwn(block.title)}*`] : [];
      // One code block per section: a table split over sections is reopened in each.
      const rows = tableLines(block).map(escapeMrkdwn);
      const out = sections(head);
      for (const part of packLines(rows, SLACK_LIMITS.sectionText - 8)) {
        out.push({ type: 'section', text: { type: 'mrkdwn', text: `\`\`\`\n${part.join('\n')}\n\`\`\`` } });
      }
      return out;
    }
    case 'paragraph': {
      const tone = block.tone && block.tone !== 'neutral' ? `${TONE_SLACK[block.tone]} ` : '';
      return sections([`${tone}${escapeMrkdwn(block.text)}`]);
    }
  }
}

/** Lines as mrkdwn sections of at most 3,000 characters, split between lines (a longer line is cut). */
function sections(lines: readonly string[]): SlackBlock[] {
  if (lines.length === 0) return [];
  return packLines(lines, SLACK_LIMITS.sectionText).map((part) => ({
    type: 'section',
    text: { type: 'mrkdwn', text: part.join('\n') },
  }));
}

function packLines(lines: readonly string[], limit: number): string[][] {
  const parts: string[][] = [];
  let part: string[] = [];
  let length = 0;
  for (const raw of lines) {
    const line = clip(raw, limit);
    if (part.length > 0 && length + 1 + line.length > limit) {
      parts.push(part);
      part = [];
      length = 0;
    }
    length += (part.length > 0 ? 1 : 0) + line.length;
    part.push(line);
  }
  if (part.length > 0) parts.push(part);
  return parts;
}

/**
 * Text cut to `limit` characters with an ellipsis, never inside an `&amp;`-style entity or a
 * surrogate pair (an emoji split in two is not valid text).
 */
export function clip(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let at = limit - 1;
  const amp = text.lastIndexOf('&', at);
  if (amp >= 0 && /^&(amp|lt|gt);/.test(text.slice(amp)) && text.indexOf(';', amp) >= at) at = amp;
  const code = text.charCodeAt(at - 1);
  if (code >= 0xd800 && code <= 0xdbff) at--;
  return `${text.slice(0, at)}…`;
}

/** A link's URL inside `<…|…>`: the characters that would end it are percent-encoded. */
function linkUrl(url: string): string {
  return url.replace(/[<>|]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** At most 50 blocks: the first 49 and a context line saying how many were left out and where to read them. */
function withinBlockLimit(blocks: SlackBlock[], url: string | undefined): SlackBlock[] {
  if (blocks.length <= SLACK_LIMITS.blocks) return blocks;
  const kept = blocks.slice(0, SLACK_LIMITS.blocks - 1);
  const left = blocks.length - kept.length;
  const where = url ? ` <${linkUrl(url)}|Open the full report>.` : ' See the full report in Sightline.';
  kept.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `${left} more block${left === 1 ? '' : 's'} left out (Slack shows at most ${SLACK_LIMITS.blocks}).${where}`,
      },
    ],
  });
  return kept;
}
