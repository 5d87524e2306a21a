import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { SightlineError } from '../../../errors/index.ts';
import { INPUT_FORMATS, type InputFormat, type InputSource } from './types.ts';

/**
 * File extensions and their formats, looked up after stripping `.gz`. `.json` maps to `json`, which is
 * not a promise of a JSON array: the json reader sniffs the first non-whitespace byte and reads `[` as
 * an array and anything else as NDJSON. Standard input gets `json` too (unless --format says otherwise)
 * and is sniffed the same way; whether it is gzip-compressed is decided by its magic bytes when it is
 * opened (openInput), since it has no name to go by.
 */
const EXTENSION_FORMATS: Readonly<Record<string, InputFormat>> = {
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.json': 'json',
  '.csv': 'csv',
  '.tsv': 'csv',
  '.parquet': 'parquet',
};

export const STDIN_PATH = '-';

/**
 * Turn the paths given to `sightline ingest` into the inputs to read, in order:
 * `-` is standard input; a directory means every file below it with a known extension (hidden files and
 * directories excepted), sorted; a path that does not exist but contains glob syntax is expanded with
 * tinyglobby, sorted; anything else is a file. A path or glob that matches nothing is an error naming
 * it, and so is a file whose format cannot be told. A file named twice is read once.
 */
export async function expandInputs(paths: string[], format?: InputFormat): Promise<InputSource[]> {
  if (format !== undefined && !INPUT_FORMATS.includes(format)) {
    throw new SightlineError('SL_INGEST_UNKNOWN_FORMAT', `unknown format "${String(format)}"`);
  }
  const sources: InputSource[] = [];
  const seen = new Set<string>();
  const add = (file: string): void => {
    const key = path.resolve(file);
    if (seen.has(key)) return;
    seen.add(key);
    sources.push(sourceFor(file, format));
  };
  for (const input of paths) {
    if (input === STDIN_PATH) {
      if (format === 'parquet') {
        throw new SightlineError(
          'SL_INGEST_UNKNOWN_FORMAT',
          'Parquet cannot be read from standard input; pass the file path',
        );
      }
      sources.push({ path: STDIN_PATH, format: format ?? 'json', gzip: false });
      continue;
    }
    const info = await stat(input).catch(() => null);
    if (info?.isDirectory()) {
      const files = await filesUnder(input);
      if (files.length === 0) {
        throw new SightlineError(
          'SL_INGEST_INPUT_NOT_FOUND',
          `the directory ${input} has no ${Object.keys(EXTENSION_FORMATS).join(' ')} files (optionally .gz)`,
        );
      }
      for (const file of files) add(file);
    } else if (info !== null) {
      add(input);
    } else if (isDynamicPattern(input)) {
      const matches = await glob(input, {
        onlyFiles: true,
        absolute: path.isAbsolute(input),
        expandDirectories: false,
      });
      if (matches.length === 0)
        throw new SightlineError('SL_INGEST_INPUT_NOT_FOUND', `no file matches ${input}`);
      for (const file of matches.sort(byCodePoint)) add(file);
    } else {
      throw new SightlineError('SL_INGEST_INPUT_NOT_FOUND', `${input} does not exist`);
    }
  }
  return sources;
}

/** The format and compression of a file, from `format` when given, else from its name. */
export function sourceFor(file: string, format?: InputFormat): InputSource {
  const lower = file.toLowerCase();
  const gzip = lower.endsWith('.gz');
  const base = gzip ? lower.slice(0, -3) : lower;
  const inferred = EXTENSION_FORMATS[path.extname(base)];
  const chosen = format ?? inferred;
  if (chosen === undefined) {
    throw new SightlineError(
      'SL_INGEST_UNKNOWN_FORMAT',
      `cannot tell the format of ${file} from its extension`,
    );
  }
  if (chosen === 'parquet' && gzip) {
    throw new SightlineError(
      'SL_INGEST_UNKNOWN_FORMAT',
      `${file}: Parquet is not read from .gz files (it compresses internally)`,
    );
  }
  return { path: file, format: chosen, gzip };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    // Node 20 sets `parentPath` (and the older `path`) on recursive entries.
    const parent = (entry as { parentPath?: string }).parentPath ?? (entry as { path?: string }).path ?? dir;
    const file = path.join(parent, entry.name);
    const relative = path.relative(dir, file);
    if (relative.split(path.sep).some((part) => part.startsWith('.'))) continue;
    if (!hasKnownExtension(entry.name)) continue;
    files.push(file);
  }
  return files.sort(byCodePoint);
}

function hasKnownExtension(name: string): boolean {
  const lower = name.toLowerCase();
  const base = lower.endsWith('.gz') ? lower.slice(0, -3) : lower;
  return Object.hasOwn(EXTENSION_FORMATS, path.extname(base));
}

/** Locale-independent order, so that the same directory is always read in the same order. */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
