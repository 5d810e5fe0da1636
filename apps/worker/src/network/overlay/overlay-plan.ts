import { OVERLAY_MTU } from './bridge-network';
import { VXLAN_PREFIX, bridgeName, idPart, vxlanName } from './device-names';

/** VXLAN's IANA port, as Docker's overlay uses. */
export const VXLAN_PORT = 4789;
const FLOOD_MAC = '00:00:00:00:00:00';

/** One network this host should tunnel: its VXLAN id, its gateway, the other hosts on it. */
export interface WantedOverlay {
  networkId: string;
  vni: number;
  gateway: string;
  peers: readonly string[];
}

/** The host as `ip`, `bridge` and `ebtables` show it (only what the plan reads). */
export interface ObservedHost {
  bridges: ReadonlySet<string>;
  vxlans: ReadonlyMap<string, { vni: number; master?: string; up: boolean }>;
  /** VXLAN device -> destinations of its all-zero (flood) forwarding entries. */
  floods: ReadonlyMap<string, ReadonlySet<string>>;
  /** ebtables chain -> its rules, as `ebtables -L` prints them. */
  ebtables: ReadonlyMap<string, readonly string[]>;
}

export interface Command {
  argv: string[];
  /** Removals of what may already be gone: a failure is no error. */
  mayFail?: boolean;
}

/**
 * Host state -> the commands that make it what the assignment wants, as a
 * pure function (applying them and observing again plans nothing). Per
 * tunnelled network: a VXLAN device enslaved to the network's bridge, one
 * flood entry per peer host, and ebtables rules that keep ARP for the gateway
 * on this host (every host's bridge carries the same gateway address).
 * A network is tunnelled once its bridge exists and it has peers; what is no
 * longer wanted goes, if it is ours (`owned`) or its bridge is gone.
 */
export function planOverlay(wanted: readonly WantedOverlay[], host: ObservedHost, owned: (idPrefix: string) => boolean): Command[] {
  const want = new Map<string, WantedOverlay>();
  for (const w of wanted) if (w.peers.length && host.bridges.has(bridgeName(w.networkId))) want.set(vxlanName(w.networkId), w);
  const removals: Command[] = [];
  const adds: Command[] = [];
  const gone = new Set<string>();
  const mine = (dev: string, master?: string) => owned(idPart(dev) ?? '') || !master || !host.bridges.has(master);

  for (const [dev, v] of host.vxlans) {
    if (!dev.startsWith(VXLAN_PREFIX)) continue;
    const w = want.get(dev);
    if (w && w.vni === v.vni) continue;
    if (!w && !mine(dev, v.master)) continue;
    removals.push({ argv: ['ip', 'link', 'del', dev], mayFail: true });
    gone.add(dev);
  }
  for (const [dev, w] of want) {
    const br = bridgeName(w.networkId);
    const v = gone.has(dev) ? undefined : host.vxlans.get(dev);
    if (!v) {
      adds.push({ argv: ['ip', 'link', 'add', dev, 'mtu', String(OVERLAY_MTU), 'master', br, 'type', 'vxlan', 'id', String(w.vni), 'dstport', String(VXLAN_PORT)] });
    } else if (v.master !== br) adds.push({ argv: ['ip', 'link', 'set', dev, 'master', br] });
    if (!v?.up) adds.push({ argv: ['ip', 'link', 'set', dev, 'up'] });
    const have = (v && host.floods.get(dev)) || new Set<string>();
    for (const p of [...w.peers].sort()) if (!have.has(p)) adds.push({ argv: ['bridge', 'fdb', 'append', FLOOD_MAC, 'dev', dev, 'dst', p] });
    for (const p of [...have].sort()) if (!w.peers.includes(p)) adds.push({ argv: ['bridge', 'fdb', 'del', FLOOD_MAC, 'dev', dev, 'dst', p], mayFail: true });
    adds.push(...planArpGuard(dev, w.gateway, host.ebtables));
  }
  for (const [chain] of host.ebtables) {
    if (!chain.startsWith(VXLAN_PREFIX) || want.has(chain)) continue;
    const v = gone.has(chain) ? undefined : host.vxlans.get(chain);
    if (v && !mine(chain, v.master)) continue;
    removals.push(...removeArpGuard(chain, host.ebtables));
  }
  return [...removals, ...adds];
}

/** Where the chain of a VXLAN device is jumped to from: frames through it, into and out of this host. */
function jumps(dev: string): [string, string][] {
  return [
    ['FORWARD', `-i ${dev} -j ${dev}`],
    ['FORWARD', `-o ${dev} -j ${dev}`],
    ['INPUT', `-i ${dev} -j ${dev}`],
    ['OUTPUT', `-o ${dev} -j ${dev}`],
  ];
}

/**
 * ARP naming the gateway never crosses the tunnel: a container asking for its
 * gateway gets this host's bridge, never another host's.
 */
function planArpGuard(dev: string, gateway: string, eb: ObservedHost['ebtables']): Command[] {
  const out: Command[] = [];
  const rules = eb.get(dev);
  if (!rules) out.push({ argv: ['ebtables', '-N', dev, '-P', 'RETURN'] });
  for (const r of [`-p ARP --arp-ip-dst ${gateway} -j DROP`, `-p ARP --arp-ip-src ${gateway} -j DROP`]) {
    if (!rules?.includes(r)) out.push({ argv: ['ebtables', '-A', dev, ...r.split(' ')] });
  }
  for (const [chain, r] of jumps(dev)) if (!eb.get(chain)?.includes(r)) out.push({ argv: ['ebtables', '-A', chain, ...r.split(' ')] });
  return out;
}

function removeArpGuard(dev: string, eb: ObservedHost['ebtables']): Command[] {
  const out: Command[] = [];
  for (const [chain, rules] of eb) {
    for (const r of rules) if (r.endsWith(`-j ${dev}`)) out.push({ argv: ['ebtables', '-D', chain, ...r.split(' ')], mayFail: true });
  }
  // ebtables-nft deletes only an empty chain.
  out.push({ argv: ['ebtables', '-F', dev], mayFail: true }, { argv: ['ebtables', '-X', dev], mayFail: true });
  return out;
}
