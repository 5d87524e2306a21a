import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';

export interface FileIdentity {
  path: string;
  size: number;
  mtimeMs: number;
  headSha256: string;
}

const HEAD_BYTES = 64 * 1024;

/**
 * What the manifest remembers a file by: its absolute path, size, modification time and a hash of its
 * first 64 KiB. Appending to a file or replacing it changes the identity, so it is read again (and its
 * already-stored records count as duplicates).
 */
export function fileIdentity(file: string): FileIdentity {
  const absolute = path.resolve(file);
  const stat = statSync(absolute);
  const fd = openSync(absolute, 'r');
  try {
    const head = Buffer.alloc(Math.min(HEAD_BYTES, stat.size));
    readSync(fd, head, 0, head.length, 0);
    return {
      path: absolute,
      size: stat.size,
      mtimeMs: Math.trunc(stat.mtimeMs),
      headSha256: createHash('sha256').update(head).digest('hex'),
    };
  } finally {
    closeSync(fd);
  }
}
