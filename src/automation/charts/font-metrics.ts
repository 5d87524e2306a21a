/**
 * Advance widths read from a TrueType file, so ECharts lays out labels, legends and titles with the
 * widths of the font resvg will draw them in. Without this, zrender on the server falls back to a
 * built-in width table of a narrower sans-serif (about 10% narrower than DejaVu Sans), and legend
 * entries and long tick labels collide in the PNG.
 *
 * Reads only what widths need (OpenType spec, "Required tables"): `head.unitsPerEm`,
 * `hhea.numberOfHMetrics`, the `hmtx` advance widths and a `cmap` format-4 subtable (Unicode BMP).
 * Kerning is ignored: DejaVu's kerning changes a label's width by well under a pixel at 12 px.
 */
export interface FontMetrics {
  /** Width in pixels of `text` set at `fontSize` pixels, without kerning. */
  width(text: string, fontSize: number): number;
}

interface TableDirectory {
  [tag: string]: { offset: number; length: number };
}

function readTables(view: DataView): TableDirectory {
  const numTables = view.getUint16(4);
  const tables: TableDirectory = {};
  for (let i = 0; i < numTables; i++) {
    const record = 12 + 16 * i;
    const tag = String.fromCharCode(
      view.getUint8(record),
      view.getUint8(record + 1),
      view.getUint8(record + 2),
      view.getUint8(record + 3),
    );
    tables[tag] = { offset: view.getUint32(record + 8), length: view.getUint32(record + 12) };
  }
  return tables;
}

function requireTable(tables: TableDirectory, tag: string): { offset: number; length: number } {
  const table = tables[tag];
  if (table === undefined) throw new Error(`font has no ${tag} table`);
  return table;
}

/** Offset of the cmap subtable for Unicode BMP (platform 3 encoding 1, else platform 0), format 4. */
function findFormat4(view: DataView, cmapOffset: number): number {
  const count = view.getUint16(cmapOffset + 2);
  let found = -1;
  for (let i = 0; i < count; i++) {
    const record = cmapOffset + 4 + 8 * i;
    const platform = view.getUint16(record);
    const encoding = view.getUint16(record + 2);
    const offset = cmapOffset + view.getUint32(record + 4);
    if (view.getUint16(offset) !== 4) continue;
    if (platform === 3 && encoding === 1) return offset;
    if (platform === 0) found = offset;
  }
  if (found < 0) throw new Error('font has no format-4 cmap subtable');
  return found;
}

/** Glyph index of a BMP code point through a format-4 cmap subtable (OpenType spec, cmap format 4). */
function glyphIndex(view: DataView, sub: number, code: number): number {
  const segCount = view.getUint16(sub + 6) / 2;
  const endCodes = sub + 14;
  const startCodes = endCodes + 2 * segCount + 2;
  const idDeltas = startCodes + 2 * segCount;
  const idRangeOffsets = idDeltas + 2 * segCount;
  for (let s = 0; s < segCount; s++) {
    if (code > view.getUint16(endCodes + 2 * s)) continue;
    const start = view.getUint16(startCodes + 2 * s);
    if (code < start) return 0;
    const delta = view.getInt16(idDeltas + 2 * s);
    const rangeOffsetAt = idRangeOffsets + 2 * s;
    const rangeOffset = view.getUint16(rangeOffsetAt);
    if (rangeOffset === 0) return (code + delta) & 0xffff;
    const glyph = view.getUint16(rangeOffsetAt + rangeOffset + 2 * (code - start));
    return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
  }
  return 0;
}

/** Returns the advance-width metrics of a TrueType font given its bytes; widths are cached per character. */
export function parseFontMetrics(bytes: Uint8Array): FontMetrics {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tables = readTables(view);
  const unitsPerEm = view.getUint16(requireTable(tables, 'head').offset + 18);
  const numberOfHMetrics = view.getUint16(requireTable(tables, 'hhea').offset + 34);
  const hmtx = requireTable(tables, 'hmtx').offset;
  const cmap = findFormat4(view, requireTable(tables, 'cmap').offset);
  const cache = new Map<number, number>();

  const advance = (code: number): number => {
    const cached = cache.get(code);
    if (cached !== undefined) return cached;
    const glyph = code > 0xffff ? 0 : glyphIndex(view, cmap, code);
    // Glyphs past numberOfHMetrics share the last advance width (hmtx table definition).
    const metric = Math.min(glyph, numberOfHMetrics - 1);
    const em = view.getUint16(hmtx + 4 * metric) / unitsPerEm;
    cache.set(code, em);
    return em;
  };

  return {
    width(text, fontSize) {
      let em = 0;
      for (const char of text) em += advance(char.codePointAt(0)!);
      return em * fontSize;
    },
  };
}

/**
 * Returns a measurer with zrender's `measureText(text, font)` signature: it reads the pixel size and
 * weight from the CSS font string zrender builds (`bold 18px DejaVu Sans`, `normal normal 12px …`).
 */
export function cssFontMeasurer(
  regular: FontMetrics,
  bold: FontMetrics,
): (text: string, font?: string) => { width: number } {
  return (text, font) => {
    const css = font ?? '12px sans-serif';
    const size = /(\d+(?:\.\d+)?)px/.exec(css);
    const fontSize = size ? Number(size[1]) : 12;
    const isBold = /\b(bold|bolder|[6-9]00)\b/.test(css);
    return { width: (isBold ? bold : regular).width(text ?? '', fontSize) };
  };
}
