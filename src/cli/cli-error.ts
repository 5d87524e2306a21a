import { isSightlineError } from '../errors/index.ts';

/**
 * Prints a failure as one line on stderr and sets a non-zero exit code. A SightlineError is a user's
 * problem and prints its code and hint; anything else is a bug and prints its stack for the report.
 */
export function reportFailure(error: unknown): void {
  if (isSightlineError(error)) {
    process.stderr.write(`error ${error.toLine()}\n`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(
    `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 70;
}

/** Wraps a command action so that every failure goes through `reportFailure`. */
export function action<A extends unknown[]>(
  run: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await run(...args);
    } catch (error) {
      reportFailure(error);
    }
  };
}
