import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/automation/channels/channel.ts';
import { createChannel } from '../../src/automation/channels/create-channel.ts';
import type { ChannelDefinition } from '../../src/automation/channels/definitions.ts';
import { emailMessageId } from '../../src/automation/channels/email.ts';
import { renderEmail } from '../../src/automation/reports/render/email.ts';
import { fixtureDocument, fixtureImages } from './fixture.ts';
import { type LocalSmtp, type SmtpScript, startSmtp } from './local-smtp.ts';

const definition: ChannelDefinition = {
  name: 'mail',
  type: 'email',
  host: '127.0.0.1',
  port: '${SMTP_PORT}',
  secure: false,
  user: '${SMTP_USER}',
  password: '${SMTP_PASSWORD}',
  from: 'Sightline <reports@acme.example>',
  to: ['ceo@acme.example', '${REPORT_TO}'],
};
const AUTH = { user: 'reports', pass: 's3cret' };
const document = fixtureDocument(2);
const images = await fixtureImages(document);

function channel(smtp: LocalSmtp, waits: number[] = []) {
  return createChannel(
    definition,
    {
      SMTP_PORT: String(smtp.port),
      SMTP_USER: AUTH.user,
      SMTP_PASSWORD: AUTH.pass,
      REPORT_TO: 'cto@acme.example, pm@acme.example',
    },
    { sleep: async (ms) => void waits.push(ms) },
  );
}

async function withSmtp(script: SmtpScript, run: (smtp: LocalSmtp) => Promise<void>): Promise<void> {
  const smtp = await startSmtp(script);
  try {
    await run(smtp);
  } finally {
    await smtp.close();
  }
}

describe('e-mail against a local SMTP server', () => {
  let smtp: LocalSmtp;
  beforeAll(async () => {
    smtp = await startSmtp({ auth: AUTH });
  });
  afterAll(() => smtp.close());

  it('sends one message to every recipient: the HTML, its text alternative and the charts as inline cid images', async () => {
    const rendered = renderEmail(document, images);
    const receipt = await channel(smtp).send(document, { idempotencyKey: 'run-4/mail/', images });
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.user).toBe('reports');
    expect(mail.envelope).toEqual({
      from: 'reports@acme.example',
      to: ['ceo@acme.example', 'cto@acme.example', 'pm@acme.example'],
    });
    const parsed = mail.parsed;
    expect(parsed.subject).toBe(rendered.subject);
    expect(parsed.from?.value).toEqual([{ name: 'Sightline', address: 'reports@acme.example' }]);
    expect(parsed.html).toBe(rendered.html);
    expect(parsed.text?.replace(/\r\n/g, '\n').trimEnd()).toBe(rendered.text.trimEnd());
    expect(parsed.messageId).toBe(emailMessageId('run-4/mail/', 'Sightline <reports@acme.example>'));
    expect(parsed.headers.get('x-sightline-delivery')).toBe('run-4/mail/');
    for (const image of images) expect(rendered.html).toContain(`cid:${image.filename}`);
    expect(
      parsed.attachments.map((a) => ({
        filename: a.filename,
        cid: a.cid,
        contentType: a.contentType,
        disposition: a.contentDisposition,
      })),
    ).toEqual(
      images.map((image) => ({
        filename: image.filename,
        cid: image.filename,
        contentType: 'image/png',
        disposition: 'inline',
      })),
    );
    for (const [i, attachment] of parsed.attachments.entries())
      expect(attachment.content.equals(Buffer.from(images[i]!.png))).toBe(true);
    expect(receipt).toEqual({
      channel: 'mail',
      type: 'email',
      requests: 1,
      ids: [parsed.messageId, '250 Message queued as Q1'],
    });
  });

  it('the Message-ID is derived from the idempotency key: the same key, the same id, another key, another id', () => {
    const id = emailMessageId('run-4/mail/', 'Sightline <reports@acme.example>');
    expect(id).toMatch(/^<sl-[0-9a-f]{32}@acme\.example>$/);
    expect(emailMessageId('run-4/mail/', 'reports@acme.example')).toBe(id);
    expect(emailMessageId('run-5/mail/', 'reports@acme.example')).not.toBe(id);
  });

  it('a wrong password is final: 535 is not retried', async () => {
    const wrong = createChannel(definition, {
      SMTP_PORT: String(smtp.port),
      SMTP_USER: AUTH.user,
      SMTP_PASSWORD: 'nope',
      REPORT_TO: 'cto@acme.example',
    });
    const error = (await wrong
      .send(document, { idempotencyKey: 'k', images })
      .catch((e: unknown) => e)) as DeliveryError;
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error.retryable).toBe(false);
    expect(error.status).toBe(535);
    expect(error.message).toContain('Authentication credentials invalid');
  });
});

describe('e-mail failures', () => {
  it('a transient 451 at DATA is retried with the same Message-ID, and the retry is delivered', async () => {
    await withSmtp(
      { auth: AUTH, data: (i) => (i === 0 ? [451, 'Temporary local problem'] : undefined) },
      async (smtp) => {
        const waits: number[] = [];
        await channel(smtp, waits).send(document, { idempotencyKey: 'run-6/mail/', images });
        expect(smtp.dataCount()).toBe(2);
        expect(waits).toEqual([1000]);
        expect(smtp.received).toHaveLength(1);
        expect(smtp.received[0]!.parsed.messageId).toBe(
          emailMessageId('run-6/mail/', 'reports@acme.example'),
        );
      },
    );
  });

  it('a permanent 554 at DATA is final at once, with the server’s words', async () => {
    await withSmtp({ auth: AUTH, data: () => [554, 'Message rejected as spam'] }, async (smtp) => {
      const error = (await channel(smtp)
        .send(document, { idempotencyKey: 'k', images })
        .catch((e: unknown) => e)) as DeliveryError;
      expect(error).toBeInstanceOf(DeliveryError);
      expect(error.retryable).toBe(false);
      expect(error.status).toBe(554);
      expect(error.message).toContain('Message rejected as spam');
      expect(smtp.dataCount()).toBe(1);
    });
  });

  it('a server that keeps answering 421 ends in a retryable DeliveryError after 4 attempts', async () => {
    await withSmtp({ auth: AUTH, data: () => [421, 'Service shutting down'] }, async (smtp) => {
      const waits: number[] = [];
      const error = (await channel(smtp, waits)
        .send(document, { idempotencyKey: 'k', images })
        .catch((e: unknown) => e)) as DeliveryError;
      expect(error.retryable).toBe(true);
      expect(error.message).toContain('Service shutting down');
      expect(error.message).toContain('(after 4 attempts)');
      expect(waits).toEqual([1000, 2000, 4000]);
      expect(smtp.received).toHaveLength(0);
    });
  });

  it('a refused recipient fails the delivery naming it, though the others were accepted', async () => {
    await withSmtp(
      {
        auth: AUTH,
        rcpt: (address) => (address === 'pm@acme.example' ? [550, 'No such user here'] : undefined),
      },
      async (smtp) => {
        const error = (await channel(smtp)
          .send(document, { idempotencyKey: 'k', images })
          .catch((e: unknown) => e)) as DeliveryError;
        expect(error).toBeInstanceOf(DeliveryError);
        expect(error.retryable).toBe(false);
        expect(error.message).toBe(
          `SMTP 127.0.0.1:${smtp.port}: refused the recipient pm@acme.example (accepted for ceo@acme.example, cto@acme.example)`,
        );
      },
    );
  });

  it('a server that cannot be reached is retryable', async () => {
    const smtp = await startSmtp({ auth: AUTH });
    await smtp.close();
    const waits: number[] = [];
    const error = (await channel(smtp, waits)
      .send(document, { idempotencyKey: 'k', images })
      .catch((e: unknown) => e)) as DeliveryError;
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('ECONNREFUSED');
    expect(waits).toHaveLength(3);
  });
});
