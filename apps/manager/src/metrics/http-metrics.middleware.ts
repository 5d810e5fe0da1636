import type { NextFunction, Request, Response } from 'express';
import type { Histogram } from 'prom-client';
import { routeLabel } from './route-label';

/**
 * Times every request to the manager's HTTP server, the API's and the node
 * protocol's, labelled by route template and status once the answer is done.
 * Installed first, so refusals and forwarded requests are timed as well.
 */
export function httpMetricsMiddleware(requests: Histogram<'method' | 'route' | 'status'>) {
  return (req: Request, res: Response, next: NextFunction) => {
    const t0 = performance.now();
    let done = false;
    const observe = () => {
      if (done) return;
      done = true;
      // A client that went away before the answer: the status it would have had is meaningless.
      const status = res.writableFinished ? String(res.statusCode) : 'aborted';
      requests.observe({ method: req.method, route: routeLabel(req), status }, (performance.now() - t0) / 1000);
    };
    res.once('finish', observe);
    res.once('close', observe);
    next();
  };
}
