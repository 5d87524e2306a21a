/**
 * An HTTP server speaking the part of Slack's Web API a bot channel uses, for tests: `/api/chat.postMessage`
 * (JSON), `/api/files.getUploadURLExternal` and `/api/files.completeUploadExternal` (form-encoded), and the
 * upload URLs it hands out (`/upload/v1/<file id>`, on the same 127.0.0.1 server). It checks what Slack
 * checks — a Bearer token, the arguments each method requires, an upload's `length` against the bytes
 * received, a completion only of files whose bytes arrived, once — and answers as Slack does
 * (`{ok: true, ts}`, `{ok: false, error}`), unless the test scripts another answer for a request.
 */
import {
  type Answer,
  type LocalServer,
  parseForm,
  type RecordedRequest,
  startLocalServer,
} from './local-server.ts';

export interface SlackRequest {
  /** `chat.postMessage`, `files.getUploadURLExternal`, `files.completeUploadExternal`, or `upload`. */
  readonly method: string;
  readonly authorization: string | undefined;
  readonly contentType: string;
  /** A JSON body as it was; a form's fields as strings; an upload's non-file fields. */
  readonly fields: Record<string, unknown>;
  /** An upload's file part: its field name, filename, type and bytes. */
  readonly file?: { field: string; filename: string; contentType: string; bytes: Uint8Array };
  /** The file id of an upload URL. */
  readonly fileId?: string;
  readonly answer: Answer;
}

export interface SlackMessage {
  readonly ts: string;
  readonly channel: string;
  readonly text: string;
  readonly blocks: unknown;
}

export interface SharedFile {
  readonly id: string;
  readonly title: string | undefined;
  readonly filename: string;
  readonly altText: string | undefined;
  readonly bytes: Uint8Array;
  readonly channel: string;
  readonly threadTs: string | undefined;
}

export interface SlackApiServer {
  /** The `apiUrl` to configure (`<origin>/api`). */
  readonly apiUrl: string;
  readonly origin: string;
  readonly requests: SlackRequest[];
  /** Messages posted, in order. */
  readonly messages: SlackMessage[];
  /** Files shared by a completion, in order: what the channel shows. */
  readonly shared: SharedFile[];
  readonly raw: RecordedRequest[];
  close(): Promise<void>;
}

export const TEST_TOKEN = 'xoxb-1234-5678-SeCrEtToKeN';

/** A Web API error answer as Slack writes it: HTTP 200 unless told otherwise. */
export function slackError(error: string, extra: Record<string, unknown> = {}, status = 200): Answer {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ ok: false, error, ...extra }),
  };
}

const ok = (fields: Record<string, unknown>): Answer => ({
  status: 200,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify({ ok: true, ...fields }),
});

/**
 * Starts the server. `script(request, index)` may return an answer for a request (a failure) before the
 * server handles it; undefined lets the server answer as Slack would.
 */
export async function startSlackApi(
  script: (request: Omit<SlackRequest, 'answer'>, index: number) => Answer | undefined = () => undefined,
): Promise<SlackApiServer> {
  const requests: SlackRequest[] = [];
  const messages: SlackMessage[] = [];
  const shared: SharedFile[] = [];
  const pending = new Map<
    string,
    { filename: string; length: number; altText: string | undefined; bytes?: Uint8Array }
  >();
  let nextTs = 1_790_000_000;
  let nextFile = 1;
  let origin = '';

  const handle = (request: Omit<SlackRequest, 'answer'>): Answer => {
    if (request.method === 'upload') {
      const upload = request.fileId === undefined ? undefined : pending.get(request.fileId);
      if (!upload || !request.file) return { status: 404, body: 'not found' };
      if (request.file.bytes.byteLength !== upload.length) return { status: 400, body: 'length mismatch' };
      upload.bytes = request.file.bytes;
      return { status: 200, headers: { 'content-type': 'text/plain' }, body: `OK - ${upload.length}` };
    }
    if (request.authorization !== `Bearer ${TEST_TOKEN}`)
      return slackError(request.authorization === undefined ? 'not_authed' : 'invalid_auth');
    const f = request.fields;
    switch (request.method) {
      case 'chat.postMessage': {
        if (typeof f['channel'] !== 'string') return slackError('channel_not_found');
        if (typeof f['text'] !== 'string' && !Array.isArray(f['blocks'])) return slackError('no_text');
        const ts = `${nextTs++}.000100`;
        messages.push({ ts, channel: f['channel'], text: String(f['text'] ?? ''), blocks: f['blocks'] });
        return ok({ channel: f['channel'], ts, message: { text: f['text'] } });
      }
      case 'files.getUploadURLExternal': {
        const length = Number(f['length']);
        if (typeof f['filename'] !== 'string' || !Number.isInteger(length) || length <= 0)
          return slackError('invalid_arguments');
        const id = `F${String(nextFile++).padStart(9, '0')}`;
        pending.set(id, {
          filename: f['filename'],
          length,
          altText: typeof f['alt_txt'] === 'string' ? f['alt_txt'] : undefined,
        });
        return ok({ upload_url: `${origin}/upload/v1/${id}?sig=abc123`, file_id: id });
      }
      case 'files.completeUploadExternal': {
        let files: { id: string; title?: string }[];
        try {
          files = JSON.parse(String(f['files']));
        } catch {
          return slackError('invalid_arguments');
        }
        for (const file of files) {
          const upload = pending.get(file.id);
          if (!upload?.bytes) return slackError('file_not_found');
        }
        const channel = String(f['channel_id'] ?? '');
        const threadTs = typeof f['thread_ts'] === 'string' ? f['thread_ts'] : undefined;
        if (threadTs !== undefined && !messages.some((m) => m.ts === threadTs && m.channel === channel))
          return slackError('invalid_thread_ts');
        for (const file of files) {
          const upload = pending.get(file.id)!;
          pending.delete(file.id);
          shared.push({
            id: file.id,
            title: file.title,
            filename: upload.filename,
            altText: upload.altText,
            bytes: upload.bytes!,
            channel,
            threadTs,
          });
        }
        return ok({ files: files.map((file) => ({ id: file.id, title: file.title })) });
      }
      default:
        return slackError('unknown_method');
    }
  };

  const server: LocalServer = await startLocalServer(async (raw, index) => {
    const path = raw.url.split('?')[0] ?? '';
    const upload = /^\/upload\/v1\/([A-Z0-9]+)$/.exec(path);
    const api = /^\/api\/([A-Za-z.]+)$/.exec(path);
    const contentType = String(raw.headers['content-type'] ?? '');
    const fields: Record<string, unknown> = {};
    let file: SlackRequest['file'];
    if (contentType.startsWith('application/json'))
      Object.assign(fields, JSON.parse(raw.body.toString('utf8')));
    else if (contentType.startsWith('application/x-www-form-urlencoded'))
      for (const [k, v] of new URLSearchParams(raw.body.toString('utf8'))) fields[k] = v;
    else if (contentType.startsWith('multipart/form-data'))
      for (const [field, value] of await parseForm(raw)) {
        if (typeof value === 'string') fields[field] = value;
        else
          file = {
            field,
            filename: value.name,
            contentType: value.type,
            bytes: new Uint8Array(await value.arrayBuffer()),
          };
      }
    const request: Omit<SlackRequest, 'answer'> = {
      method: upload ? 'upload' : (api?.[1] ?? raw.url),
      authorization: raw.headers.authorization,
      contentType,
      fields,
      ...(file ? { file } : {}),
      ...(upload ? { fileId: upload[1] } : {}),
    };
    const answer = script(request, index) ?? handle(request);
    requests.push({ ...request, answer });
    return answer;
  });
  origin = server.url;
  return {
    apiUrl: `${server.url}/api`,
    origin: server.url,
    requests,
    messages,
    shared,
    raw: server.requests,
    close: () => server.close(),
  };
}
