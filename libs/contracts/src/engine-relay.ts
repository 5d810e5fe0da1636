/**
 * "The engine of node X": Docker Engine calls addressed to one node's dockerd
 * (header {@link NODE_HEADER}), answered through a connection that node's
 * worker opens back to the manager when asked over Redis. Only the calls that
 * compose exec/run/kill/pause/unpause/top/restart need, on that node's task
 * containers and the one-off containers created this way.
 */
import type { Network, Volume } from './swarm-types';

/** Names the node whose engine a Docker API request is for. */
export const NODE_HEADER = 'x-flotilla-node';
/** The upgrade path a worker dials to carry one relayed request. */
export const RELAY_PATH_PREFIX = '/flotilla/v1/relay/';
/** Label the worker puts on a one-off container created through the relay; later calls may target it. */
export const RELAY_ONEOFF_LABEL = 'io.flotilla.relay.oneoff';

export const relayRequestChannel = (nodeId: string) => `flotilla-relay-req-${nodeId}`;

/** What the manager publishes: "dial me (at `manager`, host:port) and carry relay `relayId`". */
export interface RelayRequest {
  relayId: string;
  manager: string;
}

const RELAY_ID = /^[0-9a-f]{32}$/;
const NODE_ID = /^[a-z0-9]{1,64}$/;
const HOST_PORT = /^[A-Za-z0-9.-]{1,253}:\d{1,5}$|^\[[0-9a-fA-F:]{2,39}\]:\d{1,5}$/;

export const isRelayId = (v: unknown): v is string => typeof v === 'string' && RELAY_ID.test(v);
export const isNodeId = (v: unknown): v is string => typeof v === 'string' && NODE_ID.test(v);

/** A relay request read from Redis, or undefined when anything about it is off. */
export function parseRelayRequest(msg: string): RelayRequest | undefined {
  let v: unknown;
  try {
    v = JSON.parse(msg);
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object') return undefined;
  const { relayId, manager } = v as Record<string, unknown>;
  if (!isRelayId(relayId) || typeof manager !== 'string' || !HOST_PORT.test(manager)) return undefined;
  return { relayId, manager };
}

/** What a relayed call acts on; the worker checks it belongs to its node's tasks (or its one-offs). */
export type RelayTarget =
  | { kind: 'container'; id: string }
  | { kind: 'exec'; id: string }
  | { kind: 'create'; name?: string };

export interface RelayRoute {
  target: RelayTarget;
  /** Docker hijacks the connection (exec start, attach). */
  hijack: boolean;
}

const REF = '([A-Za-z0-9][A-Za-z0-9_.-]{0,127})';
const HEX = '([0-9a-f]{64})';

const ROUTES: { method: string; re: RegExp; kind: 'container' | 'exec' | 'create'; hijack?: true }[] = [
  { method: 'GET', re: new RegExp(`^/containers/${REF}/(json|top)$`), kind: 'container' },
  { method: 'POST', re: new RegExp(`^/containers/${REF}/(exec|kill|restart|pause|unpause|start|wait|resize)$`), kind: 'container' },
  { method: 'POST', re: new RegExp(`^/containers/${REF}/attach$`), kind: 'container', hijack: true },
  { method: 'DELETE', re: new RegExp(`^/containers/${REF}$`), kind: 'container' },
  { method: 'POST', re: new RegExp(`^/exec/${HEX}/start$`), kind: 'exec', hijack: true },
  { method: 'POST', re: new RegExp(`^/exec/${HEX}/resize$`), kind: 'exec' },
  { method: 'GET', re: new RegExp(`^/exec/${HEX}/json$`), kind: 'exec' },
  { method: 'POST', re: /^\/containers\/create$/, kind: 'create' },
];

/**
 * Which relayable call a request is, from its method and URL (a /v1.NN
 * prefix allowed); anything else is not relayed.
 */
export function relayRoute(method: string | undefined, url: string | undefined): RelayRoute | undefined {
  if (!method || !url) return undefined;
  const [rawPath, query = ''] = url.split('?', 2);
  const path = rawPath.replace(/^\/v\d+\.\d+(?=\/)/, '');
  for (const r of ROUTES) {
    if (r.method !== method.toUpperCase()) continue;
    const m = r.re.exec(path);
    if (!m) continue;
    if (r.kind === 'create') {
      const name = new URLSearchParams(query).get('name') ?? undefined;
      if (name !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(name)) return undefined;
      return { target: { kind: 'create', name }, hijack: false };
    }
    return { target: { kind: r.kind, id: m[1] }, hijack: r.hijack === true };
  }
  return undefined;
}

/** The part of a container create body the relay looks at. */
export interface RelayCreateBody {
  Image?: unknown;
  Labels?: unknown;
  HostConfig?: Record<string, unknown>;
  [k: string]: unknown;
}

/** HostConfig fields a relayed one-off may set; anything else (Privileged, CapAdd, Devices, PidMode…) is refused. */
const HOST_CONFIG_ALLOWED = new Set(['NetworkMode', 'Binds', 'Mounts', 'PortBindings', 'AutoRemove', 'Init', 'RestartPolicy', 'LogConfig', 'ExtraHosts', 'Dns', 'DnsSearch', 'DnsOptions', 'Tmpfs', 'ShmSize', 'Memory', 'NanoCpus', 'Ulimits', 'Sysctls', 'GroupAdd', 'ReadonlyRootfs']);
const NETWORK_MODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/**
 * Why a one-off container create from the network is refused, or undefined
 * when it may go ahead: it must be a compose one-off (its labels say so), and
 * give itself nothing a service task could not have (no privileges, devices or
 * host namespaces). The worker adds {@link RELAY_ONEOFF_LABEL} itself.
 */
export function createRefusal(body: RelayCreateBody): string | undefined {
  if (typeof body.Image !== 'string' || !body.Image) return 'a one-off container needs an image';
  const labels = body.Labels;
  if (!labels || typeof labels !== 'object' || (labels as Record<string, unknown>)['com.docker.compose.oneoff'] !== 'True') {
    return 'only compose one-off containers (label com.docker.compose.oneoff=True) are created through the relay';
  }
  if (typeof (labels as Record<string, unknown>)['com.docker.compose.project'] !== 'string') return 'a one-off container names its compose project';
  const hc = body.HostConfig ?? {};
  if (typeof hc !== 'object' || Array.isArray(hc)) return 'HostConfig must be an object';
  for (const [k, v] of Object.entries(hc)) {
    if (v === null || v === undefined || v === false || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    if (!HOST_CONFIG_ALLOWED.has(k)) return `HostConfig.${k} is not allowed through the relay`;
  }
  const mode = hc.NetworkMode;
  if (mode !== undefined && mode !== '' && (typeof mode !== 'string' || !NETWORK_MODE.test(mode) || ['host', 'none'].includes(mode) || mode.startsWith('container'))) {
    return `network mode ${String(mode)} is not allowed through the relay`;
  }
  return undefined;
}

/** Why an exec create from the network is refused: no privileged process in a task container. */
export function execRefusal(body: unknown): string | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'exec create body must be an object';
  const b = body as Record<string, unknown>;
  if (!Array.isArray(b.Cmd) || b.Cmd.length === 0 || !b.Cmd.every((c) => typeof c === 'string')) return 'exec needs a command';
  if (b.Privileged) return 'privileged exec is not allowed through the relay';
  return undefined;
}

/**
 * Set by a manager (never passed on from a client) on a relayed one-off create: the cluster's
 * networks and volumes the container names, so the node creates them first, as it would for a
 * task (compose 1.29's `run --no-deps` on a project that is down creates them too). base64url JSON.
 */
export const ONEOFF_RESOURCES_HEADER = 'x-flotilla-oneoff-resources';

export interface OneOffResources {
  networks: Network[];
  volumes: Volume[];
}

/**
 * The cluster networks (by name: NetworkMode and EndpointsConfig) and volumes (volume mounts'
 * sources) a one-off create body names; names the cluster does not know are left to the engine.
 */
export function oneOffResources(body: RelayCreateBody, networks: Iterable<Network>, volumes: Iterable<Volume>): OneOffResources {
  const netNames = new Set<string>();
  const mode = body.HostConfig?.NetworkMode;
  if (typeof mode === 'string' && mode) netNames.add(mode);
  const nc = body.NetworkingConfig as { EndpointsConfig?: Record<string, unknown> } | undefined;
  for (const n of Object.keys(nc?.EndpointsConfig ?? {})) netNames.add(n);
  const volNames = new Set<string>();
  const mounts = body.HostConfig?.Mounts;
  for (const m of Array.isArray(mounts) ? (mounts as { Type?: unknown; Source?: unknown }[]) : []) {
    if (m && m.Type === 'volume' && typeof m.Source === 'string' && m.Source) volNames.add(m.Source);
  }
  return {
    networks: [...networks].filter((n) => netNames.has(n.Spec.Name)),
    volumes: [...volumes].filter((v) => volNames.has(v.Spec.Name)),
  };
}

export const encodeOneOffResources = (r: OneOffResources): string => Buffer.from(JSON.stringify(r)).toString('base64url');

/** The header's value, or undefined when it is not what a manager writes. */
export function decodeOneOffResources(v: string | undefined): OneOffResources | undefined {
  if (!v) return undefined;
  try {
    const r = JSON.parse(Buffer.from(v, 'base64url').toString('utf8')) as Partial<OneOffResources>;
    const ok = (xs: unknown): xs is { ID: unknown; Spec: { Name: unknown } }[] =>
      Array.isArray(xs) && xs.every((x) => !!x && typeof x === 'object' && typeof (x as { Spec?: { Name?: unknown } }).Spec?.Name === 'string');
    return ok(r.networks) && ok(r.volumes) ? { networks: r.networks, volumes: r.volumes } : undefined;
  } catch {
    return undefined;
  }
}
