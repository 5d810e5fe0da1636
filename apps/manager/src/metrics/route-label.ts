/** What the HTTP metrics read of a finished request (express's fields). */
export interface RoutedRequest {
  readonly method: string;
  /** Set by the router on the request it dispatched: the path template, `/services/:id`. */
  readonly route?: { readonly path?: unknown };
  readonly baseUrl?: string;
}

/** Requests no controller answered: forwarded to the leader, passed to the local engine, refused, 404s. */
export const UNROUTED = 'unrouted';

/**
 * The `route` label of a request: its template, never the raw URL, so ids in
 * paths do not each make a time series (Prometheus keeps every label set).
 */
export function routeLabel(req: RoutedRequest): string {
  const path = req.route?.path;
  if (typeof path !== 'string') return UNROUTED;
  return `${req.baseUrl ?? ''}${path}` || '/';
}
