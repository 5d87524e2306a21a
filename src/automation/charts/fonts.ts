import { existsSync, readFileSync } from 'node:fs';
import { SightlineError } from '../../errors/index.ts';

/**
 * The fonts every chart is drawn with. Debian's `fonts-dejavu-core` installs them here (the test script
 * installs the package). They are passed to resvg explicitly, with system fonts off, so a PNG does not
 * depend on which fonts a machine happens to have.
 */
export interface ChartFonts {
  regular: string;
  bold: string;
}

export const DEJAVU_FONTS: ChartFonts = {
  regular: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  bold: '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
};

/**
 * Returns the font files as a list after checking each exists; a missing one is the coded error
 * SL_CHART_FONT_MISSING naming the file and the package that provides it (resvg would otherwise draw
 * no text at all, silently).
 */
export function checkedFontFiles(fonts: ChartFonts = DEJAVU_FONTS): string[] {
  const files = [fonts.regular, fonts.bold];
  for (const file of files) {
    if (!existsSync(file)) {
      throw new SightlineError('SL_CHART_FONT_MISSING', `chart font file ${file} does not exist`, {
        details: { file },
      });
    }
  }
  return files;
}

/** Reads a font file, or throws SL_CHART_FONT_MISSING when it is absent. */
export function readFontFile(file: string): Uint8Array {
  if (!existsSync(file)) {
    throw new SightlineError('SL_CHART_FONT_MISSING', `chart font file ${file} does not exist`, {
      details: { file },
    });
  }
  return readFileSync(file);
}
