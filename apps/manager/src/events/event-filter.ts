import { FlotillaError, type EventMessage } from '@flotilla/contracts';

/** `/events` filters: key -> accepted values. */
export type EventFilters = ReadonlyMap<string, readonly string[]>;

/**
 * Docker's `filters` query ({"key":{"value":true}} or {"key":["value"]}).
 * Unlike the list endpoints, Docker's `/events` accepts any key and ignores
 * the ones it does not know (moby#30735), so this does too.
 */
export function parseEventFilters(raw: string | undefined): EventFilters {
  const out = new Map<string, string[]>();
  if (!raw) return out;
  let obj: unknown;
  try {
    obj = JSON.parse(raw);
  } catch (e) {
    throw new FlotillaError('invalid_argument', `invalid filter: ${(e as Error).message}`);
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new FlotillaError('invalid_argument', 'invalid filter: filters must be a JSON object');
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
    const values = Array.isArray(v) ? v.map(String) : typeof v === 'object' && v !== null ? Object.keys(v) : [];
    if (values.length) out.set(k, values);
  }
  return out;
}

/** Actions Docker matches by prefix ("health_status: healthy", "exec_start: sh"). */
const PREFIX_ACTIONS = new Set(['health_status', 'exec_create', 'exec_start']);
/** Kinds filtered by the actor's ID or name (prefix), Docker's `fuzzyMatchName`. */
const BY_NAME = ['daemon', 'container', 'plugin', 'volume', 'network', 'service', 'node', 'secret', 'config'];

/**
 * Docker's event filter: every key given must match (values of one key are
 * alternatives). A name key such as `container=x` also drops every event that
 * is not about x, whatever its type, as Docker does.
 */
export function matchesEvent(f: EventFilters, ev: EventMessage): boolean {
  if (f.size === 0) return true;
  const exact = (key: string, ...candidates: string[]) => {
    const want = f.get(key);
    return !want || candidates.some((c) => want.includes(c));
  };
  const fuzzy = (key: string, ...candidates: (string | undefined)[]) => {
    const want = f.get(key);
    return !want || candidates.some((c) => c !== undefined && want.some((w) => c === w || c.startsWith(w)));
  };
  const actions = f.get('event');
  const eventOk = !actions || (actions.some((a) => PREFIX_ACTIONS.has(a)) ? fuzzy('event', ev.Action) : exact('event', ev.Action));
  const name = ev.Actor.Attributes.name;
  return (
    eventOk &&
    exact('type', ev.Type) &&
    exact('scope', ev.scope) &&
    BY_NAME.every((k) => fuzzy(k, ev.Actor.ID, name)) &&
    imageMatches(f.get('image'), ev) &&
    labelsMatch(f.get('label'), ev.Actor.Attributes)
  );
}

/** `image=` matches an image event's ID/name or a container's image, with or without its tag. */
function imageMatches(want: readonly string[] | undefined, ev: EventMessage): boolean {
  if (!want) return true;
  const img = ev.Actor.Attributes[ev.Type === 'image' ? 'name' : 'image'] ?? '';
  const candidates = [ev.Actor.ID, img, stripTag(ev.Actor.ID), stripTag(img)];
  return candidates.some((c) => want.includes(c));
}

/** `docker.io/library/busybox:1.36@sha256:…` -> `busybox`: the familiar name without tag or digest. */
export function stripTag(ref: string): string {
  let r = ref.split('@')[0];
  const slash = r.lastIndexOf('/');
  const colon = r.lastIndexOf(':');
  if (colon > slash) r = r.slice(0, colon);
  return r.replace(/^docker\.io\/(library\/)?/, '');
}

/** `label=k` or `label=k=v`: every one given must hold on the actor's attributes. */
function labelsMatch(want: readonly string[] | undefined, attrs: Record<string, string>): boolean {
  if (!want) return true;
  return want.every((w) => {
    const i = w.indexOf('=');
    if (i < 0) return w in attrs;
    const k = w.slice(0, i);
    return k in attrs && attrs[k] === w.slice(i + 1);
  });
}
