/**
 * An HTTP server speaking the Telegram Bot API (`/bot<token>/<method>`), for tests of the Telegram
 * channel and of everything that delivers through it (alerts, reports, the scheduler). It parses each
 * call (JSON or multipart/form-data, files with their bytes) and answers as the Bot API does: `{ok: true,
 * result}` with increasing message ids, unless the test scripts another answer for a call.
 */
import {
  type Answer,
  type LocalServer,
  parseForm,
  type RecordedRequest,
  startLocalServer,
} from './local-server.ts';

export interface BotFile {
  readonly field: string;
  readonly filename: string;
  readonly contentType: string;
  readonly bytes: Uint8Array;
}

export interface BotCall {
  readonly token: string;
  readonly method: string;
  readonly contentType: string;
  /** Every non-file field; a JSON body's values as they were, a form's as strings. */
  readonly fields: Record<string, unknown>;
  readonly files: BotFile[];
  /** The message ids this call was answered with (none when the answer was an error). */
  readonly messageIds: number[];
}

export interface BotApiServer {
  /** The `apiUrl` to configure. */
  readonly url: string;
  readonly calls: BotCall[];
  readonly raw: RecordedRequest[];
  close(): Promise<void>;
}

/** The answer of a scripted failure, as the Bot API writes it. */
export function botError(
  errorCode: number,
  description: string,
  parameters?: Record<string, unknown>,
): Answer {
  return {
    status: errorCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      ok: false,
      error_code: errorCode,
      description,
      ...(parameters ? { parameters } : {}),
    }),
  };
}

/**
 * Starts the server. `script(call, index)` may return an answer for a call (a failure), or `'hold'` to
 * never answer it (the client is to die waiting); returning undefined answers success.
 */
export async function startBotApi(
  script: (call: BotCall, index: number) => Answer | 'hold' | undefined = () => undefined,
): Promise<BotApiServer> {
  const calls: BotCall[] = [];
  let nextMessageId = 1000;
  const server: LocalServer = await startLocalServer(async (request) => {
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(request.url);
    if (!match) return botError(404, 'Not Found');
    const contentType = String(request.headers['content-type'] ?? '');
    const fields: Record<string, unknown> = {};
    const files: BotFile[] = [];
    if (contentType.startsWith('application/json'))
      Object.assign(fields, JSON.parse(request.body.toString('utf8')));
    else if (contentType.startsWith('multipart/form-data')) {
      for (const [field, value] of await parseForm(request)) {
        if (typeof value === 'string') fields[field] = value;
        else
          files.push({
            field,
            filename: value.name,
            contentType: value.type,
            bytes: new Uint8Array(await value.arrayBuffer()),
          });
      }
    }
    const messageIds: number[] = [];
    const call: BotCall = { token: match[1]!, method: match[2]!, contentType, fields, files, messageIds };
    const index = calls.length;
    calls.push(call);
    const scripted = script(call, index);
    if (scripted === 'hold') return new Promise<Answer>(() => {});
    if (scripted) return scripted;
    const message = () => {
      const id = nextMessageId++;
      messageIds.push(id);
      return { message_id: id, chat: { id: fields['chat_id'] }, date: 0 };
    };
    let result: unknown;
    if (call.method === 'sendMediaGroup')
      result = (JSON.parse(String(fields['media'])) as unknown[]).map(message);
    else result = message();
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ok: true, result }),
    };
  });
  return { url: server.url, calls, raw: server.requests, close: () => server.close() };
}
