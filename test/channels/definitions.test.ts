import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildChannels, type ChannelDefinitionSource } from '../../src/automation/channels/definitions.ts';
import { resolveChannel } from '../../src/automation/channels/resolve-channel.ts';
import { parseTemplate, substitute } from '../../src/automation/channels/template.ts';
import { loadProjectFile, parseProjectFile } from '../../src/config/project-file.ts';
import { SightlineError } from '../../src/errors/index.ts';

function problemsOf(source: Record<string, ChannelDefinitionSource>): string[] {
  try {
    buildChannels(source);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(SightlineError);
    expect((error as SightlineError).code).toBe('SL_CHANNEL_INVALID');
    return (error as SightlineError).details?.['problems'] as string[];
  }
}

/** Parses a `channels:` block the way sightline.yaml is read, defaults included. */
function channelsFrom(yaml: string): Record<string, ChannelDefinitionSource> {
  return parseProjectFile(`channels:\n${yaml}`).channels ?? {};
}

describe('${NAME} references', () => {
  it('substitutes variables and defaults as a shell does (the default also when the variable is empty)', () => {
    expect(substitute('${A}/${B:-b}/${C:-}', { A: 'a', B: '' })).toEqual({ value: 'a/b/', missing: [] });
    expect(substitute('x${A}y${B}', {})).toEqual({ value: 'xy', missing: ['A', 'B'] });
    expect(substitute('https://h/${P:-x:y}', { P: 'p' })).toEqual({ value: 'https://h/p', missing: [] });
  });

  it('names what is malformed', () => {
    expect(parseTemplate('${1A}')).toEqual({
      error:
        '"${1A}" is not a variable reference (write ${NAME} or ${NAME:-default}; NAME is letters, digits and _)',
    });
    expect('error' in parseTemplate('abc ${OPEN')).toBe(true);
    expect('error' in parseTemplate('${A:default}')).toBe(true);
  });
});

describe('channels: in sightline.yaml', () => {
  it("accepts the demo's Telegram channel and every type written with references", () => {
    const channels = buildChannels(
      channelsFrom(`
  oncall:
    type: telegram
    token: \${SIGHTLINE_TELEGRAM_TOKEN}
    chatId: \${SIGHTLINE_TELEGRAM_CHAT_ID}
    apiUrl: \${SIGHTLINE_TELEGRAM_API_URL:-https://api.telegram.org}
  eng:
    type: slack
    webhookUrl: \${SLACK_WEBHOOK_URL}
  mail:
    type: email
    host: smtp.example.com
    port: \${SMTP_PORT:-587}
    user: reports@example.com
    password: \${SMTP_PASSWORD}
    from: Sightline <reports@example.com>
    to: [ceo@example.com, "\${REPORT_TO}"]
  hook:
    type: webhook
    url: https://hooks.example.com/sightline
    secret: \${WEBHOOK_SECRET}
`),
    );
    expect([...channels.keys()]).toEqual(['oncall', 'eng', 'mail', 'hook']);
    expect(channels.get('oncall')).toMatchObject({ name: 'oncall', type: 'telegram' });
  });

  it('refuses a secret written in the file, with the line to write instead, and every other problem at once', () => {
    expect(
      problemsOf(
        channelsFrom(`
  oncall:
    type: telegram
    token: "123456:ABC"
    chatId: "not a chat"
    threadId: general
    apiUrl: ftp://example.com
  eng:
    type: slack
    webhookUrl: \${SLACK_URL:-https://hooks.slack.com/services/T/B/x}
  mail:
    type: email
    host: smtp.example.com
    port: "99999"
    user: reports@example.com
    from: reports
    to: [a@example.com, "b@example.com, nobody"]
  hook:
    type: webhook
    url: \${HOOK_URL:-not-a-url}
    secret: \${1BAD}
`),
      ),
    ).toEqual([
      'channels.oncall.token: a secret must not be written in the file; write token: ${SIGHTLINE_TELEGRAM_TOKEN} and set that environment variable',
      'channels.oncall.apiUrl: "ftp://example.com" is not an http(s) URL',
      'channels.oncall.chatId: "not a chat" is neither a numeric chat id nor @channelname',
      'channels.oncall.threadId: "general" is not a topic id (a whole number)',
      'channels.eng.webhookUrl: a secret must not be written in the file; write webhookUrl: ${SIGHTLINE_ENG_WEBHOOK_URL} and set that environment variable',
      'channels.mail.port: "99999" is not a port (1–65535)',
      'channels.mail.from: "reports" is not an e-mail address',
      'channels.mail.to.1: "nobody" is not an e-mail address',
      'channels.mail.user: give both user and password, or neither',
      'channels.hook.secret: "${1BAD}" is not a variable reference (write ${NAME} or ${NAME:-default}; NAME is letters, digits and _)',
      'channels.hook.url: "not-a-url" is not an http(s) URL',
    ]);
  });
});

describe('loading sightline.yaml', () => {
  it('refuses a literal token when the project file loads, not at the first delivery', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sl-channels-'));
    try {
      const file = path.join(dir, 'sightline.yaml');
      writeFileSync(
        file,
        'channels:\n  oncall:\n    type: telegram\n    token: "123456:ABC"\n    chatId: "-100123"\n',
      );
      const error = (() => {
        try {
          return loadProjectFile(file);
        } catch (e) {
          return e;
        }
      })() as SightlineError;
      expect(error).toBeInstanceOf(SightlineError);
      expect(error.toLine()).toBe(
        `SL_CHANNEL_INVALID: ${file}: channels.oncall.token: a secret must not be written in the file; write token: \${SIGHTLINE_TELEGRAM_TOKEN} and set that environment variable (fix the listed keys under channels: in sightline.yaml; secrets go in environment variables)`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('quiet hours on a channel', () => {
  it('reads them with the alert rules’ schema (timezone defaults to UTC) and refuses an unknown zone at load', () => {
    const [oncall] = buildChannels(
      channelsFrom(
        '  oncall:\n    type: webhook\n    url: https://hooks.example.com/x\n    quietHours: { from: "22:00", to: "08:00" }\n',
      ),
    ).values();
    // Minutes after local midnight, as the rules' quiet hours are read.
    expect(oncall!.quietHours).toEqual({ from: 22 * 60, to: 8 * 60, timezone: 'UTC' });
    expect(() =>
      channelsFrom(
        '  oncall:\n    type: webhook\n    url: https://hooks.example.com/x\n    quietHours: { from: "22:00", to: "08:00", timezone: Mars/Olympus }\n',
      ),
    ).toThrow('channels.oncall.quietHours.timezone: unknown time zone "Mars/Olympus"');
  });
});

describe('resolving a channel at delivery', () => {
  it('substitutes every reference and types the values', () => {
    const [mail] = buildChannels(
      channelsFrom(`
  mail:
    type: email
    host: \${SMTP_HOST}
    port: \${SMTP_PORT:-587}
    secure: \${SMTP_SECURE:-false}
    user: \${SMTP_USER}
    password: \${SMTP_PASSWORD}
    from: Sightline <reports@example.com>
    to: [ceo@example.com, "\${REPORT_TO}"]
`),
    ).values();
    expect(
      resolveChannel(mail!, {
        SMTP_HOST: 'mx.example.com',
        SMTP_SECURE: 'true',
        SMTP_USER: 'u',
        SMTP_PASSWORD: 'p',
        REPORT_TO: 'a@example.com, b@example.com',
      }),
    ).toEqual({
      type: 'email',
      name: 'mail',
      host: 'mx.example.com',
      port: 587,
      secure: true,
      auth: { user: 'u', pass: 'p' },
      from: 'Sightline <reports@example.com>',
      to: ['ceo@example.com', 'a@example.com', 'b@example.com'],
    });
  });

  it('fails with SL_CHANNEL_CONFIG naming every unset variable and the channel', () => {
    const [oncall] = buildChannels(
      channelsFrom(`
  oncall:
    type: telegram
    token: \${SIGHTLINE_TELEGRAM_TOKEN}
    chatId: \${SIGHTLINE_TELEGRAM_CHAT_ID}
`),
    ).values();
    const error = (() => {
      try {
        return resolveChannel(oncall!, { SIGHTLINE_TELEGRAM_CHAT_ID: '' });
      } catch (e) {
        return e;
      }
    })() as SightlineError;
    expect(error.code).toBe('SL_CHANNEL_CONFIG');
    expect(error.message).toBe(
      'channel "oncall" needs the environment variables SIGHTLINE_TELEGRAM_TOKEN, SIGHTLINE_TELEGRAM_CHAT_ID (for token, chatId), which are not set',
    );
    expect(error.hint).toBe(
      'set SIGHTLINE_TELEGRAM_TOKEN, SIGHTLINE_TELEGRAM_CHAT_ID in the environment of the process that sends',
    );
  });

  it('fails with SL_CHANNEL_CONFIG when a substituted value is not what its key needs, without echoing a secret URL', () => {
    const [eng] = buildChannels(
      channelsFrom('  eng:\n    type: slack\n    webhookUrl: ${SLACK_URL}\n'),
    ).values();
    expect(() => resolveChannel(eng!, { SLACK_URL: 'hooks.slack.com/services/T/B/secret' })).toThrow(
      'channel "eng": webhookUrl: "…" is not an http(s) URL',
    );
  });
});
