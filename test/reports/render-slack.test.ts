import { describe, expect, it } from 'vitest';
import type { ReportBlock, ReportDocument } from '../../src/automation/reports/document.ts';
import { clip, escapeMrkdwn, renderSlack, SLACK_LIMITS } from '../../src/automation/reports/render/slack.ts';
import { alertDocument, reportDocument } from './render-fixtures.ts';

const urls = new Map([['chart-2.png', 'https://img.example/c2.png?a=1&b=2']]);

describe('renderSlack', () => {
  it('writes an alert as a header with its status, the context, its alerts and the paragraph', () => {
    expect(renderSlack(alertDocument, new Map())).toEqual({
      text: '🚨 FIRING: DAU dropped on Android · dau below the expected band for 30m',
      blocks: [
        {
          type: 'header',
          text: { type: 'plain_text', text: '🚨 FIRING: DAU dropped on Android', emoji: true },
        },
        {
          type: 'context',
          elements: [{ type: 'mrkdwn', text: 'dau below the expected band for 30m · demo' }],
        },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: '• dau_drop os=Android: firing since 2026-09-26 10:15 UTC\n• dau_drop os=iOS: resolved, 2026-09-26 09:00 UTC to 2026-09-26 10:00 UTC',
          },
        },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: 'Most of the drop is os=Android, app_version=3.2.0 (−41%).' },
        },
      ],
    });
  });

  it('writes every block kind of a report, in order, with these exact blocks', () => {
    const { blocks, text } = renderSlack(reportDocument, urls);
    expect(text).toBe('Daily report · Saturday 26 September 2026');
    const section = (t: string) => ({ type: 'section', text: { type: 'mrkdwn', text: t } });
    expect(blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'Daily report', emoji: true } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Saturday 26 September 2026 · demo' }] },
      section('*Summary*'),
      section(
        ':red_circle: DAU fell 23% (1,240 → 960) on Android.\n:large_green_circle: CTR rose 0.4 pp to 4.1% (95% CI +0.1 to +0.7 pp).',
      ),
      section('*Key metrics*'),
      {
        type: 'section',
        fields: [
          {
            type: 'mrkdwn',
            text: ':red_circle: *Daily active users*\n960\n▼ −23% (−280) d/d · ▼ −4.0% (−40) w/w',
          },
          { type: 'mrkdwn', text: ':large_green_circle: *CTR*\n4.1%\n▲ +11% (+0.40 pp) d/d' },
          { type: 'mrkdwn', text: ':white_circle: *p95 latency*\n420 ms\n▲ +5.0% (+20.0 ms) d/d' },
          { type: 'mrkdwn', text: ':white_circle: *Revenue*\n–' },
        ],
      },
      // chart-1.png has no URL: its alt text stands in.
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: ':bar_chart: *Daily active users*: DAU rose from 1,000 to 1,240, then fell to 940 on the 26th.',
          },
        ],
      },
      section('*By platform*'),
      {
        type: 'image',
        image_url: 'https://img.example/c2.png?a=1&b=2',
        alt_text: 'iOS 5,200; Android 3,100; Web 1,900.',
        title: { type: 'plain_text', text: 'Views by platform', emoji: true },
      },
      section('*Top sources*'),
      section(
        '```\nSource       Users   CTR\norganic     12,345  4.1%\nads_`q3`\\x     980     –\nand 3 more\n```',
      ),
      section(':large_orange_circle: Special: _*[]()~`&gt;#+-=|{}.!\\ &amp; &lt;b&gt;"quoted"&lt;/b&gt;'),
      section('<https://sightline.example.com/d/daily?date=2026-09-26|Open in Sightline>'),
    ]);
  });

  it('escapes &, < and > (and only those) as Slack requires', () => {
    expect(escapeMrkdwn('a & b <c> *d* _e_')).toBe('a &amp; b &lt;c&gt; *d* _e_');
  });

  it('keeps to 50 blocks: the first 49 and a note saying how many were left out, with the link', () => {
    const blocks: ReportBlock[] = Array.from({ length: 80 }, (_, i) => ({
      kind: 'paragraph',
      text: `p${i}`,
    }));
    const doc: ReportDocument = { ...reportDocument, blocks };
    const out = renderSlack(doc, new Map()).blocks;
    expect(out).toHaveLength(SLACK_LIMITS.blocks);
    // header + context + 80 paragraphs + the link = 83 blocks; 49 kept, 34 left out.
    expect(out[48]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: 'p46' } });
    expect(out[49]).toEqual({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: '34 more blocks left out (Slack shows at most 50). <https://sightline.example.com/d/daily?date=2026-09-26|Open the full report>.',
        },
      ],
    });
  });

  it('splits a section over 3,000 characters at its lines, and cuts a longer line with an ellipsis', () => {
    const sentences = Array.from({ length: 60 }, (_, i) => ({
      text: `Sentence ${i} & more: ${'x'.repeat(80)}`,
      importance: 1 - i / 100,
      topic: 'movement' as const,
      tone: 'neutral' as const,
    }));
    const long = 'y & '.repeat(1_000);
    const doc: ReportDocument = {
      ...reportDocument,
      url: undefined,
      blocks: [
        { kind: 'summary', sentences },
        { kind: 'paragraph', text: long },
      ],
    };
    const sections = renderSlack(doc, new Map())
      .blocks.filter((b) => b.type === 'section')
      .map((b) => (b as { text: { text: string } }).text.text);
    for (const s of sections) expect(s.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    const summary = sections.slice(0, -1);
    expect(summary.length).toBeGreaterThan(1);
    expect(summary.join('\n')).toBe(
      sentences.map((s) => `:white_circle: ${escapeMrkdwn(s.text)}`).join('\n'),
    );
    const cut = sections.at(-1)!;
    expect(cut.endsWith('…')).toBe(true);
    expect(escapeMrkdwn(long).startsWith(cut.slice(0, -1))).toBe(true);
  });

  it('never cuts an entity or an emoji in two', () => {
    expect(clip('abc&amp;def', 6)).toBe('abc…');
    expect(clip('abcd&amp;', 10)).toBe('abcd&amp;');
    expect(clip('ab🚀cd', 4)).toBe('ab…');
  });
});
