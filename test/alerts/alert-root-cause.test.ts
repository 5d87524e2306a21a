import { describe, expect, it } from 'vitest';
import { explainChange } from '../../src/analytics/anomalies/root-cause.ts';
import { InsightContext } from '../../src/analytics/insights/insight-context.ts';
import { alertAction } from '../../src/automation/alerts/alert-job.ts';
import type { ChannelDefinition } from '../../src/automation/channels/definitions.ts';
import { alertDeps } from './alert-fixture.ts';
import { AlertRunner } from './run-context.ts';
import { twoDropsWarehouse } from './two-drops.ts';

/**
 * The root cause in a grouped alert's notification is explained within the group's segment: on the
 * warehouse of two planted drops both OS fire together on 29 March (the 09:00 run, breach from 06:00,
 * firing on the 08:00 bucket), and each group's paragraph is `explainChange` with `where` set to its own
 * os, at the bucket it fired on. That warehouse has no dimension but os, so within a group nothing splits
 * it further, and the sentence says so instead of naming a segment.
 */
const drops = twoDropsWarehouse('sl-alert-cause-');

const telegram: ChannelDefinition = {
  name: 'team',
  type: 'telegram',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a channel reference, substituted at delivery
  token: '${T}',
  chatId: '1',
  apiUrl: 'http://127.0.0.1:9',
};

describe('the root cause of a grouped alert', () => {
  it("is explained within each group's segment, at the bucket the group fired on", async () => {
    const deps = alertDeps(
      drops.warehouse,
      {
        explained: {
          metric: 'dau',
          interval: 'hour',
          direction: 'down',
          for: '2h',
          recovery: 2,
          groupBy: ['os'],
          channels: ['team'],
        },
      },
      [telegram],
    );
    const r = new AlertRunner(alertAction(deps), 'explained');
    await r.hourly('2026-03-29T03:00:00Z', '2026-03-29T10:00:00Z');
    expect(r.lines()).toEqual(['03-29T09:00 team firing os=Android; os=iOS']);
    const paragraphs = r.sent[0]!.document.blocks.flatMap((b) => (b.kind === 'paragraph' ? [b.text] : []));
    const causes = paragraphs.filter((t) => t.startsWith('Daily active users'));
    const direct = await Promise.all(
      ['Android', 'iOS'].map(async (os) => {
        const ctx = new InsightContext(drops.warehouse, deps.project.layer, deps.project.project);
        const result = await explainChange(ctx, {
          metric: 'dau',
          at: '2026-03-29T08:00:00Z',
          interval: 'hour',
          where: { os },
        });
        return result.sentence;
      }),
    );
    expect(causes).toEqual(direct);
    expect(causes[0]).toMatch(
      /^Daily active users for os=Android fell \d+% \(\u2212\d+ users\) below expected at 2026-03-29 08:00 UTC; no other dimension splits os=Android\.$/,
    );
    expect(causes[1]).toMatch(/^Daily active users for os=iOS fell \d+% /);
    expect(paragraphs.some((t) => t.includes('whole metric'))).toBe(false);
  }, 60_000);
});
