import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ReportDocument } from '../document.ts';
import { renderEmail } from './email.ts';
import { renderHtmlPage } from './html-page.ts';
import { renderChartImages } from './images.ts';
import { renderPdf } from './pdf.ts';
import { renderSlack } from './slack.ts';
import { renderTelegram } from './telegram.ts';

/** Between Telegram messages in telegram.txt: a line no rendered message can contain unescaped. */
export const TELEGRAM_SEPARATOR = '\n----- next message -----\n';

/**
 * Writes the document in every medium into `dir` (created when missing), for `sightline report NAME
 * --out DIR`, and returns the paths written, in this order: `report.html` (the standalone page),
 * `report.pdf` (only when chromium is installed: renderPdf), `chart-N.png` and `chart-N.svg`,
 * `telegram.txt` (the MarkdownV2 messages, then each photo's file and caption), `slack.json` (the
 * webhook payload, charts as alt text since no image is hosted), `email.html` (the e-mail's HTML with
 * its `cid:` images pointed at the chart files beside it, so it previews in a browser) and
 * `email.txt` (its plain-text part).
 */
export async function writeReportFiles(document: ReportDocument, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  const put = async (name: string, content: string | Uint8Array) => {
    const file = path.join(dir, name);
    await writeFile(file, content);
    written.push(file);
  };
  const images = await renderChartImages(document);
  const page = renderHtmlPage(document, images);
  await put('report.html', page);
  const pdf = await renderPdf(page);
  if (pdf !== null) await put('report.pdf', pdf);
  for (const image of images) {
    await put(image.filename, image.png);
    await put(image.filename.replace(/\.png$/, '.svg'), image.svg);
  }
  const telegram = renderTelegram(document, images);
  const photos = telegram.photos.map((p) => `[photo ${p.filename}]\n${p.caption}`);
  await put('telegram.txt', `${[...telegram.messages, ...photos].join(TELEGRAM_SEPARATOR)}\n`);
  await put('slack.json', `${JSON.stringify(renderSlack(document, new Map()), null, 2)}\n`);
  const email = renderEmail(document, images);
  await put('email.html', email.html.replace(/src="cid:(chart-\d+\.png)"/g, 'src="$1"'));
  await put('email.txt', email.text);
  return written;
}
