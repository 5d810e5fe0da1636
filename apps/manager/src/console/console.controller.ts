import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { FlotillaError } from '@flotilla/contracts';
import { ConsoleFeedService } from './console-feed.service';
import { ConsoleLogsService } from './console-logs.service';
import { findUiDir, loadAssets } from './console-assets';
import { acceptsGzip, openSse } from './sse';

/** Everything the page loads comes from this manager: nothing from the internet, no inline script. */
const csp = (styleSources: string[]) =>
  `default-src 'self'; style-src ${["'self'", ...styleSources].join(' ')}; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`;

/**
 * The web console at /ui/: its static files, a snapshot, a live stream of
 * snapshots and events, and a service's live log tail. Answered by whichever
 * manager is asked (its store holds the replicated state), under the API's trust.
 */
@Controller('ui')
export class ConsoleController {
  private readonly assets = loadAssets(findUiDir());
  private readonly csp = csp(this.assets.styleSources);

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
    return this.feed.wire();
  }

  @Get('api/services/:id')
  service(@Param('id') id: string) {
    const s = this.feed.service(id);
    if (!s) throw new FlotillaError('not_found', `service ${id} not found`);
    return s;
  }

  @Get('api/stream')
  stream(@Req() req: Request, @Res() res: Response) {
    const sse = openSse(req, res);
    sse.onClose(this.feed.track(sse));
    // The whole view, then diffs from it: joined in one tick, so no change falls in between.
    const { json, leave } = this.feed.join((m) => sse.sendJson(m.type, m.json));
    sse.onClose(leave);
    sse.sendJson('state', json);
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
    const a = this.assets.files.get(name);
    if (!a) throw new FlotillaError('not_found', `page not found: /ui/${name}`);
    res.setHeader('Content-Security-Policy', this.csp);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Revalidated each time (a 304 on loopback costs little) so a new flotilla never serves a stale page.
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('ETag', a.etag);
    res.setHeader('Vary', 'Accept-Encoding');
    if (req.headers['if-none-match'] === a.etag) return void res.status(304).end();
    res.status(200).type(a.type);
    if (a.gzip && acceptsGzip(req)) res.setHeader('Content-Encoding', 'gzip').send(a.gzip);
    else res.send(a.body);
  }
}
