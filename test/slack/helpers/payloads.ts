// Slash command and block_actions payloads with Slack's real field names and encodings.
export const TEAM_ID = 'T0TEST001';
export const CHANNEL_ID = 'C0TEST001';
export const REQUESTER = 'U0ALICE01';
export const BOT_USER_ID = 'U0BOT0001';
export const BOT_ID = 'B0BOT0001';
export const COMMAND_RESPONSE_URL = 'https://hooks.slack.com/commands/T0TEST001/1111111111/abcdefCommand';
export const ACTION_RESPONSE_URL = 'https://hooks.slack.com/actions/T0TEST001/2222222222/abcdefAction';

let triggerCounter = 0;

/** application/x-www-form-urlencoded body of a slash command. */
/** `responseUrl`: where Slack would take answers for this command (tests put the loopback server's there). */
export function slashCommandBody(text: string, options: { user?: string; channel?: string; command?: string; responseUrl?: string } = {}): string {
  triggerCounter += 1;
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: TEAM_ID,
    team_domain: 'example',
    channel_id: options.channel ?? CHANNEL_ID,
    channel_name: 'ops',
    user_id: options.user ?? REQUESTER,
    user_name: 'alice',
    command: options.command ?? '/jenkins',
    text,
    api_app_id: 'A0TEST001',
    is_enterprise_install: 'false',
    response_url: options.responseUrl ?? COMMAND_RESPONSE_URL,
    trigger_id: `${triggerCounter}.1234.abcdef`,
  }).toString();
}

export interface ClickOptions {
  user: string;
  userName?: string;
  actionId: 'jenkins_confirm' | 'jenkins_cancel';
  token: string;
  messageTs: string;
  /** The blocks of the message that carried the buttons (Slack sends them back). */
  blocks?: unknown[];
  channel?: string;
  responseUrl?: string;
}

/** application/x-www-form-urlencoded body `payload=<JSON>` of a block_actions click. */
export function blockActionsBody(click: ClickOptions): string {
  return new URLSearchParams({ payload: JSON.stringify(blockActionsPayload(click)) }).toString();
}

/** The block_actions payload itself (Socket Mode delivers it as an `interactive` envelope's payload). */
export function blockActionsPayload(click: ClickOptions): Record<string, unknown> {
  const channel = click.channel ?? CHANNEL_ID;
  const payload = {
    type: 'block_actions',
    user: { id: click.user, username: click.userName ?? click.user.toLowerCase(), name: click.userName ?? click.user.toLowerCase(), team_id: TEAM_ID },
    api_app_id: 'A0TEST001',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: click.messageTs, channel_id: channel, is_ephemeral: false },
    trigger_id: '3333.4444.abcdef',
    team: { id: TEAM_ID, domain: 'example' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel, name: 'ops' },
    message: {
      type: 'message',
      subtype: 'bot_message',
      text: 'Confirm?',
      ts: click.messageTs,
      bot_id: BOT_ID,
      blocks: click.blocks ?? [],
    },
    state: { values: {} },
    response_url: click.responseUrl ?? ACTION_RESPONSE_URL,
    actions: [
      {
        action_id: click.actionId,
        block_id: 'jenkins_confirmation',
        text: { type: 'plain_text', text: click.actionId === 'jenkins_confirm' ? 'Confirm' : 'Cancel', emoji: true },
        value: click.token,
        type: 'button',
        action_ts: '1700000100.000200',
      },
    ],
  };
  return payload;
}
