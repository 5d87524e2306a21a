export { ERROR_CODES, type ErrorCode } from './codes.ts';
export { isSightlineError, SightlineError } from './sightline-error.ts';
