/**
 * The head of one HTTP request read off a relay connection. Parsed by hand:
 * the connection is one the worker dialed, so no http.Server owns it.
 */
export interface RequestHead {
  method: string;
  url: string;
  /** Header names lower-cased; a repeated header keeps its last value. */
  headers: Record<string, string>;
  /** Names as sent, values in order, for replaying the request. */
  raw: [string, string][];
}

export const MAX_HEAD = 16 * 1024;

/** Parses a request head (without its final blank line); undefined when malformed. */
export function parseRequestHead(text: string): RequestHead | undefined {
  const lines = text.split('\r\n');
  const m = /^([A-Z]{3,7}) (\/[^\s]*) HTTP\/1\.[01]$/.exec(lines[0] ?? '');
  if (!m) return undefined;
  const headers: Record<string, string> = {};
  const raw: [string, string][] = [];
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) return undefined;
    const name = line.slice(0, i).trim();
    if (!/^[A-Za-z0-9-]+$/.test(name)) return undefined;
    const value = line.slice(i + 1).trim();
    headers[name.toLowerCase()] = value;
    raw.push([name, value]);
  }
  return { method: m[1], url: m[2], headers, raw };
}

/** The head to send to dockerd: same request, path possibly rewritten, some headers replaced or dropped. */
export function serializeHead(h: RequestHead, url: string, set: Record<string, string | undefined>): string {
  const lower = new Set(Object.keys(set).map((k) => k.toLowerCase()));
  let out = `${h.method} ${url} HTTP/1.1\r\n`;
  for (const [k, v] of h.raw) if (!lower.has(k.toLowerCase())) out += `${k}: ${v}\r\n`;
  for (const [k, v] of Object.entries(set)) if (v !== undefined) out += `${k}: ${v}\r\n`;
  return `${out}\r\n`;
}

/** The URL with the container reference in its path replaced by the container's full ID. */
export function withContainerId(url: string, ref: string, id: string): string {
  const [path, query] = url.split('?', 2);
  const next = path.replace(new RegExp(`/containers/${ref.replace(/[.]/g, '\\.')}(?=/|$)`), `/containers/${id}`);
  return query === undefined ? next : `${next}?${query}`;
}

/** The status code of an HTTP answer, from its first bytes; undefined when they are no status line. */
export function answerStatus(first: Buffer): number | undefined {
  const m = /^HTTP\/1\.[01] (\d{3}) /.exec(first.subarray(0, 64).toString('latin1'));
  return m ? Number(m[1]) : undefined;
}
