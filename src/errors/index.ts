export { ERROR_CODES, type ErrorCode } from './codes.ts';
export { closest, editDistance } from './did-you-mean.ts';
export { isSightlineError, SightlineError } from './sightline-error.ts';
