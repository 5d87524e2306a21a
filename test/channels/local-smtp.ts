/**
 * An SMTP server on 127.0.0.1 (`smtp-server`) that parses each accepted message with `mailparser`, for
 * tests of the e-mail channel. Plain SMTP without STARTTLS (nodemailer would otherwise upgrade and refuse
 * the self-signed certificate); AUTH PLAIN/LOGIN allowed over it when a user is configured.
 */
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMail {
  readonly envelope: { from: string; to: string[] };
  readonly user: string | undefined;
  readonly raw: Buffer;
  readonly parsed: ParsedMail;
}

export interface SmtpScript {
  /** Credentials the server accepts; without them AUTH is optional and any login fails. */
  readonly auth?: { user: string; pass: string };
  /** An SMTP error for the Nth DATA (0-based) instead of acceptance: `[451, 'Try again later']`. */
  readonly data?: (index: number) => readonly [number, string] | undefined;
  /** An SMTP error for a recipient: `[550, 'No such user']`. */
  readonly rcpt?: (address: string) => readonly [number, string] | undefined;
}

export interface LocalSmtp {
  readonly host: string;
  readonly port: number;
  /** Messages accepted (after a 250 to DATA). */
  readonly received: ReceivedMail[];
  /** DATA commands seen, accepted or not. */
  dataCount(): number;
  close(): Promise<void>;
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startSmtp(script: SmtpScript = {}): Promise<LocalSmtp> {
  const received: ReceivedMail[] = [];
  let data = 0;
  let queued = 0;
  const server = new SMTPServer({
    disabledCommands: script.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    authOptional: !script.auth,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === script.auth?.user && auth.password === script.auth?.pass)
        return callback(null, { user: auth.username });
      return callback(smtpError(535, 'Authentication credentials invalid'));
    },
    onRcptTo(address, _session, callback) {
      const refusal = script.rcpt?.(address.address);
      callback(refusal ? smtpError(refusal[0], refusal[1]) : null);
    },
    onData(stream, session: SMTPServerSession, callback) {
      const index = data++;
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', async () => {
        const refusal = script.data?.(index);
        if (refusal) return callback(smtpError(refusal[0], refusal[1]));
        const raw = Buffer.concat(chunks);
        received.push({
          envelope: {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
          },
          user: session.user as string | undefined,
          raw,
          parsed: await simpleParser(raw, { keepCidLinks: true }),
        });
        queued++;
        callback(null, `Message queued as Q${queued}`);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    received,
    dataCount: () => data,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
