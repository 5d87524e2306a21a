/**
 * Text in code point order, as DuckDB and ClickHouse compare strings (byte order of UTF-8), which is not
 * JavaScript's `<` (UTF-16 code units) for characters beyond the Basic Multilingual Plane. Null sorts
 * after every value.
 */
export function compareText(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const ca = [...a];
  const cb = [...b];
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const x = (ca[i] as string).codePointAt(0) as number;
    const y = (cb[i] as string).codePointAt(0) as number;
    if (x !== y) return x - y;
  }
  return ca.length - cb.length;
}
