import { describe, expect, it } from 'vitest';
import { buildChannels, type ChannelDefinitionSource } from '../../src/automation/channels/definitions.ts';
import { resolveChannel } from '../../src/automation/channels/resolve-channel.ts';
import { parseProjectFile } from '../../src/config/project-file.ts';
import { SightlineError } from '../../src/errors/index.ts';

/** Parses a `channels:` block the way sightline.yaml is read. */
function channelsFrom(yaml: string): Record<string, ChannelDefinitionSource> {
  return parseProjectFile(`channels:\n${yaml}`).channels ?? {};
}

function problemsOf(yaml: string): string[] {
  try {
    buildChannels(channelsFrom(yaml));
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(SightlineError);
    expect((error as SightlineError).code).toBe('SL_CHANNEL_INVALID');
    return (error as SightlineError).details?.['problems'] as string[];
  }
}

function configError(run: () => unknown): SightlineError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SightlineError);
    expect((error as SightlineError).code).toBe('SL_CHANNEL_CONFIG');
    return error as SightlineError;
  }
  throw new Error('expected SL_CHANNEL_CONFIG');
}

describe('Slack channels in sightline.yaml', () => {
  it('a webhook definition parses to exactly what was written: no bot keys, no apiUrl default', () => {
    const channels = buildChannels(
      channelsFrom('  eng:\n    type: slack\n    webhookUrl: ${SLACK_WEBHOOK_URL}\n'),
    );
    expect(channels.get('eng')).toEqual({ name: 'eng', type: 'slack', webhookUrl: '${SLACK_WEBHOOK_URL}' });
    expect(
      resolveChannel(channels.get('eng')!, { SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/x' }),
    ).toEqual({
      type: 'slack',
      name: 'eng',
      mode: 'webhook',
      webhookUrl: 'https://hooks.slack.com/services/T/B/x',
    });
  });

  it('a bot definition resolves to its token, channel id and the public Web API unless apiUrl is set', () => {
    const channels = buildChannels(
      channelsFrom(`
  eng:
    type: slack
    token: \${SLACK_BOT_TOKEN}
    channel: C0123456789
  local:
    type: slack
    token: \${SLACK_BOT_TOKEN}
    channel: \${SLACK_CHANNEL}
    apiUrl: \${SLACK_API_URL:-https://slack.com/api}
`),
    );
    const variables = {
      SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
      SLACK_CHANNEL: 'G0ABCDEF12',
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
    };
    expect(resolveChannel(channels.get('eng')!, variables)).toEqual({
      type: 'slack',
      name: 'eng',
      mode: 'bot',
      token: 'xoxb-1-2-abc',
      channel: 'C0123456789',
      apiUrl: 'https://slack.com/api',
    });
    expect(resolveChannel(channels.get('local')!, variables)).toMatchObject({
      channel: 'G0ABCDEF12',
      apiUrl: 'http://127.0.0.1:9/api',
    });
  });

  it('refuses every mistake at once, each with what to write instead', () => {
    expect(
      problemsOf(`
  literal:
    type: slack
    token: xoxb-1-2-abc
    channel: C0123456789
  both:
    type: slack
    webhookUrl: \${SLACK_WEBHOOK_URL}
    token: \${SLACK_BOT_TOKEN}
    channel: C0123456789
  neither:
    type: slack
  nochannel:
    type: slack
    token: \${SLACK_BOT_TOKEN}
  byname:
    type: slack
    token: \${SLACK_BOT_TOKEN}
    channel: "#general"
    apiUrl: slack.com/api
  hookwithchannel:
    type: slack
    webhookUrl: \${SLACK_WEBHOOK_URL}
    channel: C0123456789
    apiUrl: https://slack.com/api
`),
    ).toEqual([
      'channels.literal.token: a secret must not be written in the file; write token: ${SIGHTLINE_LITERAL_TOKEN} and set that environment variable',
      'channels.both.token: give webhookUrl (an incoming webhook) or token and channel (a bot that uploads the charts), not both',
      'channels.neither.webhookUrl: missing; give webhookUrl (an incoming webhook) or token and channel (a bot that uploads the charts)',
      'channels.nochannel.channel: missing; a bot token needs the id of the channel to post to (channel: C0123456789)',
      'channels.byname.apiUrl: "slack.com/api" is not an http(s) URL',
      `channels.byname.channel: "#general" is a channel name; write the channel's id: the id is at the bottom of the channel's details in Slack (C0123456789)`,
      'channels.hookwithchannel.channel: only with a bot token (did you mean token: ${SLACK_BOT_TOKEN} with channel?); a webhook posts to the channel it was created for',
      'channels.hookwithchannel.apiUrl: only with a bot token (did you mean token: ${SLACK_BOT_TOKEN} with channel?); a webhook posts to the channel it was created for',
    ]);
  });

  it('an unknown key of a Slack channel is refused when the file loads', () => {
    expect(() => channelsFrom('  eng:\n    type: slack\n    token: ${T}\n    chanel: C0123456789\n')).toThrow(
      /unknown key "channels\.eng\.chanel"/,
    );
  });

  it('a missing token variable fails the delivery that needs it, naming it, before any request', () => {
    const [eng] = buildChannels(
      channelsFrom('  eng:\n    type: slack\n    token: ${SLACK_BOT_TOKEN}\n    channel: C0123456789\n'),
    ).values();
    const error = configError(() => resolveChannel(eng!, {}));
    expect(error.message).toBe(
      'channel "eng" needs the environment variable SLACK_BOT_TOKEN (for token), which is not set',
    );
  });

  it('a token with a line break, a channel variable holding a name, and a bad apiUrl are refused without echoing the token', () => {
    const [eng] = buildChannels(
      channelsFrom(
        '  eng:\n    type: slack\n    token: ${SLACK_BOT_TOKEN}\n    channel: ${SLACK_CHANNEL}\n    apiUrl: ${SLACK_API_URL}\n',
      ),
    ).values();
    const error = configError(() =>
      resolveChannel(eng!, {
        SLACK_BOT_TOKEN: 'xoxb-1-2-SECRET\nX-Evil: 1',
        SLACK_CHANNEL: 'general',
        SLACK_API_URL: 'slack.com/api',
      }),
    );
    expect(error.message).toBe(
      `channel "eng": token: holds whitespace or a line break (copied with the line end?); channel: "general" is not a channel id; the id is at the bottom of the channel's details in Slack (C0123456789); apiUrl: "…" is not an http(s) URL`,
    );
    expect(error.message).not.toContain('SECRET');
  });
});
