import { Logger } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import type { AssignmentSet, Network } from '@flotilla/contracts';
import { allocationOf, formatIp } from '@flotilla/networking';
import { DnsServer } from '../dns/dns-server';
import { NameTable, upstreamServers } from '../dns/name-table';
import { bridgeName, sameNetwork } from './device-names';
import { runCommand, type RunCommand } from './host-commands';
import { observeHost } from './host-observer';
import { planOverlay, type WantedOverlay } from './overlay-plan';

/**
 * Links this host's bridge of each task network to the other hosts' (VXLAN),
 * and serves the network's service names on its gateway. Level-triggered:
 * each sync observes the host, plans against the assignment, runs the plan.
 */
export class OverlayAgent {
  private readonly log = new Logger(OverlayAgent.name);
  private table = NameTable.from([], []);
  private named = new Set<string>();
  private readonly dns: DnsServer;
  private syncing?: Promise<void>;

  constructor(
    private readonly run: RunCommand = runCommand,
    resolvConf = '/etc/resolv.conf',
  ) {
    const upstreams = readResolvers(resolvConf);
    this.dns = new DnsServer(
      () => this.table,
      () => upstreams,
    );
  }

  /** The names the DNS answers: refreshed with every assignment set. */
  update(set: AssignmentSet): void {
    this.table = NameTable.from(set.overlay ?? [], set.tasks);
    this.named = new Set((set.overlay ?? []).map((o) => o.networkId));
  }

  /**
   * For the task runner, before a container joins an allocated network whose
   * bridge exists: serve DNS on its gateway. True when it is served (the
   * container may then use it). False too while the manager sends no names
   * for the network: the container keeps Docker's own (local) names then.
   */
  async serveDns(net: Network): Promise<boolean> {
    const a = allocationOf(net);
    return a && this.named.has(net.ID) ? this.dns.serve(net.ID, formatIp(a.gateway)) : false;
  }

  /** Makes tunnels, flood entries and DNS sockets match the set; `owned`: ids of this cluster's engine networks. */
  sync(set: AssignmentSet, owned: ReadonlySet<string>): Promise<void> {
    // One at a time: two plans from one observation would run the same commands twice.
    const next = (this.syncing ?? Promise.resolve()).then(() => this.syncOnce(set, owned));
    this.syncing = next.catch(() => undefined);
    return next;
  }

  close(): void {
    this.dns.close();
  }

  private async syncOnce(set: AssignmentSet, owned: ReadonlySet<string>) {
    const nets = new Map(set.networks.map((n) => [n.ID, n]));
    const wanted: WantedOverlay[] = [];
    for (const o of set.overlay ?? []) {
      const a = nets.get(o.networkId) && allocationOf(nets.get(o.networkId)!);
      if (a) wanted.push({ networkId: o.networkId, vni: a.vni, gateway: formatIp(a.gateway), peers: o.peers });
    }
    const host = await observeHost(this.run);
    const ownedPrefix = (idPrefix: string) => [...owned].some((id) => sameNetwork(id, idPrefix));
    for (const c of planOverlay(wanted, host, ownedPrefix)) {
      const r = await this.run(c.argv);
      if (!r.ok && !c.mayFail) this.log.warn({ msg: 'overlay command failed', cmd: c.argv.join(' '), err: r.stderr.trim() });
    }
    // DNS follows the bridges: a worker restarted next to running containers serves them again.
    for (const w of wanted) if (host.bridges.has(bridgeName(w.networkId))) await this.dns.serve(w.networkId, w.gateway);
    this.dns.retain(new Set(wanted.map((w) => w.gateway)));
  }
}

function readResolvers(path: string): string[] {
  try {
    return upstreamServers(readFileSync(path, 'utf8'));
  } catch {
    return [];
  }
}
