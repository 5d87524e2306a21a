import type { InputWarning } from './types.ts';

const QUOTE = 0x22;

/**
 * Column names as keys: an empty name becomes `column_<position>` (pandas writes an empty name for its
 * index column) and a repeated one `<name>_2`, `<name>_3`, ..., so that no column overwrites another.
 */
export function uniqueColumnNames(names: string[], warnings: InputWarning[], label: string): string[] {
  // Every name given is reserved first, so that a rename never takes a name a later column has.
  const taken = new Set(names);
  const used = new Set<string>();
  const renamed: string[] = [];
  const result = names.map((raw, i) => {
    let name = raw;
    if (raw === '' || used.has(raw)) {
      const base = raw === '' ? `column_${i + 1}` : raw;
      name = base;
      for (let k = 2; taken.has(name); k++) name = `${base}_${k}`;
      renamed.push(`${JSON.stringify(raw)} -> ${name}`);
    }
    taken.add(name);
    used.add(name);
    return name;
  });
  if (renamed.length > 0) {
    warnings.push({
      code: 'SL_INGEST_CSV_HEADER',
      message: `${label}: renamed empty or repeated columns: ${renamed.join(', ')}`,
    });
  }
  return result;
}

/**
 * Split one CSV row (text without its final newline) into fields, honouring quotes; returns an error
 * message instead when text follows a closing quote (`"ab"c`), which has no reading that loses nothing.
 */
export function parseCsvRow(row: string, delimiter: number): string[] | string {
  const fields: string[] = [];
  const n = row.length;
  let i = 0;
  for (;;) {
    if (i < n && row.charCodeAt(i) === QUOTE) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const q = row.indexOf('"', from);
        if (q === -1) return `field ${fields.length + 1} has an unclosed quote`;
        value += row.slice(from, q);
        if (row.charCodeAt(q + 1) === QUOTE) {
          value += '"';
          from = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      fields.push(value);
      if (i === n) return fields;
      if (row.charCodeAt(i) === delimiter) {
        i++;
        continue;
      }
      return `text after the closing quote of field ${fields.length}`;
    }
    let next = i;
    while (next < n && row.charCodeAt(next) !== delimiter) next++;
    fields.push(row.slice(i, next));
    if (next === n) return fields;
    i = next + 1;
  }
}
