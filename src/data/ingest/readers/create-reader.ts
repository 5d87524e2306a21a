import { createCsvReader } from './csv-reader.ts';
import { createJsonReader } from './json-array-reader.ts';
import { createNdjsonReader } from './ndjson-reader.ts';
import type { OpenInputOptions } from './open-input.ts';
import { createParquetReader } from './parquet-reader.ts';
import type { InputFormat, InputSource, ReaderOptions, RecordReader } from './types.ts';

type ReaderFactory = (source: InputSource, options: ReaderOptions, io?: OpenInputOptions) => RecordReader;

/** One reader per format; `json` sniffs between a JSON array and NDJSON (see createJsonReader). */
const READERS: Readonly<Record<InputFormat, ReaderFactory>> = {
  ndjson: createNdjsonReader,
  json: createJsonReader,
  csv: createCsvReader,
  parquet: (source, options) => createParquetReader(source, options),
};

/** The reader for a source. Nothing is opened until iteration starts. */
export function createReader(
  source: InputSource,
  options: ReaderOptions,
  io?: OpenInputOptions,
): RecordReader {
  return READERS[source.format](source, options, io);
}
