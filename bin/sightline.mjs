#!/usr/bin/env -S node --max-old-space-size=256 --max-semi-space-size=32
// Runs the TypeScript sources directly through tsx, so `npx sightline` works right after `npm ci`
// with no build step to remember.
//
// The heap cap keeps ingestion's peak RSS inside its budget: V8 otherwise lets short-lived garbage grow
// the heap by a hundred megabytes and more (bench/ingest.bench.ts measures it). Nothing the CLI holds
// needs more; a long-running server started with `node` directly can choose its own. A larger young
// generation (32 MB semi-spaces) measured about 8% faster ingestion: fewer scavenges of short-lived rows.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
