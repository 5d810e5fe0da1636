import { AGENT_API } from './agent-api';
import { isTerminal, taskStateRank } from './task-state';
import type { SwarmNode, Task } from './swarm-types';

/**
 * Shipping an image to a node without a registry: the node asks a manager,
 * which streams `docker save` from its own engine and names the image's ID in
 * this header; the node loads the archive and keeps it only if the ID matches.
 */
export const IMAGE_ID_HEADER = 'x-flotilla-image-id';
/** The image's size as its engine reports it: about the archive's length (which `docker save` does not announce). */
export const IMAGE_SIZE_HEADER = 'x-flotilla-image-size';

/**
 * The node-protocol path a node fetches an image archive from (the name in the query: it holds `/` and `:`),
 * with the image ID it wants when its task names one (a rebuilt compose image: the name alone may still
 * point at the old build on some engines).
 */
export function imageShipPath(nodeId: string, image: string, id?: string): string {
  return `${AGENT_API}/nodes/${nodeId}/image?name=${encodeURIComponent(image)}${id ? `&id=${encodeURIComponent(id)}` : ''}`;
}

const IMAGE_ID = /^sha256:[0-9a-f]{64}$/;

export function isImageId(s: string | undefined): s is string {
  return typeof s === 'string' && IMAGE_ID.test(s);
}

/**
 * Why `nodeId` may not have `image`, or undefined when it may: only an image a
 * live task assigned to that node runs (a node learns no other image, as it
 * learns no other task's environment).
 */
export function imageRequestRefusal(tasks: Iterable<Task>, nodeId: string, image: string): string | undefined {
  if (!image || image.length > 512) return 'invalid image name';
  for (const t of tasks) {
    if (t.NodeID !== nodeId || t.Spec.ContainerSpec.Image !== image) continue;
    // A task being stopped or already over has no container left to start.
    if (isTerminal(t.Status.State) || taskStateRank(t.DesiredState) > taskStateRank('complete')) continue;
    return undefined;
  }
  return `no task of node ${nodeId} runs image ${image}`;
}

/** The error a node reports when the image it loaded is not the one announced, or undefined when it is. */
export function loadedImageMismatch(image: string, announced: string | undefined, loaded: string | undefined): string | undefined {
  if (!isImageId(announced)) return `image ${image}: the manager announced no valid image ID (${announced ?? 'none'})`;
  if (loaded === undefined) return `image ${image}: not present after loading the manager's archive`;
  if (loaded !== announced) return `image ${image}: loaded image ID ${loaded} does not match ${announced} announced by the manager`;
  return undefined;
}

/** Bytes of an image received so far, and of the whole when known. */
export interface ShipProgress {
  current: number;
  total?: number;
}

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

/** docker's units.HumanSize: powers of 1000, four significant digits ("3.245MB"). */
export function humanSize(bytes: number): string {
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < UNITS.length - 1) {
    v /= 1000;
    i++;
  }
  return `${Number(v.toPrecision(4))}${UNITS[i]}`;
}

/** The bytes a humanSize text stands for (to its four digits), or undefined. */
export function parseHumanSize(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(B|kB|MB|GB|TB|PB)$/.exec(s);
  return m ? Math.round(Number(m[1]) * 1000 ** UNITS.indexOf(m[2])) : undefined;
}

/**
 * A preparing task's message while its node fetches the image from a manager, with the bytes
 * received as they stream (`shipping image app:1: 3.2MB/10.1MB`): what the CLI draws as progress.
 * The current figure never passes the total (the archive's tar framing adds a little to the size).
 */
export function shippingMessage(image: string, p?: ShipProgress): string {
  if (!p) return `shipping image ${image}`;
  const current = p.total === undefined ? p.current : Math.min(p.current, p.total);
  return `shipping image ${image}: ${humanSize(current)}${p.total === undefined ? '' : `/${humanSize(p.total)}`}`;
}

/** What a preparing task's message says is being shipped: the image, and how far when it says. */
export function shippingOf(message: string | undefined): ({ image: string } & Partial<ShipProgress>) | undefined {
  const m = /^shipping image (\S+?)(?:: (\S+?)(?:\/(\S+))?)?$/.exec(message ?? '');
  if (!m) return undefined;
  const current = m[2] === undefined ? undefined : parseHumanSize(m[2]);
  const total = m[3] === undefined ? undefined : parseHumanSize(m[3]);
  return { image: m[1], ...(current === undefined ? {} : { current }), ...(total === undefined ? {} : { total }) };
}

/** The image a preparing task's message says is being shipped, if it says so. */
export function shippedImageOf(message: string | undefined): string | undefined {
  return shippingOf(message)?.image;
}

const IMAGE_READ = /^\/images\/([A-Za-z0-9._%-]{1,1024})\/(json|get)$/;

/**
 * The two calls a manager makes of another node's engine, through the engine
 * relay, to ship an image from wherever it is (the node it was built on):
 * inspect and save. Never a route the API relays for a client (see relayRoute).
 */
export function imageReadRoute(method: string | undefined, url: string | undefined): { name: string; part: 'json' | 'get' } | undefined {
  if (method?.toUpperCase() !== 'GET' || !url) return undefined;
  const [path, query] = url.split('?', 2);
  if (query) return undefined;
  const m = IMAGE_READ.exec(path.replace(/^\/v\d+\.\d+(?=\/)/, ''));
  if (!m) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(m[1]);
  } catch {
    return undefined;
  }
  return name && name.length <= 512 ? { name, part: m[2] as 'json' | 'get' } : undefined;
}

/**
 * The other nodes a manager asks for an image its own engine lacks, in the
 * order their answer is preferred: ready nodes but the one asking and this
 * manager's own; managers first (where `compose build` usually ran), then by
 * ID, so that when two nodes hold different images under one name the choice
 * is the same each time.
 */
export function imageHolderCandidates(nodes: Iterable<SwarmNode>, requester: string, self: string | undefined): string[] {
  return [...nodes]
    .filter((n) => n.ID !== requester && n.ID !== self && n.Status.State === 'ready')
    .sort((a, b) => Number(b.Spec.Role === 'manager') - Number(a.Spec.Role === 'manager') || (a.ID < b.ID ? -1 : a.ID > b.ID ? 1 : 0))
    .map((n) => n.ID);
}
