/**
 * The HTTP API as the dashboard calls it: the key from localStorage as a bearer token, JSON in and out,
 * and the API's `{error: {code, message, hint}}` turned into an `ApiError` that screens show as is.
 * A 401 also forgets the key and sends the user back to the login screen with the API's message.
 */

const KEY_STORAGE = 'sightline.key';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export function storedKey(): string | null {
  return localStorage.getItem(KEY_STORAGE);
}

export function storeKey(key: string): void {
  localStorage.setItem(KEY_STORAGE, key);
}

export function forgetKey(): void {
  localStorage.removeItem(KEY_STORAGE);
}

type UnauthorizedListener = (error: ApiError) => void;
let onUnauthorized: UnauthorizedListener = () => {};

/** What to do when the API rejects the key (main.ts shows the login screen with the message). */
export function setUnauthorizedHandler(listener: UnauthorizedListener): void {
  onUnauthorized = listener;
}

/**
 * Returns the parsed JSON body of a successful call, or throws `ApiError` with the API's code and
 * message (or `SL_NETWORK` / `SL_BAD_RESPONSE` when there was no answer or it was not JSON).
 */
export async function api<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  key: string | null = storedKey(),
): Promise<T> {
  const headers: Record<string, string> = {};
  if (key) headers['authorization'] = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new ApiError(0, 'SL_NETWORK', `the server did not answer: ${(error as Error).message}`);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiError(response.status, 'SL_BAD_RESPONSE', `HTTP ${response.status}: ${text.slice(0, 200)}`);
  }
  if (response.ok) return parsed as T;
  const error = (parsed as { error?: { code?: string; message?: string; hint?: string } } | undefined)?.error;
  const failure = new ApiError(
    response.status,
    error?.code ?? `HTTP_${response.status}`,
    error?.message ?? (text.slice(0, 200) || response.statusText),
    error?.hint,
  );
  // Only the stored key's rejection logs out; the login screen checks a candidate key and reports itself.
  if (response.status === 401 && key !== null && key === storedKey()) onUnauthorized(failure);
  throw failure;
}
