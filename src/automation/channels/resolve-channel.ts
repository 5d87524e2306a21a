/**
 * A channel definition with its `${…}` references substituted, at the moment of a delivery: what a
 * transport needs, typed (a port as a number, TLS as a boolean, recipients as a list).
 */
import { SightlineError } from '../../errors/index.ts';
import type { ChannelDefinition } from './definitions.ts';
import {
  isAddress,
  isHttpUrl,
  isPort,
  SLACK_API_URL,
  SLACK_CHANNEL_ID,
  slackChannelMistake,
  splitAddresses,
} from './definitions.ts';
import { substitute } from './template.ts';

export type ResolvedChannel =
  | {
      readonly type: 'telegram';
      readonly name: string;
      readonly token: string;
      readonly chatId: string;
      readonly threadId: number | undefined;
      readonly apiUrl: string;
    }
  | {
      readonly type: 'slack';
      readonly name: string;
      readonly mode: 'webhook';
      readonly webhookUrl: string;
    }
  | {
      readonly type: 'slack';
      readonly name: string;
      readonly mode: 'bot';
      readonly token: string;
      /** A conversation id (`C0123456789`). */
      readonly channel: string;
      readonly apiUrl: string;
    }
  | {
      readonly type: 'email';
      readonly name: string;
      readonly host: string;
      readonly port: number;
      readonly secure: boolean;
      readonly auth: { readonly user: string; readonly pass: string } | undefined;
      readonly from: string;
      readonly to: readonly string[];
    }
  | {
      readonly type: 'webhook';
      readonly name: string;
      readonly url: string;
      readonly secret: string | undefined;
    };

/**
 * Returns the definition with every reference replaced from `variables`. Fails with SL_CHANNEL_CONFIG
 * naming the channel and every variable that is unset (and has no default), or a value that is not what
 * its key needs once substituted (a URL, a port, an address), before anything is sent.
 */
export function resolveChannel(
  definition: ChannelDefinition,
  variables: Readonly<Record<string, string | undefined>>,
): ResolvedChannel {
  const missing: string[] = [];
  const missingKeys: string[] = [];
  const problems: string[] = [];
  const get = (key: string, value: string): string => {
    const result = substitute(value, variables);
    if ('error' in result) {
      problems.push(`${key}: ${result.error}`);
      return '';
    }
    for (const name of result.missing) if (!missing.includes(name)) missing.push(name);
    if (result.missing.length > 0) missingKeys.push(key);
    return result.value;
  };
  const url = (key: string, value: string): string => {
    const resolved = get(key, value);
    if (resolved !== '' && !isHttpUrl(resolved))
      problems.push(`${key}: "${redact(resolved)}" is not an http(s) URL`);
    return resolved.replace(/\/+$/, '');
  };
  const thread = (value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const resolved = get('threadId', value);
    if (resolved !== '' && !/^\d+$/.test(resolved))
      problems.push(`threadId: "${resolved}" is not a topic id (a whole number)`);
    return resolved === '' ? undefined : Number(resolved);
  };
  let resolved: ResolvedChannel;
  const name = definition.name;
  switch (definition.type) {
    case 'telegram':
      resolved = {
        type: 'telegram',
        name,
        token: get('token', definition.token),
        chatId: get('chatId', definition.chatId),
        threadId: thread(definition.threadId),
        apiUrl: url('apiUrl', definition.apiUrl),
      };
      break;
    case 'slack': {
      if (definition.token === undefined) {
        if (definition.webhookUrl === undefined)
          problems.push('webhookUrl: missing (or give token and channel)');
        resolved = {
          type: 'slack',
          name,
          mode: 'webhook',
          webhookUrl: url('webhookUrl', definition.webhookUrl ?? ''),
        };
        break;
      }
      const token = get('token', definition.token);
      // The token goes into an Authorization header, and fetch refuses a value with a line break inside
      // by quoting it (Node 20: `Headers.append: "Bearer xoxb-…\nX: y" is an invalid header value`), token
      // included. Refused here instead, without echoing the value.
      if (/[\s\x00-\x1f\x7f]/.test(token))
        problems.push('token: holds whitespace or a line break (copied with the line end?)');
      const channel = get('channel', definition.channel ?? '');
      if (channel !== '' && !SLACK_CHANNEL_ID.test(channel))
        problems.push(`channel: ${slackChannelMistake(channel)}`);
      resolved = {
        type: 'slack',
        name,
        mode: 'bot',
        token,
        channel,
        apiUrl: url('apiUrl', definition.apiUrl ?? SLACK_API_URL),
      };
      break;
    }
    case 'webhook':
      resolved = {
        type: 'webhook',
        name,
        url: url('url', definition.url),
        secret: definition.secret === undefined ? undefined : get('secret', definition.secret),
      };
      break;
    case 'email': {
      const port =
        typeof definition.port === 'number' ? String(definition.port) : get('port', definition.port);
      if (port !== '' && !isPort(port)) problems.push(`port: "${port}" is not a port (1–65535)`);
      const secure =
        typeof definition.secure === 'boolean' ? String(definition.secure) : get('secure', definition.secure);
      if (secure !== '' && secure !== 'true' && secure !== 'false')
        problems.push(`secure: "${secure}" is neither true nor false`);
      const user = definition.user === undefined ? undefined : get('user', definition.user);
      const pass = definition.password === undefined ? undefined : get('password', definition.password);
      const from = get('from', definition.from);
      if (from !== '' && !isAddress(from)) problems.push(`from: "${from}" is not an e-mail address`);
      const to = definition.to.flatMap((entry, i) => splitAddresses(get(`to.${i}`, entry)));
      for (const address of to)
        if (!isAddress(address)) problems.push(`to: "${address}" is not an e-mail address`);
      resolved = {
        type: 'email',
        name,
        host: get('host', definition.host),
        port: Number(port),
        secure: secure === 'true',
        auth: user !== undefined && pass !== undefined ? { user, pass } : undefined,
        from,
        to,
      };
      break;
    }
  }
  if (missing.length > 0) {
    const list = missing.join(', ');
    throw new SightlineError(
      'SL_CHANNEL_CONFIG',
      `channel "${name}" needs the environment variable${missing.length > 1 ? 's' : ''} ${list} (for ${missingKeys.join(', ')}), which ${missing.length > 1 ? 'are' : 'is'} not set`,
      {
        hint: `set ${list} in the environment of the process that sends`,
        details: { channel: name, missing },
      },
    );
  }
  if (problems.length > 0)
    throw new SightlineError('SL_CHANNEL_CONFIG', `channel "${name}": ${problems.join('; ')}`, {
      details: { channel: name, problems },
    });
  return resolved;
}

/** A URL without its path and query, which may hold a token (Slack's webhook URLs do). */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname === '/' && parsed.search === '' ? parsed.origin : `${parsed.origin}/…`;
  } catch {
    return '…';
  }
}
