import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { FlotillaError } from '@flotilla/contracts';
import { ConsoleFeedService } from './console-feed.service';
import { ConsoleLogsService } from './console-logs.service';
import { findUiDir, loadAssets } from './console-assets';
import { openSse } from './sse';

/** Everything the page loads comes from this manager: nothing from the internet, nothing inline. */
const CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * The web console at /ui/: its static files, a snapshot, a live stream of
 * snapshots and events, and a service's live log tail. Answered by whichever
 * manager is asked (its store holds the replicated state), under the API's trust.
 */
@Controller('ui')
export class ConsoleController {
  private readonly assets = loadAssets(findUiDir());

  constructor(
    private readonly feed: ConsoleFeedService,
    private readonly logs: ConsoleLogsService,
  ) {}

  @Get()
  index(@Req() req: Request, @Res() res: Response) {
    // The page's relative URLs need the trailing slash.
    if (!req.path.endsWith('/')) return res.redirect(301, '/ui/');
    this.serve('index.html', req, res);
  }

  @Get('api/state')
  state() {
    return this.feed.snapshot();
  }

  @Get('api/stream')
  stream(@Req() req: Request, @Res() res: Response) {
    const sse = openSse(req, res);
    sse.onClose(this.feed.track(sse));
    // Subscribed first (same tick), so no change falls between the first snapshot and the feed.
    sse.onClose(this.feed.subscribe((m) => sse.sendJson(m.type, m.json)));
    sse.send('state', this.feed.snapshot());
    for (const e of this.feed.recentEvents()) sse.send('event', e);
  }

  @Get('api/services/:id/logs')
  serviceLogs(@Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    if (!this.logs.has(id)) throw new FlotillaError('not_found', `service ${id} not found`);
    const sse = openSse(req, res);
    sse.onClose(this.feed.track(sse));
    sse.onClose(this.logs.follow(id, (l) => sse.send('line', l)));
  }

  @Get(':file')
  file(@Param('file') file: string, @Req() req: Request, @Res() res: Response) {
    this.serve(file, req, res);
  }

  private serve(name: string, req: Request, res: Response) {
    const a = this.assets.get(name);
    if (!a) throw new FlotillaError('not_found', `page not found: /ui/${name}`);
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('ETag', a.etag);
    if (req.headers['if-none-match'] === a.etag) return void res.status(304).end();
    res.status(200).type(a.type).send(a.body);
  }
}
