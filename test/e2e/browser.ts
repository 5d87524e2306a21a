import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { ROOT } from '../helpers/cli.ts';

/**
 * The chromium binary the browser tests drive: `SIGHTLINE_CHROMIUM` when set, else `chromium` on the
 * PATH, else Debian's `/usr/bin/chromium` (`scripts/test.sh` installs it when missing). Playwright's
 * own browser download cannot run here, so playwright-core is pointed at the system's.
 */
export function chromiumPath(): string {
  const override = process.env['SIGHTLINE_CHROMIUM'];
  if (override) return override;
  const found = spawnSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).stdout.trim();
  if (found) return found;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  throw new Error(
    'no chromium: run `npm test` (it installs it) or `apt-get install -y chromium`, or set SIGHTLINE_CHROMIUM',
  );
}

/**
 * Launches headless chromium. Chromium's sandbox needs user namespaces that a root process in a
 * container does not get, so `--no-sandbox` is passed only when running as root.
 */
export function launchChromium(): Promise<Browser> {
  const asRoot = process.getuid?.() === 0;
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: asRoot ? ['--no-sandbox'] : [],
  });
}

/** Builds the web app into web/dist, so the server serves the sources under test, not a stale build. */
export function buildWeb(): void {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-web.mjs')], { cwd: ROOT, stdio: 'pipe' });
}

/** Where screenshots go (git-ignored): one per page, kept as the run's artefacts. */
export const ARTIFACTS = path.join(ROOT, 'test-artifacts/e2e');

/**
 * The few DOM shapes the in-page callbacks read. The root tsconfig has no DOM library on purpose (it
 * would retype Node's `fetch` for every test), so callbacks reach the page through
 * `globalThis as unknown as PageGlobals`; the cast is erased before the function is sent to the page.
 */
export interface PageElement {
  dataset: Record<string, string | undefined>;
  textContent: string | null;
  hasAttribute(name: string): boolean;
}
export interface PageRow {
  cells: ArrayLike<PageElement>;
}
export interface PageGlobals {
  document: {
    querySelector(selector: string): PageElement | null;
    querySelectorAll(selector: string): Iterable<PageElement>;
    documentElement: { scrollWidth: number };
  };
  innerWidth: number;
  localStorage: { getItem(key: string): string | null };
}
