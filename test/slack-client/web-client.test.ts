import { describe, expect, it } from '@jest/globals';
import { createSlackWebClient, slackClientOptions } from '../../src/slack-client/web-client.js';

describe('the shared Slack Web API client options', () => {
  it('reject rate-limited calls and do not retry by default', () => {
    expect(slackClientOptions({ env: {} })).toEqual({ rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
  });

  it('take the API URL from the option, else from SLACK_API_URL', () => {
    const env = { SLACK_API_URL: 'http://127.0.0.1:9/api/' };
    expect(slackClientOptions({ env }).slackApiUrl).toBe('http://127.0.0.1:9/api/');
    expect(slackClientOptions({ env, slackApiUrl: 'http://127.0.0.1:8/api/' }).slackApiUrl).toBe('http://127.0.0.1:8/api/');
  });

  it('keep a caller’s retry policy (the bot retries twice)', () => {
    const retryConfig = { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 2000 };
    expect(slackClientOptions({ env: {}, retryConfig })).toMatchObject({ rejectRateLimitedCalls: true, retryConfig });
  });

  it('build a client against the given URL', () => {
    expect(createSlackWebClient('xoxb-test', { slackApiUrl: 'http://127.0.0.1:9/api/' }).slackApiUrl).toBe('http://127.0.0.1:9/api/');
  });
});
