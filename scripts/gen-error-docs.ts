// Prints docs/errors.md from the catalogue: `npx tsx scripts/gen-error-docs.ts > docs/errors.md`.

import { REJECT_REASONS } from '../src/data/events/event.ts';
import { ERROR_CODES } from '../src/errors/codes.ts';

let out =
  '# Error codes\n\nEvery error Sightline reports to a person carries one of these stable codes. The CLI prints\n`error CODE: message (hint)` on one line and exits with status 2; the HTTP API answers\n`{ "error": { "code", "message" } }`.\n\n| code | meaning | what to do |\n|---|---|---|\n';
for (const [code, { summary, hint }] of Object.entries(ERROR_CODES))
  out += `| \`${code}\` | ${summary} | ${hint} |\n`;
out +=
  '\n# Reject reasons\n\nA rejected record is written to the dead-letter file with one of these reasons.\n\n| reason | meaning |\n|---|---|\n';
for (const [reason, meaning] of Object.entries(REJECT_REASONS)) out += `| \`${reason}\` | ${meaning} |\n`;
process.stdout.write(out);
