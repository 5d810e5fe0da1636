import Docker from 'dockerode';
import type { Readable } from 'node:stream';
import type { TimedEvent } from '@flotilla/contracts';
import { dockerOptions } from '../../../worker/src/docker/docker.adapter';
import { engineEvent, lineSplitter } from './engine-event-line';

/** Wait before reconnecting to an engine that is down or closed the stream. */
const RETRY_MS = 2000;

/**
 * Follows this manager's own Docker engine's event stream (its node's
 * containers, images, local networks and volumes). Reconnects when the stream
 * ends, asking from the last event seen and dropping what was already seen.
 * No decisions here.
 */
export class LocalEngineEvents {
  private readonly docker: Docker;
  private stream?: Readable;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private last = 0n;
  private failures = 0;

  constructor(
    host: string | undefined,
    private readonly onEvent: (e: TimedEvent) => void,
    private readonly onTrouble: (err: string, failures: number) => void,
  ) {
    // No request timeout: this stream is meant to stay open.
    this.docker = new Docker(dockerOptions(host).opts);
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.stream?.destroy();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    try {
      // `since` as seconds.nanoseconds (dockerode types it as a number, which would lose the nanoseconds).
      const since = `${this.last / 1_000_000_000n}.${String(this.last % 1_000_000_000n).padStart(9, '0')}`;
      const opts = (this.last > 0n ? { since } : {}) as unknown as Docker.GetEventsOptions;
      const stream = (await this.docker.getEvents(opts)) as unknown as Readable;
      if (this.stopped) return void stream.destroy();
      this.stream = stream;
      this.failures = 0;
      stream.on('data', lineSplitter((line) => this.line(line)));
      stream.on('error', () => undefined);
      stream.on('close', () => this.retry('event stream closed'));
    } catch (e) {
      this.retry((e as Error).message);
    }
  }

  private line(line: string) {
    const e = engineEvent(line);
    // A reconnect asks from the last event's time: that one (and its twins) came already.
    if (!e || e.nanos <= this.last) return;
    this.last = e.nanos;
    this.onEvent(e);
  }

  private retry(err: string) {
    if (this.stopped) return;
    this.onTrouble(err, ++this.failures);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), RETRY_MS);
    this.timer.unref();
  }
}
