import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anomalyTimeline } from '../../src/analytics/anomalies/anomaly-timeline.ts';
import { InsightContext } from '../../src/analytics/insights/insight-context.ts';
import { loadProjectFile } from '../../src/config/project-file.ts';
import { createKey } from '../../src/server/keys.ts';
import { type RunningServer, startServer } from '../../src/server/server.ts';
import { ROOT, runCli } from '../helpers/cli.ts';
import { startTestServer } from '../server/helpers.ts';
import {
  ARTIFACTS,
  buildWeb,
  launchChromium,
  type PageElement,
  type PageGlobals,
  type PageRow,
} from './browser.ts';

/**
 * The dashboard in a real browser against the real server on a seeded demo: log in with a viewer key,
 * read the product dashboard, filter it, build a funnel, open an experiment; every number compared
 * with what `sightline … --json` prints for the same question on the same database.
 */

const DEMO = { users: 2000, days: 30, seed: 7, endDate: '2026-06-30' };
const RANGE = { from: '2026-06-10', to: '2026-06-30' };
const STEPS = 'sign_up,view,like';

let server: RunningServer;
let browser: Browser;
let page: Page;
let viewer: string;
/** The CLI's answers, computed on the database before the server took it (DuckDB has one writer). */
const cli: Record<'dau' | 'android' | 'funnel' | 'experiment', unknown> = {
  dau: null,
  android: null,
  funnel: null,
  experiment: null,
};

async function cliJson(args: string[], db: string): Promise<unknown> {
  const r = await runCli([...args, '--db', db, '--json']);
  if (r.code !== 0) throw new Error(`sightline ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

beforeAll(async () => {
  buildWeb();
  // The helper builds the seeded demo; its server serves no static files, so the demo database is
  // served again below by the real server with the built web app.
  const demo = await startTestServer({ demo: DEMO });
  const db = demo.databasePath;
  await demo.close();
  const range = ['--from', RANGE.from, '--to', RANGE.to];
  [cli.dau, cli.android, cli.funnel, cli.experiment] = await Promise.all([
    cliJson(['insight', 'trends', '--metric', 'dau,wau,mau', ...range], db),
    cliJson(['insight', 'trends', '--metric', 'dau,wau,mau', '--where', "os = 'Android'", ...range], db),
    cliJson(['insight', 'funnel', '--steps', STEPS, ...range], db),
    cliJson(['experiment', 'analyze', 'feed_ranking_v2'], db),
  ]);
  server = await startServer({
    databasePath: db,
    project: loadProjectFile(undefined, ROOT),
    host: '127.0.0.1',
    port: 0,
  });
  viewer = (await createKey(server.context.warehouse, { projectId: 'default', role: 'viewer' })).key;
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Waits until a tile has answered the spec whose `where` is `where` ('' for none) and shows it. */
async function tileReady(id: string, where: string): Promise<void> {
  await page.waitForFunction(
    ([id, where]) => {
      const el = (globalThis as unknown as PageGlobals).document.querySelector(`[data-testid="tile-${id}"]`);
      if (el === null) return false;
      if (el.dataset['state'] !== 'ready' || el.hasAttribute('aria-busy')) return false;
      const spec = JSON.parse(el.dataset['spec'] ?? '{}') as { where?: string };
      return (spec.where ?? '') === where;
    },
    [id, where] as const,
  );
}

/** The rows of a tile's or page's first table, each cell's exact value (`data-value`). */
function tableValues(scope: string): Promise<string[][]> {
  return page.$$eval(`${scope} table[data-testid="table-0"] tbody tr`, (rows: PageRow[]) =>
    rows.map((row) => Array.from(row.cells, (c) => c.dataset['value'] ?? '')),
  );
}

type Trends = { series: { label: string; points: { t: string; value: number | null }[] }[] };

/** The CLI's trends as the tile's table reads: a row per day, the day then each series' value. */
function asRows(result: unknown): string[][] {
  const { series } = result as Trends;
  return series[0]!.points.map((p, i) => [p.t, ...series.map((s) => String(s.points[i]!.value))]);
}

describe('the web dashboard (chromium, real server, seeded demo)', () => {
  it('refuses a wrong key with the API code, then logs in with a viewer key', async () => {
    await page.goto(server.url);
    await page.fill('[data-testid="login-key"]', 'sl_not-a-real-key');
    await page.click('[data-testid="login-submit"]');
    await page.waitForFunction(() =>
      (globalThis as unknown as PageGlobals).document
        .querySelector('[data-testid="login-message"]')
        ?.textContent?.includes('not accepted'),
    );
    expect(await page.textContent('[data-testid="login-message"]')).toMatch(
      /^This key was not accepted \(SL_[A-Z_]+\)/,
    );
    await shot('login-refused');

    await page.fill('[data-testid="login-key"]', viewer);
    await page.click('[data-testid="login-submit"]');
    await page.waitForSelector('[data-testid="dashboard-name"]');
    expect(await page.textContent('[data-testid="dashboard-name"]')).toBe('Product');
    expect(
      await page.evaluate(() => (globalThis as unknown as PageGlobals).localStorage.getItem('sightline.key')),
    ).toBe(viewer);
  });

  it('shows DAU, WAU and MAU for the chosen range exactly as the CLI prints them', async () => {
    await page.fill('[data-testid="filter-from"]', RANGE.from);
    await page.fill('[data-testid="filter-to"]', RANGE.to);
    await tileReady('active-users', '');
    const rows = await tableValues('[data-testid="tile-active-users"]');
    expect(rows).toEqual(asRows(cli.dau));
    expect(rows).toHaveLength(21);
    const latest = await page.getAttribute(
      '[data-testid="tile-active-users"] [data-testid="stat-latest-0"]',
      'data-value',
    );
    expect(latest).toBe(String((cli.dau as Trends).series[0]!.points.at(-1)!.value));
    await shot('product-dashboard');
  });

  it('applies os = Android to every tile and shows the CLI numbers for that filter', async () => {
    await page.waitForSelector('[data-testid="filter-os"] option[value="Android"]', { state: 'attached' });
    await page.selectOption('[data-testid="filter-os"]', 'Android');
    await tileReady('active-users', "os = 'Android'");
    const rows = await tableValues('[data-testid="tile-active-users"]');
    expect(rows).toEqual(asRows(cli.android));
    expect(rows).not.toEqual(asRows(cli.dau));
    // Every other tile re-ran under the same filter.
    await page.waitForFunction(() =>
      [...(globalThis as unknown as PageGlobals).document.querySelectorAll('[data-testid^="tile-"]')].every(
        (t) => !t.hasAttribute('aria-busy'),
      ),
    );
    const wheres = await page.$$eval('[data-testid^="tile-"]', (tiles: PageElement[]) =>
      tiles.map((t) => (JSON.parse(t.dataset['spec'] ?? '{}') as { where?: string }).where),
    );
    expect(wheres.length).toBeGreaterThanOrEqual(6);
    expect(new Set(wheres)).toEqual(new Set(["os = 'Android'"]));
    await shot('product-dashboard-android');
  });

  it('builds a funnel in the explorer whose conversion equals the CLI funnel', async () => {
    await page.goto(`${server.url}/#/explore/funnel`);
    await page.waitForSelector('[data-testid="field-steps"]');
    await page.fill('[data-testid="field-steps"]', STEPS);
    await page.fill('[data-testid="field-from"]', RANGE.from);
    await page.fill('[data-testid="field-to"]', RANGE.to);
    await page.click('[data-testid="explorer-run"]');
    await page.waitForSelector('[data-testid="explorer-result"][data-state="ready"]');
    const funnel = cli.funnel as { steps: { event: string; count: number; conversionRate: number }[] };
    const conversion = await page.getAttribute('[data-testid="stat-conversion"]', 'data-value');
    expect(conversion).toBe(String(funnel.steps.at(-1)!.conversionRate));
    const rows = await tableValues('[data-testid="explorer-result"]');
    expect(rows.map((r) => [r[0], r[1], r[2]])).toEqual(
      funnel.steps.map((s, i) => [`${i + 1}. ${s.event}`, String(s.count), String(s.conversionRate)]),
    );
    expect(await page.textContent('[data-testid="sql"]')).toMatch(/^SELECT/);
    await shot('explorer-funnel');
  });

  it('opens an experiment and shows its arms and effects as the CLI report has them', async () => {
    await page.goto(`${server.url}/#/experiments/feed_ranking_v2`);
    await page.waitForSelector('[data-testid="recommendation"]');
    const report = cli.experiment as {
      exposure: { variants: { variant: string; users: number }[] };
      recommendation: { decision: string };
      srm: { mismatch: boolean };
      metrics: {
        metric: string;
        variants: { variant: string; relative: { effect: number; ci: number[] } }[];
      }[];
    };
    expect(await page.textContent('[data-testid="decision"]')).toBe(report.recommendation.decision);
    for (const arm of report.exposure.variants) {
      expect(await page.getAttribute(`[data-testid="arm-${arm.variant}"] td.num`, 'data-value')).toBe(
        String(arm.users),
      );
    }
    expect(await page.getAttribute('[data-testid="srm"]', 'data-mismatch')).toBe(String(report.srm.mismatch));
    const primary = report.metrics[0]!;
    const effect = primary.variants[0]!;
    const row = `[data-testid="effect-${primary.metric}-${effect.variant}"]`;
    expect(await page.getAttribute(`${row} [data-testid="relative"]`, 'data-value')).toBe(
      String(effect.relative.effect),
    );
    expect(await page.getAttribute(`${row} [data-testid="ci"]`, 'data-value')).toBe(
      effect.relative.ci.join(','),
    );
    await page.waitForSelector('[data-testid="aa-verdict"]', { timeout: 30_000 });
    await shot('experiment');
  });

  it('draws the forecast and the anomaly timeline, and fits a phone-width screen', async () => {
    await page.goto(`${server.url}/#/forecast`);
    await page.waitForSelector('[data-testid="forecast-result"][data-state="ready"]', { timeout: 30_000 });
    // The default horizon: 14 steps, each with both bands.
    const steps = await tableValues('[data-testid="forecast-result"]');
    expect(steps).toHaveLength(14);
    for (const [, mean, lo80, hi80, lo95, hi95] of steps.map((r) => r.map(Number)))
      expect(lo95! <= lo80! && lo80! <= mean! && mean! <= hi80! && hi80! <= hi95!).toBe(true);
    await shot('forecast');
    await page.goto(`${server.url}/#/anomalies`);
    await page.waitForSelector('[data-testid="anomalies-result"]:not([data-state="loading"])', {
      timeout: 30_000,
    });
    // The timeline lists what the analytics function finds on the same warehouse, sentence for sentence.
    const ctx = new InsightContext(server.context.warehouse, server.context.project.layer, 'default');
    const expected = await anomalyTimeline(ctx, server.context.project.alerts, {
      days: 14,
      limit: 10,
      now: Date.now(),
    });
    const shown = await page.$$eval('[data-testid="anomaly"]', (items: PageElement[]) =>
      items.map((li) => li.dataset['t']),
    );
    expect(shown).toEqual(expected.anomalies.map((a) => a.t));
    expect(await page.getAttribute('[data-testid="anomalies-result"]', 'data-state')).toBe(
      expected.anomalies.length === 0 ? 'empty' : 'ready',
    );
    await shot('anomalies');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/#/dashboards/builtin%3Aproduct`);
    await tileReady('active-users', "os = 'Android'");
    // One column: nothing is wider than the screen.
    const overflow = await page.evaluate(() => {
      const w = globalThis as unknown as PageGlobals;
      return w.document.documentElement.scrollWidth - w.innerWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('product-dashboard-phone');
  });
});
