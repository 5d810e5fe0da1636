/**
 * The node's own engine on the manager's endpoint: the Docker Engine routes a
 * Swarm manager answers from its local dockerd, and only those. Anything not
 * listed (container create, image pull, volume create, build…) stays
 * unanswered here, so passing through adds nothing a flotilla user could not
 * already do through services.
 */
export interface EngineRoute {
  /** The path without its /v1.NN prefix or query, as matched. */
  path: string;
  /** Docker hijacks the connection (exec start, attach): bytes flow both ways after the answer. */
  hijack: boolean;
}

const ID = '[^/]+';

const ROUTES: { method: string; re: RegExp; hijack?: true }[] = [
  { method: 'GET', re: /^\/containers\/json$/ },
  { method: 'GET', re: new RegExp(`^/containers/${ID}/(json|logs|top|stats)$`) },
  { method: 'POST', re: new RegExp(`^/containers/${ID}/(exec|kill|restart|resize|wait)$`) },
  { method: 'POST', re: new RegExp(`^/containers/${ID}/attach$`), hijack: true },
  { method: 'DELETE', re: new RegExp(`^/containers/${ID}$`) },
  { method: 'POST', re: new RegExp(`^/exec/${ID}/start$`), hijack: true },
  { method: 'POST', re: new RegExp(`^/exec/${ID}/resize$`) },
  { method: 'GET', re: new RegExp(`^/exec/${ID}/json$`) },
  { method: 'GET', re: /^\/images\/json$/ },
  // Image names carry slashes (flotilla/busybox:latest).
  { method: 'GET', re: /^\/images\/.+\/json$/ },
  { method: 'GET', re: /^\/volumes$/ },
  { method: 'GET', re: new RegExp(`^/volumes/${ID}$`) },
];

/** The path a Docker client asked for, without the /v1.NN prefix and the query. */
export function unversionedPath(url: string): string {
  const path = url.split('?')[0];
  return path.replace(/^\/v\d+\.\d+(?=\/|$)/, '') || '/';
}

/** Which engine route a request is, if any. */
export function engineRoute(method: string | undefined, url: string | undefined): EngineRoute | undefined {
  if (!method || !url) return undefined;
  const path = unversionedPath(url);
  const hit = ROUTES.find((r) => r.method === method.toUpperCase() && r.re.test(path));
  return hit ? { path, hijack: hit.hijack === true } : undefined;
}
