/**
 * A multipart/form-data body written byte for byte. The platform's FormData is not used because the
 * HTML form encoding it follows turns every line feed of a text field into CR LF, so a caption would
 * reach Telegram other than the renderer wrote it (and count differently against the 1,024 limit).
 */
import { randomBytes } from 'node:crypto';

export type FormPart =
  | { readonly name: string; readonly value: string }
  | {
      readonly name: string;
      readonly filename: string;
      readonly contentType: string;
      readonly data: Uint8Array;
    };

/** The body and its Content-Type (with the boundary), for one request. */
export function encodeMultipart(parts: readonly FormPart[]): { body: Uint8Array; contentType: string } {
  const boundary = `sightline-${randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(part.name)}"`;
    if ('data' in part) head += `; filename="${quoted(part.filename)}"\r\nContent-Type: ${part.contentType}`;
    chunks.push(Buffer.from(`${head}\r\n\r\n`, 'utf8'));
    chunks.push('data' in part ? Buffer.from(part.data) : Buffer.from(part.value, 'utf8'));
    chunks.push(Buffer.from('\r\n', 'utf8'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
  return {
    body: new Uint8Array(Buffer.concat(chunks)),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** A name or filename inside quotes, escaped as the HTML standard's form encoding does. */
function quoted(text: string): string {
  return text.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');
}
