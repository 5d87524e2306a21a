import { ERROR_CODES, type ErrorCode } from './codes.ts';

/**
 * A user mistake or an environment problem the user can fix: a value with a stable code, a message that
 * says what happened, and a hint that says what to do. Exceptions of other types are broken invariants.
 */
export class SightlineError extends Error {
  readonly code: ErrorCode;
  readonly hint: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { hint?: string; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SightlineError';
    this.code = code;
    this.hint = options.hint ?? ERROR_CODES[code].hint;
    this.details = options.details;
  }

  /** One line for a terminal: `SL_CODE: message (hint)`. */
  toLine(): string {
    return `${this.code}: ${this.message}${this.hint ? ` (${this.hint})` : ''}`;
  }

  toJSON(): { code: ErrorCode; message: string; hint: string } {
    return { code: this.code, message: this.message, hint: this.hint };
  }
}

export function isSightlineError(error: unknown): error is SightlineError {
  return error instanceof SightlineError;
}
