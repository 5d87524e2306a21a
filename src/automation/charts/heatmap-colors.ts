/**
 * The shades of heatmap cells: one blue ramp from a near-white to the forecast blue's dark end, so a
 * retention table reads "darker is more" in print and on screens, and each cell's text in the colour
 * that stays legible on it.
 */

/** The lightest and the darkest cell (value at `min` and at `max`). */
export const HEATMAP_RAMP = { low: '#eff4fd', high: '#1e40af' } as const;

const DARK_TEXT = '#0f172a';
const LIGHT_TEXT = '#ffffff';

/**
 * Returns a cell's fill (linear in sRGB between the ramp's ends by where `value` lies in
 * [min, max], clamped; the darkest when min = max) and its text colour: dark or white, whichever has
 * the higher WCAG 2.x contrast ratio on that fill.
 */
export function heatmapCell(value: number, min: number, max: number): { fill: string; text: string } {
  const t = max > min ? Math.min(1, Math.max(0, (value - min) / (max - min))) : 1;
  const low = rgb(HEATMAP_RAMP.low);
  const high = rgb(HEATMAP_RAMP.high);
  const mixed = low.map((c, i) => Math.round(c + (high[i]! - c) * t)) as [number, number, number];
  const fill = luminance(mixed);
  const contrast = (text: string) =>
    (Math.max(fill, luminance(rgb(text))) + 0.05) / (Math.min(fill, luminance(rgb(text))) + 0.05);
  return { fill: hex(mixed), text: contrast(LIGHT_TEXT) > contrast(DARK_TEXT) ? LIGHT_TEXT : DARK_TEXT };
}

function rgb(color: string): [number, number, number] {
  const n = Number.parseInt(color.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function hex(c: readonly number[]): string {
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** WCAG 2.x relative luminance of an sRGB colour. */
function luminance(c: readonly number[]): number {
  const [r, g, b] = c.map((v) => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
