// Slack redelivers a payload it believes was not acknowledged: HTTP mode marks it with X-Slack-Retry-Num, Socket
// Mode with retry_attempt; Bolt exposes both as context.retryNum. Every handler acknowledges before doing any
// work, so a redelivery almost always means the first delivery was received and is already running, possibly on
// another replica. Redeliveries are therefore acknowledged and dropped: a cluster-changing command runs at most
// once, and no replica needs to remember what it has seen (no in-memory dedupe table is essential).
export interface RetryContext {
  retryNum?: number;
  retryReason?: string;
}

export function isRedelivery(context: RetryContext): boolean {
  return typeof context.retryNum === 'number' && context.retryNum > 0;
}
