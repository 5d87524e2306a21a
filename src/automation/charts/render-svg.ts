import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as EchartsModule from 'echarts';
import { toEchartsOption } from './echarts-option.ts';
import { cssFontMeasurer, parseFontMetrics } from './font-metrics.ts';
import { type ChartFonts, DEJAVU_FONTS, readFontFile } from './fonts.ts';
import type { ChartSpec } from './spec.ts';
import { DEFAULT_SIZE } from './theme.ts';

/**
 * ECharts through its single-file CommonJS build: the ESM entry loads several hundred modules, which
 * measured 0.8-1.2 s against 0.15-0.4 s for the bundle on this machine, and a CLI run that writes one
 * chart pays it every time. Same package and version, so the option and the picture are unchanged.
 */
const echarts = createRequire(import.meta.url)('echarts') as typeof EchartsModule;

export interface SvgOptions {
  width?: number;
  height?: number;
  /** The font files text is measured with (and resvg later draws with); DejaVu Sans by default. */
  fonts?: ChartFonts;
}

let measuredWith: string | undefined;

/**
 * Points zrender's text measurement at the chart fonts' own advance widths. zrender keeps one
 * platform API per process, so this is set again only when a call names other font files.
 */
function useFontMetrics(fonts: ChartFonts): void {
  const key = `${fonts.regular}\n${fonts.bold}`;
  if (measuredWith === key) return;
  const measure = cssFontMeasurer(
    parseFontMetrics(readFontFile(fonts.regular)),
    parseFontMetrics(readFontFile(fonts.bold)),
  );
  echarts.setPlatformAPI({ measureText: measure as never });
  measuredWith = key;
}

/** zrender ids: an instance prefix, a kind (`cls-` CSS class, `c` clip path, `g` gradient …), a number. */
const ZRENDER_ID = /\bzr\d+-([A-Za-z]+-?)(\d+)\b/g;

/**
 * Returns the SVG with zrender's ids renumbered from zero per kind, in order of first appearance, under
 * a prefix derived from the picture. zrender numbers instances and CSS classes with process-wide
 * counters, so without this the second render of a spec in one process differs from the first.
 */
export function stableIds(svg: string): string {
  const numbering = new Map<string, Map<string, number>>();
  const neutral = svg.replace(ZRENDER_ID, (_, kind: string, n: string) => {
    const ids = numbering.get(kind) ?? new Map<string, number>();
    numbering.set(kind, ids);
    const id = ids.get(n) ?? ids.size;
    ids.set(n, id);
    return `zr-${kind}${id}`;
  });
  const prefix = `sl${createHash('sha256').update(neutral).digest('hex').slice(0, 8)}-`;
  return neutral.replace(/\bzr-(?=[A-Za-z])/g, prefix);
}

/**
 * Returns the chart as an SVG document, drawn by ECharts' server-side renderer with animation off.
 * The same spec and size give the same bytes in any process (see stableIds); the id prefix differs
 * between pictures, which keeps ids distinct when several charts are inlined into one HTML report.
 */
export function renderSvg(spec: ChartSpec, options: SvgOptions = {}): string {
  const width = options.width ?? DEFAULT_SIZE.width;
  const height = options.height ?? DEFAULT_SIZE.height;
  useFontMetrics(options.fonts ?? DEJAVU_FONTS);
  const option = toEchartsOption(spec, { width, height });
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option);
    return stableIds(chart.renderToSVGString());
  } finally {
    chart.dispose();
  }
}
