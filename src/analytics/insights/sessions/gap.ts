import { durationSchema } from '../duration.ts';

/** An inactivity gap (`30m`, `90s`, `2h`, or seconds); a gap exactly this long continues a session. */
export const gapSchema = durationSchema('gap', '30m');
