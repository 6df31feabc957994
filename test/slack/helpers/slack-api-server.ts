// A loopback server that speaks the Slack Web API (POST /api/<method>, form or JSON bodies, the token in the
// Authorization header), the response_urls Slack hands out (/response/…), file uploads (/upload/…) and Socket Mode:
// `apps.connections.open` returns a ws:// URL on this same server, where each connection gets Slack's `hello` and
// the test sends envelopes and reads the acks. The bot reaches it through SLACK_API_URL (`apiUrl`).
//
// Every Web API call is recorded with its decoded arguments; answers have Slack's real shapes; a call can be made
// to fail (an `ok: false` error, a 5xx, or a 429 with Retry-After), held until the test releases it, or the whole
// API made unreachable (connections are cut before any answer, as when Slack cannot be reached).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { BOT_ID, BOT_USER_ID, CHANNEL_ID, REQUESTER, TEAM_ID } from './payloads.js';

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  /** The bearer token the call carried. */
  token: string | undefined;
}

export interface RecordedResponse {
  url: string;
  body: Record<string, unknown>;
}

export interface Override {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** What arrived on a Socket Mode connection from the client (acks: `{ envelope_id, payload? }`). */
export interface SocketMessage {
  connection: number;
  data: Record<string, unknown>;
}

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

export class SlackApiServer {
  readonly calls: RecordedCall[] = [];
  readonly responses: RecordedResponse[] = [];
  /** Messages received over Socket Mode, in order. */
  readonly socketMessages: SocketMessage[] = [];
  /** What response_urls answer (404 = an expired or used-up response_url). */
  responseUrlStatus = 200;
  /** When true, every Web API connection is cut before an answer (Slack unreachable). */
  unreachable = false;
  /** Send `hello` on each new Socket Mode connection (Slack always does). */
  sendHello = true;

  private readonly overrides = new Map<string, Override[]>();
  private readonly holds = new Map<string, Promise<void>>();
  private readonly sockets: WebSocket[] = [];
  private readonly ackWaiters = new Map<string, (payload: Record<string, unknown> | undefined) => void>();
  private tsCounter = 0;

  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    readonly origin: string,
  ) {}

  static async start(): Promise<SlackApiServer> {
    const wss = new WebSocketServer({ noServer: true });
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const slack = new SlackApiServer(server, wss, `http://127.0.0.1:${port}`);
    server.on('request', (req, res) => {
      slack.route(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, JSON_TYPE);
        res.end(JSON.stringify({ ok: false, error: 'fatal_error', detail: String(err) }));
      });
    });
    server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/link/')) {
        socket.destroy();
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => slack.onSocket(ws));
    });
    return slack;
  }

  /** SLACK_API_URL for the bot. */
  get apiUrl(): string {
    return `${this.origin}/api/`;
  }

  /** A response_url as Slack puts it in a slash command payload (served here). */
  get commandResponseUrl(): string {
    return `${this.origin}/response/commands/${TEAM_ID}/1111111111/abcdefCommand`;
  }

  get actionResponseUrl(): string {
    return `${this.origin}/response/actions/${TEAM_ID}/2222222222/abcdefAction`;
  }

  /** The next call of `method` gets this answer instead of success. */
  failNext(method: string, override: Override): void {
    const queue = this.overrides.get(method) ?? [];
    queue.push(override);
    this.overrides.set(method, queue);
  }

  /** Calls of `method` (or posts to a response_url: `response_url`) wait, recorded but unanswered, until the returned function is called. */
  hold(method: string): () => void {
    let release!: () => void;
    this.holds.set(method, new Promise<void>((resolve) => (release = resolve)));
    return () => {
      this.holds.delete(method);
      release();
    };
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Everything posted into a channel or edited there, in order. */
  channelWrites(): RecordedCall[] {
    return this.calls.filter((call) => call.method === 'chat.postMessage' || call.method === 'chat.update');
  }

  // ---- Socket Mode -------------------------------------------------------------------------------------------

  /** Socket Mode connections made so far (open or not). */
  get connectionCount(): number {
    return this.sockets.length;
  }

  /** Connections still open. */
  get openConnections(): number {
    return this.sockets.filter((ws) => ws.readyState === 1).length;
  }

  /**
   * Sends an envelope on the newest open connection (Slack picks one of the app's connections). Resolves with the
   * ack's payload once the client acks it (`{}` when the ack carried none).
   */
  async deliver(envelope: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
    const ws = [...this.sockets].reverse().find((s) => s.readyState === 1);
    if (!ws) throw new Error('no open Socket Mode connection to deliver on');
    const id = envelope.envelope_id as string | undefined;
    const acked = id ? new Promise<Record<string, unknown> | undefined>((resolve) => this.ackWaiters.set(id, resolve)) : Promise.resolve(undefined);
    await new Promise<void>((resolve, reject) => ws.send(JSON.stringify(envelope), (err) => (err ? reject(err) : resolve())));
    return acked;
  }

  /** Slack recycling the connection: a `disconnect` envelope (the client closes and reconnects). */
  async requestRefresh(reason: 'refresh_requested' | 'warning' | 'link_disabled' = 'refresh_requested'): Promise<void> {
    await this.deliver({ type: 'disconnect', reason, debug_info: { host: 'applink-test-1' } });
  }

  /** The network drops every connection: no close frame, the TCP connection is just gone. */
  dropConnections(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  /** A slash command envelope as Socket Mode delivers it (the same fields as the HTTP form, as strings). */
  static slashCommandEnvelope(text: string, options: { user?: string; channel?: string; responseUrl?: string; retryAttempt?: number } = {}): Record<string, unknown> {
    return {
      envelope_id: randomUUID(),
      type: 'slash_commands',
      accepts_response_payload: true,
      ...(options.retryAttempt ? { retry_attempt: options.retryAttempt, retry_reason: 'timeout' } : {}),
      payload: {
        token: 'deprecated-verification-token',
        team_id: TEAM_ID,
        team_domain: 'example',
        channel_id: options.channel ?? CHANNEL_ID,
        channel_name: 'ops',
        user_id: options.user ?? REQUESTER,
        user_name: 'alice',
        command: '/jenkins',
        text,
        api_app_id: 'A0TEST001',
        is_enterprise_install: 'false',
        response_url: options.responseUrl ?? 'https://hooks.slack.com/commands/T0TEST001/1/x',
        trigger_id: `${Date.now()}.1234.abcdef`,
      },
    };
  }

  /** An interactive (block_actions) envelope carrying `payload` (the same JSON Slack posts over HTTP). */
  static interactiveEnvelope(payload: Record<string, unknown>): Record<string, unknown> {
    return { envelope_id: randomUUID(), type: 'interactive', accepts_response_payload: false, payload };
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    for (const release of [...this.holds.keys()]) this.holds.delete(release);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onSocket(ws: WebSocket): void {
    this.sockets.push(ws);
    const connection = this.sockets.length;
    ws.on('error', () => {});
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(data.toString()) as Record<string, unknown>;
      } catch {
        return;
      }
      this.socketMessages.push({ connection, data: parsed });
      const id = parsed.envelope_id as string | undefined;
      const waiter = id ? this.ackWaiters.get(id) : undefined;
      if (id && waiter) {
        this.ackWaiters.delete(id);
        waiter((parsed.payload as Record<string, unknown> | undefined) ?? {});
      }
    });
    if (this.sendHello) {
      ws.send(JSON.stringify({
        type: 'hello',
        num_connections: this.openConnections,
        debug_info: { host: 'applink-test-1', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: 'A0TEST001' },
      }));
    }
  }

  // ---- HTTP ----------------------------------------------------------------------------------------------------

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', this.origin).pathname;
    if (this.unreachable && path.startsWith('/api/')) {
      req.socket.destroy();
      return;
    }
    const raw = await readBody(req);
    if (path.startsWith('/response/')) {
      this.responses.push({ url: `${this.origin}${req.url}`, body: JSON.parse(raw) as Record<string, unknown> });
      const held = this.holds.get('response_url');
      if (held) await held;
      res.writeHead(this.responseUrlStatus, { 'content-type': 'text/html' });
      res.end(this.responseUrlStatus === 200 ? 'ok' : 'expired_url');
      return;
    }
    if (path.startsWith('/upload/')) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('OK - 42');
      return;
    }
    const match = /^\/api\/([a-zA-Z.]+)$/.exec(path);
    if (!match || req.method !== 'POST') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    const method = match[1]!;
    const args = decode(raw, req.headers['content-type']);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? (typeof args.token === 'string' ? args.token : undefined);
    this.calls.push({ method, args, token: bearer });
    const held = this.holds.get(method);
    if (held) await held;
    const override = this.overrides.get(method)?.shift();
    if (override) {
      res.writeHead(override.status, { ...JSON_TYPE, ...override.headers });
      res.end(JSON.stringify(override.body));
      return;
    }
    res.writeHead(200, JSON_TYPE);
    res.end(JSON.stringify(this.answer(method, args, bearer)));
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `1700000000.${String(this.tsCounter).padStart(6, '0')}`;
  }

  private answer(method: string, args: Record<string, unknown>, token: string | undefined): Record<string, unknown> {
    if (!token) return { ok: false, error: 'not_authed' };
    // Slack takes the app-level token for apps.connections.open only, and only that token there.
    const appLevel = token.startsWith('xapp-');
    if ((method === 'apps.connections.open') !== appLevel) return { ok: false, error: 'not_allowed_token_type' };
    const message = (ts: string) => ({ type: 'message', subtype: 'bot_message', text: args.text, user: BOT_USER_ID, bot_id: BOT_ID, ts, blocks: args.blocks });
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://example.slack.com/', team: 'Example', user: 'jenkins', team_id: TEAM_ID, user_id: BOT_USER_ID, bot_id: BOT_ID, is_enterprise_install: false };
      case 'apps.connections.open':
        return { ok: true, url: `${this.origin.replace(/^http/, 'ws')}/link/?ticket=${randomUUID()}&app_id=A0TEST001` };
      case 'chat.postMessage': {
        const ts = this.nextTs();
        return { ok: true, channel: args.channel, ts, message: message(ts) };
      }
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text, message: message(String(args.ts)) };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'files.getUploadURLExternal':
        return { ok: true, upload_url: `${this.origin}/upload/v1/CwABAAAAXwoAAZ`, file_id: 'F0TEST001' };
      case 'files.completeUploadExternal':
        return { ok: true, files: [{ id: 'F0TEST001', title: 'file' }] };
      case 'usergroups.list':
        return { ok: true, usergroups: [{ id: 'S0ADMINS1', handle: 'jenkins-admins', users: [REQUESTER] }] };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

/** The Web API client sends form-encoded fields, with JSON for structured ones (blocks, attachments, files). */
function decode(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.startsWith('application/json')) return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    out[key] = ['blocks', 'attachments', 'files'].includes(key) ? JSON.parse(value) : value;
  }
  return out;
}

export function blockTexts(blocks: unknown): string {
  return JSON.stringify(blocks ?? []);
}
