import type { OverlayNetworkAssignment, Task } from '@flotilla/contracts';

/**
 * The names this node's DNS answers, from its assignment: per network, each
 * service's name and aliases (and `tasks.` + each) -> the addresses on that
 * network of its tasks on a node and meant to run, every host's. Without IPVS there is no virtual
 * IP, so a service name answers its tasks (Docker's dnsrr mode).
 */
export class NameTable {
  private constructor(
    private readonly byNetwork: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>,
    private readonly networksOf: ReadonlyMap<string, readonly string[]>,
  ) {}

  static from(overlay: readonly OverlayNetworkAssignment[], tasks: readonly Task[]): NameTable {
    const byNetwork = new Map<string, Map<string, string[]>>();
    for (const n of overlay) {
      const names = new Map<string, string[]>();
      for (const s of n.services) {
        for (const name of s.names) {
          const key = name.toLowerCase();
          // Two services claiming one alias: the first (by id) keeps it, as a stable answer.
          if (!names.has(key)) names.set(key, s.addresses.slice());
          if (!names.has(`tasks.${key}`)) names.set(`tasks.${key}`, s.addresses.slice());
        }
      }
      byNetwork.set(n.networkId, names);
    }
    // Which networks a local container is on, by its address: a query is answered from all of them.
    const networksOf = new Map<string, string[]>();
    for (const t of tasks) {
      const nets = (t.NetworksAttachments ?? []).map((a) => a.Network.ID);
      for (const a of t.NetworksAttachments ?? []) for (const addr of a.Addresses ?? []) networksOf.set(addr.split('/')[0], nets);
    }
    return new NameTable(byNetwork, networksOf);
  }

  /**
   * Addresses for `name` asked on `networkId` by the container at `from`: the
   * network asked on first, then the asker's other networks. Undefined when
   * the name is none of ours (the caller forwards it).
   */
  resolve(name: string, networkId: string, from?: string): readonly string[] | undefined {
    const key = name.toLowerCase().replace(/\.$/, '');
    for (const id of [networkId, ...(from ? this.networksOf.get(from) ?? [] : [])]) {
      const hit = this.byNetwork.get(id)?.get(key);
      if (hit) return hit;
    }
    return undefined;
  }
}

/** The IPv4 `nameserver` lines of a resolv.conf, minus the addresses we serve on (no loops). */
export function upstreamServers(resolvConf: string, ours: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  for (const line of resolvConf.split('\n')) {
    const m = /^\s*nameserver\s+(\d+\.\d+\.\d+\.\d+)\s*$/.exec(line);
    if (m && !ours.has(m[1])) out.push(m[1]);
  }
  return out;
}
