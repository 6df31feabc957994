// Signs requests the way Slack does: v0=HMAC-SHA256("v0:<timestamp>:<raw body>") with the signing secret.
import { createHmac } from 'node:crypto';

/** Obviously fake secret for tests. */
export const SIGNING_SECRET = 'test-signing-secret-not-real';

export function slackSignature(rawBody: string, timestampSeconds: number, secret = SIGNING_SECRET): Record<string, string> {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestampSeconds}:${rawBody}`).digest('hex')}`;
  return { 'x-slack-signature': signature, 'x-slack-request-timestamp': String(timestampSeconds) };
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
