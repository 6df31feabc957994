// The Slack transport: Bolt app, Block Kit rendering, confirmations, audit posting.
export { startSlackBot, createSlackBot, type SlackBot, type SlackBotOptions, type RunnerOrFactory } from './bot.js';
export { readSlackConfig, hasSlackTokens, SlackConfigError, type SlackConfig, type SlackMode } from './config.js';
export { renderMessage, renderConfirmation, CONFIRM_ACTION_ID, CANCEL_ACTION_ID, SLACK_LIMITS } from './block-kit.js';
export { createSlackAuditSink } from './audit.js';
export { SLASH_COMMAND } from './command-handler.js';
