import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChartImage } from '../../src/automation/channels/channel.ts';
import { renderPng } from '../../src/automation/charts/render-png.ts';
import { renderSvg } from '../../src/automation/charts/render-svg.ts';
import { renderEmail } from '../../src/automation/reports/render/email.ts';
import { renderHtmlPage } from '../../src/automation/reports/render/html-page.ts';
import { renderChartImages } from '../../src/automation/reports/render/images.ts';
import { renderPdf } from '../../src/automation/reports/render/pdf.ts';
import { renderTelegram } from '../../src/automation/reports/render/telegram.ts';
import { TELEGRAM_SEPARATOR, writeReportFiles } from '../../src/automation/reports/render/write-files.ts';
import { tempDir } from '../helpers/cli.ts';
import { alertDocument, reportDocument } from './render-fixtures.ts';

let images: ChartImage[] = [];
beforeAll(async () => {
  images = await renderChartImages(reportDocument);
});

function pngSize(png: Uint8Array): [number, number] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return [view.getUint32(16), view.getUint32(20)];
}

const SPECIAL_HTML = 'Special: _*[]()~`&gt;#+-=|{}.!\\ &amp; &lt;b&gt;&quot;quoted&quot;&lt;/b&gt;';

describe('renderChartImages', () => {
  it('draws each chart block once, named in block order, the PNG at twice the size', () => {
    expect(images.map((i) => [i.filename, i.blockIndex, i.width, i.height, i.title])).toEqual([
      ['chart-1.png', 3, 800, 360, 'Daily active users'],
      ['chart-2.png', 5, 600, 300, 'Views by platform'],
    ]);
    expect(pngSize(images[0]!.png)).toEqual([1600, 720]);
    expect(pngSize(images[1]!.png)).toEqual([1200, 600]);
  });

  it('gives the bytes the chart module draws directly, and the same bytes again', async () => {
    const block = reportDocument.blocks[3]!;
    if (block.kind !== 'chart') throw new Error('fixture changed');
    const svg = renderSvg(block.chart, { width: 800, height: 360 });
    expect(images[0]!.svg).toBe(svg);
    expect(Buffer.from(images[0]!.png).equals(Buffer.from(renderPng(svg, { scale: 2 })))).toBe(true);
    const again = await renderChartImages(reportDocument);
    expect(again.map((i) => Buffer.from(i.png).toString('base64'))).toEqual(
      images.map((i) => Buffer.from(i.png).toString('base64')),
    );
  });
});

describe('renderEmail', () => {
  it('has the subject of a report and of an alert', () => {
    expect(renderEmail(reportDocument, images).subject).toBe('Daily report — Saturday 26 September 2026');
    expect(renderEmail(alertDocument, []).subject).toBe('[FIRING] DAU dropped on Android');
  });

  it('shows each chart as an inline cid image of its attachment, at its scale-1 width', () => {
    const email = renderEmail(reportDocument, images);
    expect(email.html).toContain(
      '<img src="cid:chart-1.png" width="608" height="274" alt="DAU rose from 1,000 to 1,240, then fell to 940 on the 26th."',
    );
    expect(email.html).toContain('<img src="cid:chart-2.png" width="600" height="300"');
    expect(email.attachments.map((a) => [a.filename, a.cid, a.contentType])).toEqual([
      ['chart-1.png', 'chart-1.png', 'image/png'],
      ['chart-2.png', 'chart-2.png', 'image/png'],
    ]);
    expect(email.attachments[1]!.content.equals(Buffer.from(images[1]!.png))).toBe(true);
  });

  it('escapes HTML everywhere and carries no script, stylesheet or remote resource', () => {
    const { html } = renderEmail(reportDocument, images);
    expect(html).toContain(`>${SPECIAL_HTML}</p>`);
    expect(html).toContain(
      "<td style=\"font-family:-apple-system,'Segoe UI',Roboto,'DejaVu Sans',Arial,sans-serif;font-size:13px;color:#0f172a;text-align:left;padding:6px 8px;border-bottom:1px solid #e2e8f0\">ads_`q3`\\x</td>",
    );
    expect(html).not.toMatch(/<script|<style|<link|src="http/i);
    expect(html).toContain('<a href="https://sightline.example.com/d/daily?date=2026-09-26"');
  });

  it('has a plain-text part that says the same', () => {
    expect(renderEmail(reportDocument, images).text).toBe(
      [
        'Daily report',
        'Saturday 26 September 2026 · demo',
        '',
        'SUMMARY',
        '',
        '- DAU fell 23% (1,240 → 960) on Android.',
        '- CTR rose 0.4 pp to 4.1% (95% CI +0.1 to +0.7 pp).',
        '',
        'Key metrics',
        'Daily active users: 960 (▼ −23% (−280) d/d, ▼ −4.0% (−40) w/w)',
        'CTR: 4.1% (▲ +11% (+0.40 pp) d/d)',
        'p95 latency: 420 ms (▲ +5.0% (+20.0 ms) d/d)',
        'Revenue: –',
        '',
        'Daily active users [chart-1.png]: DAU rose from 1,000 to 1,240, then fell to 940 on the 26th.',
        '',
        'BY PLATFORM',
        '',
        'Views by platform [chart-2.png]: iOS 5,200; Android 3,100; Web 1,900.',
        '',
        'Top sources',
        'Source       Users   CTR',
        'organic     12,345  4.1%',
        'ads_`q3`\\x     980     –',
        'and 3 more',
        '',
        'Special: _*[]()~`>#+-=|{}.!\\ & <b>"quoted"</b>',
        '',
        'Open in Sightline: https://sightline.example.com/d/daily?date=2026-09-26',
        '',
      ].join('\n'),
    );
    expect(renderEmail(alertDocument, []).text).toBe(
      [
        'FIRING: DAU dropped on Android',
        'dau below the expected band for 30m · demo',
        '- dau_drop os=Android: firing since 2026-09-26 10:15 UTC',
        '- dau_drop os=iOS: resolved, 2026-09-26 09:00 UTC to 2026-09-26 10:00 UTC',
        '',
        'Most of the drop is os=Android, app_version=3.2.0 (−41%).',
        '',
      ].join('\n'),
    );
  });
});

describe('renderHtmlPage', () => {
  it('is standalone: the SVGs inline, scaled to the page, nothing fetched, no script', () => {
    const page = renderHtmlPage(reportDocument, images);
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain(
      '<svg width="100%" viewBox="0 0 800 360" style="max-width:800px;height:auto;display:block"',
    );
    expect(page).toContain('<svg width="100%" viewBox="0 0 600 300"');
    expect(page).not.toMatch(/<script|<link|src="|url\(http/i);
    expect(page).toContain(`>${SPECIAL_HTML}</p>`);
    expect(page).toContain('<title>Daily report — Saturday 26 September 2026</title>');
  });

  it('shows an alert with its status and its alerts', () => {
    const page = renderHtmlPage(alertDocument, []);
    expect(page).toContain('🚨 FIRING</div>');
    expect(page).toContain(
      '<li>dau_drop os=iOS: resolved, 2026-09-26 09:00 UTC to 2026-09-26 10:00 UTC</li>',
    );
  });
});

describe('renderPdf', () => {
  it('returns null without a chromium binary', async () => {
    expect(await renderPdf('<p>x</p>', { executablePath: '/nonexistent/chromium' })).toBeNull();
  });

  it('prints the page to a PDF with chromium', async () => {
    const pdf = await renderPdf(renderHtmlPage(reportDocument, images));
    expect(pdf).not.toBeNull();
    expect(Buffer.from(pdf!.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    // Two charts and the text do not fit one A4 page at this size: the page breaks are chromium's.
    expect(
      Buffer.from(pdf!)
        .toString('latin1')
        .match(/\/Type\s*\/Page\b/g)!.length,
    ).toBeGreaterThanOrEqual(1);
  }, 30_000);
});

describe('writeReportFiles', () => {
  const { dir, cleanup } = tempDir('sightline-report-files-');
  afterAll(cleanup);

  it('writes every medium and returns the paths, the files equal to what each renderer gives', async () => {
    const written = await writeReportFiles(reportDocument, dir);
    expect(written.map((f) => path.relative(dir, f))).toEqual([
      'report.html',
      'report.pdf',
      'chart-1.png',
      'chart-1.svg',
      'chart-2.png',
      'chart-2.svg',
      'telegram.txt',
      'slack.json',
      'email.html',
      'email.txt',
    ]);
    const plan = renderTelegram(reportDocument, images);
    expect(readFileSync(path.join(dir, 'telegram.txt'), 'utf8')).toBe(
      `${[...plan.messages, ...plan.photos.map((p) => `[photo ${p.filename}]\n${p.caption}`)].join(TELEGRAM_SEPARATOR)}\n`,
    );
    expect(readFileSync(path.join(dir, 'chart-2.png')).equals(Buffer.from(images[1]!.png))).toBe(true);
    expect(readFileSync(path.join(dir, 'report.html'), 'utf8')).toBe(renderHtmlPage(reportDocument, images));
    // The e-mail preview points its images at the files beside it.
    expect(readFileSync(path.join(dir, 'email.html'), 'utf8')).toContain('<img src="chart-1.png"');
    const slack = JSON.parse(readFileSync(path.join(dir, 'slack.json'), 'utf8'));
    expect(slack.blocks[0].text.text).toBe('Daily report');
  }, 30_000);
});
