import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { alertRuleDefinitionSchema, buildAlertRules } from '../../src/analytics/anomalies/alert-rules.ts';
import type { ChannelDefinition } from '../../src/automation/channels/definitions.ts';
import type { AutomationDeps } from '../../src/automation/project.ts';
import { loadProjectFile } from '../../src/config/project-file.ts';
import { ingest } from '../../src/data/ingest/ingest.ts';
import { openWarehouse } from '../../src/data/warehouse/open-warehouse.ts';
import type { Warehouse } from '../../src/data/warehouse/warehouse.ts';
import { ROOT } from '../helpers/cli.ts';
import { lcg } from '../helpers/lcg.ts';

export const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** An outage of some OS groups: hourly users fall to `factor` of normal in [start, end). */
export interface PlantedDrop {
  readonly os: readonly string[];
  readonly start: string;
  readonly end: string;
  readonly factor: number;
}

/**
 * A warehouse with a known hourly user count per OS (Android, iOS): a daily cycle with Poisson noise from
 * a seeded generator, one `app_open` per user and hour, and the planted drops. Small (35 days × 2 OS × ~60
 * users an hour) so a file of alert tests builds it in a few seconds.
 */
export async function buildAlertWarehouse(
  dir: string,
  options: { from: string; days: number; drops: readonly PlantedDrop[] },
): Promise<Warehouse> {
  const { random, poisson } = lcg(12345);
  const lines: string[] = [];
  const start = Date.parse(`${options.from}T00:00:00Z`);
  for (let t = start; t < start + options.days * DAY; t += HOUR) {
    const hour = new Date(t).getUTCHours();
    for (const os of ['Android', 'iOS']) {
      const base = (os === 'Android' ? 60 : 40) * (1 + 0.5 * Math.sin(((hour - 6) / 24) * 2 * Math.PI));
      const drop = options.drops.find(
        (d) => d.os.includes(os) && t >= Date.parse(d.start) && t < Date.parse(d.end),
      );
      const n = poisson(base * (drop ? drop.factor : 1));
      for (let i = 0; i < n; i++) {
        const ts = new Date(t + Math.floor(random() * HOUR)).toISOString();
        lines.push(JSON.stringify({ user_id: `u_${os}_${t}_${i}`, event: 'app_open', timestamp: ts, os }));
      }
    }
  }
  const file = path.join(dir, 'events.ndjson');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const opened = await openWarehouse({ path: path.join(dir, 'alerts.duckdb') });
  await ingest({
    inputs: [file],
    projectId: 'default',
    deadLetterPath: path.join(dir, 'dead.ndjson'),
    store: opened.events,
    nowUs: (start + (options.days + 1) * DAY) * 1000,
  });
  return opened.warehouse;
}

/**
 * The demo project's metrics layer with the given alert rules (as written under `alerts:`) and
 * channels, as the automation parts are given it.
 */
export function alertDeps(
  warehouse: Warehouse,
  rules: Record<string, Record<string, unknown>>,
  channels: readonly ChannelDefinition[] = [],
): AutomationDeps {
  const file = loadProjectFile(path.join(ROOT, 'sightline.yaml'));
  const source = Object.fromEntries(
    Object.entries(rules).map(([name, rule]) => [name, alertRuleDefinitionSchema.parse(rule)]),
  );
  return {
    warehouse,
    project: {
      project: file.project,
      layer: file.layer,
      experiments: new Map(),
      alerts: buildAlertRules(source, file.layer),
      channels: new Map(channels.map((c) => [c.name, c])),
      reports: new Map(),
      jobs: new Map(),
    },
    variables: {},
  };
}
