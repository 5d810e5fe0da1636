import { AGENT_API } from './agent-api';
import { isTerminal, taskStateRank } from './task-state';
import type { SwarmNode, Task } from './swarm-types';

/**
 * Shipping an image to a node without a registry: the node asks a manager,
 * which streams `docker save` from its own engine and names the image's ID in
 * this header; the node loads the archive and keeps it only if the ID matches.
 */
export const IMAGE_ID_HEADER = 'x-flotilla-image-id';

/** The node-protocol path a node fetches an image archive from (the name in the query: it holds `/` and `:`). */
export function imageShipPath(nodeId: string, image: string): string {
  return `${AGENT_API}/nodes/${nodeId}/image?name=${encodeURIComponent(image)}`;
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

/** A preparing task's message while its node fetches the image from a manager (the CLI shows it as progress). */
export const shippingMessage = (image: string) => `shipping image ${image}`;

/** The image a preparing task's message says is being shipped, if it says so. */
export function shippedImageOf(message: string | undefined): string | undefined {
  return /^shipping image (\S+)$/.exec(message ?? '')?.[1];
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
