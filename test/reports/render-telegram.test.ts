import { beforeAll, describe, expect, it } from 'vitest';
import type { ChartImage } from '../../src/automation/channels/channel.ts';
import type { ReportBlock, ReportDocument } from '../../src/automation/reports/document.ts';
import { renderChartImages } from '../../src/automation/reports/render/images.ts';
import {
  escapeMarkdownV2,
  escapeMarkdownV2Code,
  escapeMarkdownV2Url,
  renderTelegram,
  TELEGRAM_CAPTION_LIMIT,
  TELEGRAM_MESSAGE_LIMIT,
} from '../../src/automation/reports/render/telegram.ts';
import { alertDocument, reportDocument } from './render-fixtures.ts';

let images: ChartImage[] = [];
beforeAll(async () => {
  images = await renderChartImages(reportDocument);
});

/** Whether the text ends in an unpaired backslash (an escape cut from what it escapes). */
function endsInEscape(text: string): boolean {
  return /(^|[^\\])(\\\\)*\\$/.test(text);
}

describe('renderTelegram', () => {
  it('writes a report with every block kind as this exact MarkdownV2', () => {
    const plan = renderTelegram(reportDocument, images);
    expect(plan.messages).toEqual([
      [
        '*Daily report*',
        '_Saturday 26 September 2026_',
        '',
        '*Summary*',
        '',
        '🔴 DAU fell 23% \\(1,240 → 960\\) on Android\\.',
        '🟢 CTR rose 0\\.4 pp to 4\\.1% \\(95% CI \\+0\\.1 to \\+0\\.7 pp\\)\\.',
        '',
        '*Key metrics*',
        '🔴 *Daily active users*: 960',
        '      ▼ −23% \\(−280\\) d/d · ▼ −4\\.0% \\(−40\\) w/w',
        '🟢 *CTR*: 4\\.1%',
        '      ▲ \\+11% \\(\\+0\\.40 pp\\) d/d',
        '⚪ *p95 latency*: 420 ms',
        '      ▲ \\+5\\.0% \\(\\+20\\.0 ms\\) d/d',
        '⚪ *Revenue*: –',
        '',
        '📈 _Daily active users_',
        '',
        '*By platform*',
        '',
        '📈 _Views by platform_',
        '',
        '*Top sources*',
        '```',
        'Source       Users   CTR',
        'organic     12,345  4.1%',
        'ads_\\`q3\\`\\\\x     980     –',
        'and 3 more',
        '```',
        '',
        '🟠 Special: \\_\\*\\[\\]\\(\\)\\~\\`\\>\\#\\+\\-\\=\\|\\{\\}\\.\\!\\\\ & <b\\>"quoted"</b\\>',
        '',
        '[Open in Sightline](https://sightline.example.com/d/daily?date=2026-09-26)',
      ].join('\n'),
    ]);
    expect(plan.photos).toEqual([
      {
        filename: 'chart-1.png',
        caption: '*Daily active users*\nDAU rose from 1,000 to 1,240, then fell to 940 on the 26th\\.',
      },
      { filename: 'chart-2.png', caption: '*Views by platform*\niOS 5,200; Android 3,100; Web 1,900\\.' },
    ]);
  });

  it('writes an alert headed by its status, one line per grouped alert', () => {
    expect(renderTelegram(alertDocument, [])).toEqual({
      messages: [
        [
          '🚨 *FIRING: DAU dropped on Android*',
          '_dau below the expected band for 30m_',
          '• dau\\_drop os\\=Android: firing since 2026\\-09\\-26 10:15 UTC',
          '• dau\\_drop os\\=iOS: resolved, 2026\\-09\\-26 09:00 UTC to 2026\\-09\\-26 10:00 UTC',
          '',
          'Most of the drop is os\\=Android, app\\_version\\=3\\.2\\.0 \\(−41%\\)\\.',
        ].join('\n'),
      ],
      photos: [],
    });
    const resolved: ReportDocument = {
      ...alertDocument,
      alert: { ...alertDocument.alert!, status: 'resolved' },
    };
    expect(renderTelegram(resolved, []).messages[0]).toMatch(/^✅ \*RESOLVED: DAU dropped on Android\*\n/);
  });

  it('writes a chart that was not drawn as its alt text, so a text-only send loses nothing', () => {
    const text = renderTelegram(reportDocument, []).messages.join('\n');
    expect(text).toContain(
      '📈 *Daily active users*: DAU rose from 1,000 to 1,240, then fell to 940 on the 26th\\.',
    );
    expect(renderTelegram(reportDocument, []).photos).toEqual([]);
  });
});

describe('MarkdownV2 escaping', () => {
  it('escapes every special character and the backslash outside code, and nothing else', () => {
    const specials = '_*[]()~`>#+-=|{}.!\\';
    expect(escapeMarkdownV2(specials)).toBe([...specials].map((c) => `\\${c}`).join(''));
    expect(escapeMarkdownV2('abc 123 & < % / : ; , ? @ $ ^ \' " → 🚀')).toBe(
      'abc 123 & < % / : ; , ? @ $ ^ \' " → 🚀',
    );
  });

  it('escapes only ` and \\ inside code blocks, and only ) and \\ in a link URL', () => {
    expect(escapeMarkdownV2Code('a_*[`]\\b.')).toBe('a_*[\\`]\\\\b.');
    expect(escapeMarkdownV2Url('https://x.example/a_(b)\\c')).toBe('https://x.example/a_(b\\)\\\\c');
  });
});

describe('splitting long reports', () => {
  const base = { ...reportDocument, url: undefined, subtitle: undefined };

  it('splits between blocks: no message over 4,096, and the messages joined by blank lines are the whole text', () => {
    const blocks: ReportBlock[] = Array.from({ length: 300 }, (_, i) => ({
      kind: 'paragraph',
      text: `Paragraph ${i}: users (${i * 7}) fell by ${i}.5% [see #${i}] - ok!`,
    }));
    const doc: ReportDocument = { ...base, blocks };
    const { messages } = renderTelegram(doc, []);
    expect(messages.length).toBeGreaterThan(3);
    for (const m of messages) expect(m.length).toBeLessThanOrEqual(TELEGRAM_MESSAGE_LIMIT);
    const whole = [
      '*Daily report*',
      ...blocks.map((b) => escapeMarkdownV2((b as { text: string }).text)),
    ].join('\n\n');
    expect(messages.join('\n\n')).toBe(whole);
    // Each boundary falls between two blocks: every message after the first starts a paragraph.
    for (const m of messages.slice(1)) expect(m).toMatch(/^Paragraph \d+:/);
  });

  it('cuts a paragraph longer than a message without cutting an escape, losing nothing', () => {
    const text = 'a.b_c (d) '.repeat(1_500); // 15,000 characters, 24,000 once escaped
    const doc: ReportDocument = { ...base, blocks: [{ kind: 'paragraph', text }] };
    const { messages } = renderTelegram(doc, []);
    expect(messages.length).toBeGreaterThanOrEqual(6);
    for (const m of messages) {
      expect(m.length).toBeLessThanOrEqual(TELEGRAM_MESSAGE_LIMIT);
      expect(endsInEscape(m)).toBe(false);
    }
    // The title does not fit beside a full piece, so it goes first on its own; the pieces, cut inside
    // one line, join with nothing between them.
    expect(messages[0]).toBe('*Daily report*');
    expect(messages.slice(1).join('')).toBe(escapeMarkdownV2(text));
  });

  it('splits a long table between rows, closing and reopening the code block in each message', () => {
    const rows = Array.from({ length: 400 }, (_, i) => ({ source: `source_${i}\`x`, users: i * 1000 }));
    const doc: ReportDocument = {
      ...base,
      blocks: [
        {
          kind: 'table',
          columns: [
            { key: 'source', label: 'Source' },
            { key: 'users', label: 'Users', format: 'integer' },
          ],
          rows,
        },
      ],
    };
    const { messages } = renderTelegram(doc, []);
    expect(messages.length).toBeGreaterThan(2);
    const lines: string[] = [];
    for (const m of messages) {
      expect(m.length).toBeLessThanOrEqual(TELEGRAM_MESSAGE_LIMIT);
      const body = m.replace('*Daily report*\n\n', '');
      expect(body.startsWith('```\n')).toBe(true);
      expect(body.endsWith('\n```')).toBe(true);
      expect(body.match(/```/g)).toHaveLength(2);
      lines.push(...body.slice(4, -4).split('\n'));
    }
    const row = (source: string, users: string) =>
      escapeMarkdownV2Code(`${source.padEnd(12)}  ${users.padStart(7)}`);
    expect(lines).toEqual([
      row('Source', 'Users'),
      ...rows.map((r) => row(r.source, r.users.toLocaleString('en-US'))),
    ]);
  });

  it('shortens a caption over 1,024 characters at its alt text, ending in an ellipsis, no escape cut', async () => {
    const alt = 'x.y! '.repeat(400);
    const doc: ReportDocument = {
      ...base,
      blocks: [
        {
          kind: 'chart',
          title: 'DAU',
          alt,
          chart: {
            title: 'DAU',
            x: { kind: 'value' },
            panels: [
              {
                y: {},
                series: [
                  {
                    kind: 'line',
                    name: 'DAU',
                    data: [
                      [0, 1],
                      [1, 2],
                    ],
                  },
                ],
              },
            ],
          },
        },
      ],
    };
    const [photo] = renderTelegram(doc, await renderChartImages(doc)).photos;
    expect(photo!.caption.length).toBeLessThanOrEqual(TELEGRAM_CAPTION_LIMIT);
    expect(photo!.caption.length).toBeGreaterThan(TELEGRAM_CAPTION_LIMIT - 10);
    expect(photo!.caption.startsWith('*DAU*\nx\\.y\\! x\\.y\\!')).toBe(true);
    expect(photo!.caption.endsWith('…')).toBe(true);
    expect(endsInEscape(photo!.caption.slice(0, -1))).toBe(false);
  });
});
