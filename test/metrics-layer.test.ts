import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers/cli.ts';

describe('sightline metrics', () => {
  it("lists the demo project's metrics layer: the metrics the product team reads every morning", async () => {
    const result = await runCli(['metrics', '--json']);
    expect(result.stderr).toBe('');
    const layer = JSON.parse(result.stdout) as {
      metrics: { name: string; type: string; definition: string }[];
      dimensions: { name: string; kind: string }[];
      cohorts: { name: string }[];
    };
    const byName = Object.fromEntries(layer.metrics.map((m) => [m.name, `${m.type}: ${m.definition}`]));
    expect(byName).toMatchObject({
      dau: 'unique_users: unique users of $any',
      wau: 'unique_users: unique users of $any over 7 days',
      mau: 'unique_users: unique users of $any over 30 days',
      new_users: 'new_users: new_users of $any',
      views: 'count: count of view',
      likes: 'count: count of like',
      ctr: 'ratio: likes / views',
      messages_sent: 'count: count of message',
      messages_per_user: 'formula: messages_sent / dau',
      stickiness: 'formula: dau / mau',
    });
    expect(layer.dimensions.map((d) => d.name)).toEqual(
      expect.arrayContaining([
        'os',
        'device',
        'app_version',
        'country',
        'city',
        'source',
        'acquisition_source',
      ]),
    );
    expect(layer.cohorts.map((c) => c.name)).toEqual(['campaign_users', 'power_likers']);
  });

  it('reports every mistake in the metrics layer at once, with the file and did-you-mean', async () => {
    const { dir, cleanup } = tempDir();
    const config = path.join(dir, 'sightline.yaml');
    writeFileSync(
      config,
      [
        'metrics:',
        '  views: {type: count, event: view}',
        '  ctr: {type: ratio, numerator: likes, denominator: veiws}',
        '  bad: {type: count, event: view, where: "contry = 1"}',
        '  odd: {type: cuont, event: view}',
      ].join('\n'),
    );
    const schema = await runCli(['--config', config, 'metrics']);
    expect(schema.code).toBe(2);
    expect(schema.stderr).toMatch(/^error SL_CONFIG_INVALID: .*metrics\.odd\.type/);
    writeFileSync(
      config,
      [
        'metrics:',
        '  views: {type: count, event: view}',
        '  ctr: {type: ratio, numerator: likes, denominator: veiws}',
        '  bad: {type: count, event: view, where: "contry = 1"}',
      ].join('\n'),
    );
    const layer = await runCli(['--config', config, 'metrics']);
    expect(layer.code).toBe(2);
    expect(layer.stderr.trim()).toBe(
      `error SL_METRICS_INVALID: ${config}: metrics.ctr: unknown metric "likes"; ${config}: metrics.ctr: unknown metric "veiws" (did you mean "views"?); ${config}: metrics.bad.where: unknown dimension "contry" (did you mean "country"?) (fix the listed definitions in sightline.yaml)`,
    );
    cleanup();
  });
});
