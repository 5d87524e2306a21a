import { existsSync } from 'node:fs';

/** Debian's chromium, which `scripts/test.sh` installs (playwright's own download cannot run here). */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

export interface PdfOptions {
  /** The chromium binary; default /usr/bin/chromium. */
  readonly executablePath?: string;
  readonly signal?: AbortSignal;
}

/**
 * Returns the HTML page printed to an A4 PDF by headless chromium (through playwright-core), or null
 * when there is no chromium binary: a PDF is an extra, and a report without one is still complete
 * (`writeReportFiles` then writes the HTML only and says so). Backgrounds are printed so tinted tiles
 * keep their colours. `--no-sandbox` only as root, whose container has no user namespaces for the
 * sandbox (as in test/e2e/browser.ts).
 */
export async function renderPdf(html: string, options: PdfOptions = {}): Promise<Uint8Array | null> {
  const executablePath = options.executablePath ?? DEFAULT_CHROMIUM;
  if (!existsSync(executablePath)) return null;
  // Loaded on first use: most runs never print, and playwright-core is a dev-sized import.
  const { chromium } = await import('playwright-core');
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
