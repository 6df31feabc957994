// Replays a watch stream (`?watch=1` output: one {"type","object"} JSON per line, pods and events mixed) and
// reports every alert it contains. No grace periods, grouping or rate limits: those only shape live posting.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { ManualClock } from '../../kube/clock.js';
import { AlertPipeline } from '../pipeline.js';
import type { Notice } from '../incidents/notice.js';
import type { WatchType } from '../watch/watch-event.js';
import { jsonLine, noticeRecords, textLine } from './records.js';
import type { AlertRecord } from './records.js';

export type ReplayFormat = 'text' | 'json';

export interface ReplayResult {
  lines: number;
  events: number;
  alerts: number;
  /** Lines that were not watch events (reported on stderr, not fatal). */
  skipped: Array<{ line: number; why: string }>;
}

const WATCH_TYPES: ReadonlySet<string> = new Set(['ADDED', 'MODIFIED', 'DELETED']);

export interface ReplayOptions {
  format: ReplayFormat;
  write: (line: string) => void;
  /** Report the build-agent summary at the end (default true). */
  summary?: boolean;
}

export class Replayer {
  private readonly clock = new ManualClock();
  private readonly pipeline: AlertPipeline;
  /** The alert printed last: one recovery closing two incidents comes as consecutive notices of one alert. */
  private lastPrinted: object | undefined;
  readonly result: ReplayResult = { lines: 0, events: 0, alerts: 0, skipped: [] };

  constructor(private readonly options: ReplayOptions) {
    this.pipeline = new AlertPipeline({ clock: this.clock, dedupeWindowMs: 0, onNotice: (n) => this.print(n) });
  }

  /** Feeds one line of the stream. */
  line(text: string): void {
    const n = ++this.result.lines;
    if (text.length === 0) return;
    let parsed: unknown;
    try {
      // JSON.parse allows the blanks around a value: no trimmed copy of every line.
      parsed = JSON.parse(text);
    } catch {
      if (text.trim().length > 0) this.result.skipped.push({ line: n, why: 'not JSON' });
      return;
    }
    const event = parsed as { type?: unknown; object?: unknown };
    if (typeof event.type !== 'string' || !WATCH_TYPES.has(event.type)) {
      // BOOKMARK and ERROR (e.g. 410 Gone) carry no pod change.
      if (event.type !== 'BOOKMARK') this.result.skipped.push({ line: n, why: `watch event type ${String(event.type)}` });
      return;
    }
    this.result.events++;
    this.pipeline.handle({ type: event.type as WatchType, object: event.object });
  }

  end(): ReplayResult {
    if (this.options.summary !== false) this.pipeline.flushSummary();
    return this.result;
  }

  private print(notice: Notice): void {
    // One recovery closing two incidents is one line.
    if (notice.type !== 'summary' && notice.type !== 'refresh') {
      if (this.lastPrinted === notice.alert) return;
      this.lastPrinted = notice.alert;
    }
    for (const record of noticeRecords(notice)) this.writeRecord(record);
  }

  private writeRecord(record: AlertRecord): void {
    this.result.alerts++;
    this.options.write(this.options.format === 'json' ? jsonLine(record) : textLine(record));
  }
}

export async function replayStream(input: Readable, options: ReplayOptions): Promise<ReplayResult> {
  const replayer = new Replayer(options);
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const text of lines) replayer.line(text);
  return replayer.end();
}
