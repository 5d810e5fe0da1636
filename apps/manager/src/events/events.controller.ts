import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { TimedEvent } from '@flotilla/contracts';
import { CLOCK, type Clock } from '../tokens';
import { EventsService } from './events.service';
import { matchesEvent, parseEventFilters } from './event-filter';
import { parseEventWindow } from './event-time';
import { eventLine } from './event-history';

interface EventsQuery {
  since?: string;
  until?: string;
  filters?: string;
}

/** A client this far behind is dropped rather than buffered without end (Docker drops a slow one too). */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/**
 * `GET /events`: the Engine API stream, answered by the manager that receives
 * it (never forwarded: every manager applies every change). History first
 * when `since`/`until` is given, then live events until `until` or the client
 * goes away; everything is checked before the 200 is sent.
 */
@Controller()
export class EventsController {
  constructor(
    private readonly events: EventsService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('events')
  stream(@Query() q: EventsQuery, @Req() req: Request, @Res() res: Response): void {
    const { since, until } = parseEventWindow(q.since, q.until);
    const filters = parseEventFilters(q.filters);
    const keep = (e: TimedEvent) => matchesEvent(filters, e.message);
    const now = BigInt(this.clock.now()) * 1_000_000n;

    res.status(200).setHeader('Content-Type', 'application/json');
    res.flushHeaders();
    let ended = false;
    let unsubscribe = () => {};
    let timer: NodeJS.Timeout | undefined;
    const end = () => {
      if (ended) return;
      ended = true;
      unsubscribe();
      clearTimeout(timer);
      res.end();
    };
    const write = (e: TimedEvent) => {
      if (ended) return;
      if (res.writableLength > MAX_BUFFERED_BYTES) return void res.destroy();
      res.write(eventLine(e));
    };
    // Subscribed before the history is read (same tick), so nothing falls between the two.
    if (until === undefined || until > now) {
      unsubscribe = this.events.subscribe((e) => {
        if (keep(e)) write(e);
      });
    }
    for (const e of this.events.history(since, until, keep)) write(e);
    if (until !== undefined && until <= now) return end();
    if (until !== undefined) {
      // A timer holds at most ~24.8 days: re-arm until `until` has passed.
      const arm = () => {
        const left = Number((until - BigInt(this.clock.now()) * 1_000_000n) / 1_000_000n);
        if (left <= 0) return end();
        timer = setTimeout(arm, Math.min(left, 2 ** 31 - 1));
      };
      arm();
    }
    req.on('close', end);
    res.on('close', end);
  }
}
