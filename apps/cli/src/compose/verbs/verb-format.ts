/**
 * docker-compose 1.29's output for the everyday verbs, as pure functions:
 * the commands gather the cluster's state, these only shape lines.
 */
import { composeTable } from '../../format/table';
import { ParallelLines } from './parallel-lines';

/** 1.29's `human_readable_file_size`: powers of 1000, four significant digits ('{:.4g} {}'). */
export function humanSize(bytes: number): string {
  const suffixes = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let order = bytes > 0 ? Math.floor(Math.log(bytes) / Math.log(1000) + 1e-12) : 0;
  order = Math.min(order, suffixes.length - 1);
  const v = bytes / 1000 ** order;
  return `${Number(v.toPrecision(4))} ${suffixes[order]}`;
}

export interface ImageRow {
  container: string;
  /** The image's tags (RepoTags) and the one the service names. */
  repoTags: string[];
  wanted: string;
  id: string;
  size: number;
}

/** `images`: Container / Repository / Tag / Image Id / Size, the tag the service names first. */
export function imagesTable(rows: ImageRow[]): string {
  const withTag = (n: string) => (n.split('/').pop()!.includes(':') ? n : `${n}:latest`);
  const cells = [...rows]
    .sort((a, b) => (a.container < b.container ? -1 : a.container > b.container ? 1 : 0))
    .map((r) => {
      const i = Math.max(0, r.repoTags.indexOf(withTag(r.wanted)));
      const tag = r.repoTags[i];
      const [repo, t] = tag ? [tag.slice(0, tag.lastIndexOf(':')), tag.slice(tag.lastIndexOf(':') + 1)] : ['<none>', '<none>'];
      return [r.container, repo, t, shortImageId(r.id), humanSize(r.size)];
    });
  return composeTable(['Container', 'Repository', 'Tag', 'Image Id', 'Size'], cells);
}

export function shortImageId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/** A Docker Engine event as `GET /events` streams it. */
export interface EngineEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  Actor?: { ID: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
}

export interface ComposeEvent {
  time: { iso: string; text: string };
  type: 'container';
  action: string;
  id: string;
  service: string | null;
  attributes: Record<string, string>;
}

/** 1.29's event dict: container events only, compose's own labels left out of the attributes. */
export function composeEvent(e: EngineEvent): ComposeEvent | undefined {
  if (e.Type !== 'container' || !e.Actor) return undefined;
  const attrs = e.Actor.Attributes ?? {};
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) if (!k.startsWith('com.docker.compose.')) attributes[k] = v;
  const nano = BigInt(e.timeNano ?? (e.time ?? 0) * 1e9);
  return {
    time: pythonTime(nano),
    type: 'container',
    action: e.status ?? e.Action ?? '',
    id: e.Actor.ID,
    service: attrs['com.docker.compose.service'] ?? null,
    attributes,
  };
}

/** Python's datetime.fromtimestamp rendered by isoformat() and str(): local time, microseconds unless zero. */
function pythonTime(nano: bigint): { iso: string; text: string } {
  const d = new Date(Number(nano / 1_000_000n));
  const us = Number((nano % 1_000_000_000n) / 1000n);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const date = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  const clock = `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}${us ? `.${p(us, 6)}` : ''}`;
  return { iso: `${date}T${clock}`, text: `${date} ${clock}` };
}

/** `events --json`: Python's json.dumps layout (", " and ": ", non-ASCII escaped). */
export function eventJson(e: ComposeEvent): string {
  return pyDumps({ time: e.time.iso, type: e.type, action: e.action, id: e.id, service: e.service, attributes: e.attributes });
}

/** `events`: `{time} {type} {action} {id} ({k=v, ... sorted})`. */
export function eventText(e: ComposeEvent): string {
  const attrs = Object.entries(e.attributes)
    .map(([k, v]) => `${k}=${v}`)
    .sort();
  return `${e.time.text} ${e.type} ${e.action} ${e.id} (${attrs.join(', ')})`;
}

function pyDumps(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(pyDumps).join(', ')}]`;
  return `{${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${pyDumps(k)}: ${pyDumps(x)}`)
    .join(', ')}}`;
}

/**
 * 1.29's parallel progress for one batch: every name padded to the widest, a start line each, then a
 * `done` line each (the order of the two blocks as given). Piped, lines end in CR LF; on a terminal
 * (`ansi`), each start line is rewritten in place with its status, as 1.29 does.
 */
export function progressLines(verb: string, names: string[], result: 'done' | 'error' = 'done', ansi = false): { start: string; end: string } {
  const w = new ParallelLines(ansi);
  w.add(verb, names);
  return { start: w.initial(verb, names), end: names.map((n) => w.status(verb, n, result)).join('') };
}

/**
 * `port`: the public address of a published port, `HostIp:HostPort` — the engine's first binding, as 1.29
 * answers: an all-address one (`0.0.0.0`) before one on a single address (`127.0.0.1:P:T`).
 */
export function portAnswer(ports: { TargetPort: number; PublishedPort?: number; Protocol?: string; HostIP?: string }[], port: number, protocol: string): string {
  const bound = ports.filter((x) => x.TargetPort === port && (x.Protocol ?? 'tcp') === protocol && x.PublishedPort);
  const p = bound.find((x) => !x.HostIP) ?? bound[0];
  return p ? `${p.HostIP ?? '0.0.0.0'}:${p.PublishedPort}` : '';
}

/**
 * A warning or error as 1.29's console log handler writes it: on a terminal, the level first,
 * coloured (`WARNING` yellow, `ERROR` red); piped, the message alone.
 */
export function logLine(level: 'warning' | 'error', message: string, ansi: boolean): string {
  if (!ansi) return `${message}\n`;
  return level === 'warning' ? `\x1b[33mWARNING\x1b[0m: ${message}\n` : `\x1b[31mERROR\x1b[0m: ${message}\n`;
}

/** `scale S=N` arguments, with 1.29's errors. */
export function parseScaleArgs(args: string[]): { service: string; n: number }[] {
  return args.map((a) => {
    const i = a.indexOf('=');
    if (i < 0) throw new ScaleArgError('Arguments to scale should be in the form service=num');
    const service = a.slice(0, i);
    const num = a.slice(i + 1).trim();
    // Python's int(): optional sign, digits; a negative count is refused later by the API.
    if (!/^[+-]?\d+$/.test(num)) throw new ScaleArgError(`Number of containers for service "${service}" is not a number`);
    return { service, n: Number(num) };
  });
}

export class ScaleArgError extends Error {}
