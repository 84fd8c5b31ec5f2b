import { EventSource } from 'eventsource';
import type {
  ActivityProgress,
  ConnectedEventData,
  EndEventData,
  ResetEventData,
  SkippedEventData,
  StatusEventData,
  WorkflowUpdate,
} from '@resumable/protocol';

/** What one client saw on a task stream. */
export interface StreamRecord {
  sequences: number[];
  connections: string[];
  /** The data of every `connected` event, one per connection. */
  connected: ConnectedEventData[];
  end: EndEventData | undefined;
  /** Every `status` event, in order, with the sequence the client had when it came. */
  statuses: (StatusEventData & { seen: number })[];
  opens: number;
  /** Set when the server answered 204 (nothing left: the workflow closed and the client has it all). */
  nothingLeft?: true;
  /** Statuses that ended an EventSource for good (other than 204), each followed by a fresh one. */
  refusals: number[];
  /** `skipped` events (streams opened with `?types=`), in order. */
  skipped: SkippedEventData[];
  /** Each sequence this client was given account of, once per update or `skipped` range, in order. */
  covered: number[];
  /** The updates it holds: every update received, less those a `reset` told it to drop. */
  updates: WorkflowUpdate[];
  /** `reset` events, in order. */
  resets: ResetEventData[];
  /** `progress` events (live activity progress), in order. */
  progress: ActivityProgress[];
}

/**
 * Follows a task stream with the `eventsource` package (spec-strict, reconnects on
 * its own with Last-Event-ID) until `end`, and lets a test cut the connection from
 * either side.
 */
export class StreamFollower {
  readonly record: StreamRecord = {
    sequences: [],
    connections: [],
    connected: [],
    end: undefined,
    statuses: [],
    opens: 0,
    refusals: [],
    skipped: [],
    covered: [],
    updates: [],
    resets: [],
    progress: [],
  };
  private source: EventSource | undefined;
  private finished!: (record: StreamRecord) => void;
  private failed!: (error: Error) => void;
  readonly done: Promise<StreamRecord>;

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly onUpdate?: (update: WorkflowUpdate) => void,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.finished = resolve;
      this.failed = reject;
    });
    this.open(url);
  }

  /** The last sequence accounted for: an update's, or the end of a `skipped` range. */
  get lastSequence(): number {
    return this.record.covered.at(-1) ?? 0;
  }

  get connectionId(): string | undefined {
    return this.record.connections.at(-1);
  }

  /** Client side: drop the connection and open a new EventSource resuming by `?lastEventId=`. */
  reconnectFromClient(): void {
    if (this.record.end) return;
    this.source?.close();
    const separator = this.url.includes('?') ? '&' : '?';
    this.open(`${this.url}${separator}lastEventId=${this.lastSequence}`);
  }

  close(): void {
    this.source?.close();
  }

  private open(url: string): void {
    const token = this.token;
    const source = new EventSource(url, {
      fetch: (input, init) =>
        fetch(input, {
          ...init,
          headers: { ...(init?.headers as Record<string, string>), Authorization: `Bearer ${token}` },
        }),
    });
    this.source = source;
    source.addEventListener('open', () => this.record.opens++);
    source.addEventListener('connected', (event) => {
      const data = JSON.parse(event.data) as ConnectedEventData;
      this.record.connected.push(data);
      this.record.connections.push(data.connectionId);
    });
    source.addEventListener('update', (event) => {
      const update = JSON.parse(event.data) as WorkflowUpdate;
      if (String(update.sequence) !== event.lastEventId) {
        this.failed(new Error(`event id ${event.lastEventId} does not match sequence ${update.sequence}`));
      }
      this.record.sequences.push(update.sequence);
      this.record.covered.push(update.sequence);
      this.record.updates.push(update);
      this.onUpdate?.(update);
    });
    source.addEventListener('progress', (event) => {
      this.record.progress.push(JSON.parse(event.data) as ActivityProgress);
    });
    source.addEventListener('reset', (event) => {
      const reset = JSON.parse(event.data) as ResetEventData;
      if (String(reset.base) !== event.lastEventId) {
        this.failed(new Error(`reset event id ${event.lastEventId} does not match its base ${reset.base}`));
      }
      this.record.resets.push(reset);
      // What it held came from another log (or one that no longer reaches it): drop it.
      this.record.updates = [];
      this.record.covered = reset.base > 0 ? [reset.base] : [];
    });
    source.addEventListener('skipped', (event) => {
      const skipped = JSON.parse(event.data) as SkippedEventData;
      if (String(skipped.to) !== event.lastEventId) {
        this.failed(new Error(`skipped event id ${event.lastEventId} does not match its end ${skipped.to}`));
      }
      this.record.skipped.push(skipped);
      this.record.covered.push(...range(skipped.from, skipped.to));
    });
    source.addEventListener('status', (event) => {
      this.record.statuses.push({ ...(JSON.parse(event.data) as StatusEventData), seen: this.lastSequence });
    });
    source.addEventListener('end', (event) => {
      this.record.end = JSON.parse(event.data) as EndEventData;
      source.close();
      this.finished(this.record);
    });
    // An EventSource stops for good on any answer but 200. 204 means "nothing left" (the
    // end event went to an earlier connection, which was cut); anything else is retried
    // as an app would, with a fresh EventSource resuming where this one stopped.
    source.addEventListener('error', (event) => {
      if (source.readyState !== EventSource.CLOSED || this.record.end || this.record.nothingLeft) return;
      if (event.code === 204) {
        this.record.nothingLeft = true;
        this.finished(this.record);
        return;
      }
      this.record.refusals.push(event.code ?? 0);
      setTimeout(() => this.reconnectFromClient(), 200);
    });
  }
}

/** 1, 2, …, n. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, index) => from + index);
}
