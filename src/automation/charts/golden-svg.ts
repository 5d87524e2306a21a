import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Saved chart SVGs (STYLE.md §7), beside the other chart fixtures. */
export const GOLDEN_DIR = path.resolve(import.meta.dirname, '../../../test/fixtures/charts');

/**
 * Returns an SVG in the form golden files are compared in: the content-derived id prefix renderSvg
 * writes replaced by a fixed one (a changed picture would otherwise change every id line too), and
 * numbers rounded to 2 decimals so last-digit floating-point differences between platforms or Node
 * versions do not fail a comparison, while anything a reader could see still does.
 */
export function normalizeSvg(svg: string): string {
  return svg
    .replace(/\bsl[0-9a-f]{8}-/g, 'id-')
    .replace(/-?\d+\.\d+(?:e-?\d+)?/g, (n) => {
      const rounded = Math.round(Number(n) * 100) / 100;
      return String(Object.is(rounded, -0) ? 0 : rounded);
    })
    .trimEnd()
    .concat('\n');
}

export type GoldenOutcome = 'same' | 'written' | 'changed' | 'missing';

/**
 * Compares a rendered SVG with `<dir>/<name>.svg` after normalising both sides. On a difference it
 * writes `<name>-changed.svg` beside the golden file (open the two side by side) and returns
 * `changed`; with `update` (UPDATE_GOLDEN=1 in the tests) it rewrites the golden file instead. A
 * missing golden file is written and reported as `missing`, so a new chart is looked at once before it
 * guards anything.
 */
export function compareGoldenSvg(
  name: string,
  svg: string,
  options: { update: boolean; dir?: string },
): GoldenOutcome {
  const dir = options.dir ?? GOLDEN_DIR;
  const file = path.join(dir, `${name}.svg`);
  const changed = path.join(dir, `${name}-changed.svg`);
  const actual = normalizeSvg(svg);
  mkdirSync(dir, { recursive: true });
  if (options.update) {
    writeFileSync(file, actual);
    rmSync(changed, { force: true });
    return 'written';
  }
  if (!existsSync(file)) {
    writeFileSync(file, actual);
    return 'missing';
  }
  if (normalizeSvg(readFileSync(file, 'utf8')) === actual) {
    rmSync(changed, { force: true });
    return 'same';
  }
  writeFileSync(changed, actual);
  return 'changed';
}
