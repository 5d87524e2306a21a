/**
 * A recording HTTP server on 127.0.0.1 for channel tests: every request is kept with its raw body bytes,
 * and answered by the test's `respond` (a status, headers and body per request, so a test can script a
 * 503, then a 429, then success).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface LocalServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Starts the server; `respond` is called with each request and the number of requests before it. */
export async function startLocalServer(
  respond: (request: RecordedRequest, index: number) => Answer | Promise<Answer>,
): Promise<LocalServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      const index = requests.length;
      requests.push(recorded);
      const answer = await respond(recorded, index);
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The body of a multipart/form-data request, parsed by the platform's own parser (undici's). */
export async function parseForm(request: RecordedRequest): Promise<FormData> {
  const contentType = String(request.headers['content-type']);
  return new Request('http://local/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: request.body,
  }).formData();
}
