import { addressOf, overlaps, type Cidr } from './ipv4';

/** Docker's default address pool for swarm networks: 10.0.0.0/8 cut in /24s. */
const POOL_BASE = 0x0a000000;
const POOL_BLOCKS = 65536;

/**
 * The first /24 of 10.0.0.0/8, from `start` on and wrapping, that overlaps no
 * taken subnet and holds no node's address (a host network inside a task
 * subnet would lose its route). Undefined when the pool is full.
 */
export function nextSubnet(taken: readonly Cidr[], avoid: readonly number[], start: number): Cidr | undefined {
  for (let i = 0; i < POOL_BLOCKS; i++) {
    const c: Cidr = { base: (POOL_BASE + ((start + i) % POOL_BLOCKS) * 256) >>> 0, prefix: 24 };
    if (taken.some((t) => overlaps(t, c))) continue;
    if (avoid.some((ip) => ip >= c.base && ip < c.base + 256)) continue;
    return c;
  }
  return undefined;
}

/**
 * Where a cluster starts looking in the pool. Docker starts every engine at
 * 10.0.0.0/24; several flotilla clusters may share one engine (a dev box, CI),
 * and two bridges with one subnet cannot both exist there, so each cluster
 * starts at a place of its own (a hash of its id), still deterministic.
 */
export function poolStart(clusterId: string | undefined): number {
  if (!clusterId) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < clusterId.length; i++) h = Math.imul(h ^ clusterId.charCodeAt(i), 0x01000193) >>> 0;
  return h % POOL_BLOCKS;
}

/** A node's address as the store has it ("10.0.0.5" or "10.0.0.5:2377"), as a number. */
export function nodeAddress(addr: string | undefined): number | undefined {
  return addr ? addressOf(addr.replace(/:\d+$/, '')) : undefined;
}
