import { existsSync } from 'node:fs';

/** Debian's chromium, which `scripts/test.sh` installs (playwright's own download cannot run here). */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

export interface PdfOptions {
  /** The chromium binary; default /usr/bin/chromium. */
  readonly executablePath?: string;
  readonly signal?: AbortSignal;
}

/**
 * playwright-core, loaded on first use (most runs never print). It is a devDependency in package.json,
 * so an install without dev dependencies has no PDF, the same as a machine without chromium.
 */
async function loadChromium(): Promise<typeof import('playwright-core').chromium | null> {
  try {
    return (await import('playwright-core')).chromium;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return null;
    throw error;
  }
}

/**
 * Returns the HTML page printed to an A4 PDF by headless chromium (through playwright-core), or null
 * when there is no chromium binary (or no playwright-core): a PDF is an extra, and a report without one is still complete
 * (`writeReportFiles` then returns no report.pdf among its paths). Backgrounds are printed so tinted tiles
 * keep their colours. `--no-sandbox` only as root, whose container has no user namespaces for the
 * sandbox (as in test/e2e/browser.ts).
 */
export async function renderPdf(html: string, options: PdfOptions = {}): Promise<Uint8Array | null> {
  const executablePath = options.executablePath ?? DEFAULT_CHROMIUM;
  if (!existsSync(executablePath)) return null;
  const chromium = await loadChromium();
  if (chromium === null) return null;
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
  const close = () => void browser.close();
  options.signal?.addEventListener('abort', close, { once: true });
  try {
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    return new Uint8Array(pdf);
  } finally {
    options.signal?.removeEventListener('abort', close);
    await browser.close();
  }
}
