// Bolt's HTTP receiver with a guard in front: a request whose body Slack would never send (a `payload` that is
// `null`, an array or a number, an interaction without `type`, a block_actions without actions or user, a form with
// neither a command nor a payload) is answered 400 and logged before Bolt sees it. Bolt would otherwise dereference
// `null` in a promise nobody awaits (an unhandled rejection: the process dies), answer 500, or hold the request
// 3 s and answer 404. The body is buffered once here and handed to Bolt as `rawBody`, which Bolt reads instead of
// the stream; signature verification stays Bolt's.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { HTTPReceiver, type HTTPReceiverOptions } from '@slack/bolt';
import type { Logger } from '../../observability/logger.js';

const BODY_LIMIT = 4 * 1024 * 1024; // Bolt's default

export class GuardedHTTPReceiver extends HTTPReceiver {
  constructor(options: HTTPReceiverOptions, logger: Logger) {
    super(options);
    const inner = this.requestListener;
    this.requestListener = (req, res) => {
      if (req.method !== 'POST') {
        inner(req, res);
        return;
      }
      bufferBody(req)
        .then((raw) => {
          const problem = raw === undefined ? 'body too large' : malformed(raw, req.headers['content-type']);
          if (problem) {
            logger.warn({ path: req.url, problem }, 'refused a malformed request on the Slack endpoint (400); nothing was run');
            res.writeHead(problem === 'body too large' ? 413 : 400).end();
            return;
          }
          (req as IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
          inner(req, res);
        })
        .catch((err: unknown) => {
          logger.warn({ path: req.url, error: err instanceof Error ? err.message : String(err) }, 'could not read a request on the Slack endpoint');
          if (!res.headersSent) res.writeHead(400).end();
        });
    };
  }
}

function bufferBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > BODY_LIMIT ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Why Slack would never send this body, or undefined when it has a shape Bolt can route. */
export function malformed(raw: Buffer, contentType: string | undefined): string | undefined {
  const text = raw.toString('utf8');
  if (contentType?.split(';')[0]?.trim() === 'application/x-www-form-urlencoded') {
    const form = parseQuery(text);
    if (form.ssl_check === '1') return undefined;
    if (typeof form.payload === 'string') return malformedInteraction(form.payload);
    if (typeof form.command === 'string' && typeof form.user_id === 'string') return undefined;
    return 'a form with neither a slash command nor an interaction payload';
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'a body that is not JSON';
  }
  return isObject(body) && typeof body.type === 'string' ? undefined : 'a JSON body that is not an object with a type';
}

function malformedInteraction(payload: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch {
    return 'a payload that is not JSON';
  }
  if (!isObject(body)) return `a payload that is ${body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body}, not an object`;
  if (typeof body.type !== 'string') return 'a payload without a type';
  if (body.type === 'block_actions') {
    if (!isObject(body.user) || typeof body.user.id !== 'string') return 'a block_actions payload without a user';
    if (!Array.isArray(body.actions) || body.actions.length === 0 || !body.actions.every(isObject)) return 'a block_actions payload without actions';
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
