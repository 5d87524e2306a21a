import type { ChartImage } from '../../channels/channel.ts';
import type { ReportBlock, ReportDocument, Tone } from '../document.ts';
import {
  alertHeading,
  alertLines,
  imageFor,
  metricChanges,
  metricTone,
  metricValue,
  TONE_EMOJI,
  tableLines,
} from './parts.ts';
import { type Section, splitMessages, type Unit } from './telegram-split.ts';

/** Bot API limits: a message's text, and a photo's caption (both after entities are parsed). */
export const TELEGRAM_MESSAGE_LIMIT = 4096;
export const TELEGRAM_CAPTION_LIMIT = 1024;

/** What a Telegram channel sends: the texts in order, then one photo per chart with its caption. */
export interface TelegramPlan {
  /** MarkdownV2 (`parse_mode: 'MarkdownV2'`), each at most 4,096 characters. */
  readonly messages: readonly string[];
  /** In chart order; `filename` names the `ChartImage` whose PNG is sent. Captions are MarkdownV2, ≤ 1,024. */
  readonly photos: readonly { readonly filename: string; readonly caption: string }[];
}

/**
 * Escapes text for MarkdownV2 outside code: every one of `_*[]()~\`>#+-=|{}.!` and the backslash
 * itself takes a backslash (Bot API, "MarkdownV2 style": these must be escaped everywhere else, and any
 * character 1–126 may be).
 */
export function escapeMarkdownV2(text: string): string {
  return text.replace(/[_*[\]()~`>#+\-=|{}.!\\]/g, '\\$&');
}

/** Escapes text inside a `pre` or `code` entity, where only ` and \ are escaped (Bot API). */
export function escapeMarkdownV2Code(text: string): string {
  return text.replace(/[`\\]/g, '\\$&');
}

/** Escapes the URL of an inline link, where only ) and \ are escaped (Bot API). */
export function escapeMarkdownV2Url(url: string): string {
  return url.replace(/[)\\]/g, '\\$&');
}

const line = (text: string): Unit => ({ text, pre: false });
const bold = (text: string) => `*${escapeMarkdownV2(text)}*`;
const toned = (tone: Tone | undefined, text: string) =>
  tone === undefined ? escapeMarkdownV2(text) : `${TONE_EMOJI[tone]} ${escapeMarkdownV2(text)}`;

/**
 * Returns the document as Telegram messages and photos. The text has the title in bold, the period
 * in italics, each block a blank line apart: summary sentences and paragraphs behind a circle of their
 * tone, metrics as `🟢 *Label*: value` over their signed changes (`▲ +6.2% (+1,234) d/d`), tables in a
 * code block (monospace columns), alerts headed by their status with one line per alert. A chart drawn
 * in `images` goes out as a photo whose caption is its title and alt text (the text names it in
 * italics where it stands); one that is not is written into the text as its alt text, so nothing the
 * document says is lost. Long texts are split between
 * blocks, then lines (telegram-split.ts).
 */
export function renderTelegram(document: ReportDocument, images: readonly ChartImage[]): TelegramPlan {
  const sections: Section[] = [headerSection(document)];
  document.blocks.forEach((block, index) => {
    const section = blockSection(block, imageFor(images, index) !== undefined);
    if (section.length > 0) sections.push(section);
  });
  if (document.url) {
    sections.push([line(`[Open in Sightline](${escapeMarkdownV2Url(document.url)})`)]);
  }
  const photos = images.map((image) => ({
    filename: image.filename,
    caption: caption(image.title, image.alt),
  }));
  return { messages: splitMessages(sections, TELEGRAM_MESSAGE_LIMIT), photos };
}

function headerSection(document: ReportDocument): Section {
  const units: Unit[] = [];
  if (document.alert) {
    const heading = alertHeading(document.alert, document.title);
    units.push(line(`${heading.emoji} ${bold(heading.text)}`));
  } else {
    units.push(line(bold(document.title)));
  }
  if (document.subtitle) units.push(line(`_${escapeMarkdownV2(document.subtitle)}_`));
  if (document.alert) {
    for (const text of alertLines(document.alert)) units.push(line(escapeMarkdownV2(`• ${text}`)));
  }
  return units;
}

function blockSection(block: ReportBlock, hasImage: boolean): Unit[] {
  switch (block.kind) {
    case 'heading':
      return [line(bold(block.text))];
    case 'summary':
      return block.sentences.map((s) => line(toned(s.tone, s.text)));
    case 'metrics': {
      const units = block.title ? [line(bold(block.title))] : [];
      for (const item of block.items) {
        units.push(
          line(
            `${TONE_EMOJI[metricTone(item, block.period)]} ${bold(item.label)}: ${escapeMarkdownV2(metricValue(item))}`,
          ),
        );
        const changes = metricChanges(item, block.period).map((c) => c.text);
        if (changes.length > 0) units.push(line(`      ${escapeMarkdownV2(changes.join(' · '))}`));
      }
      return units;
    }
    case 'chart':
      // A drawn chart goes out as a photo with its caption; the text says where it stands. One not
      // drawn is written out as its alt text.
      return hasImage
        ? [line(`📈 _${escapeMarkdownV2(block.title)}_`)]
        : [line(`📈 ${bold(block.title)}: ${escapeMarkdownV2(block.alt)}`)];
    case 'table': {
      const units = block.title ? [line(bold(block.title))] : [];
      for (const text of tableLines(block)) units.push({ text: escapeMarkdownV2Code(text), pre: true });
      return units;
    }
    case 'paragraph':
      return [line(toned(block.tone === 'neutral' ? undefined : block.tone, block.text))];
  }
}

/**
 * A photo's caption: the chart's title in bold and its alt text, the alt text shortened (before
 * escaping, so no escape is cut) with an ellipsis until the escaped caption fits 1,024 characters.
 */
function caption(title: string, alt: string): string {
  const build = (text: string) => `${bold(title)}\n${escapeMarkdownV2(text)}`;
  let text = alt;
  let result = build(text);
  while (result.length > TELEGRAM_CAPTION_LIMIT && text.length > 0) {
    const over = result.length - TELEGRAM_CAPTION_LIMIT;
    text = text.slice(0, Math.max(0, text.length - Math.max(1, Math.ceil(over / 2)) - 1));
    result = build(`${text}…`);
  }
  return result.length <= TELEGRAM_CAPTION_LIMIT ? result : bold(title.slice(0, 500));
}
