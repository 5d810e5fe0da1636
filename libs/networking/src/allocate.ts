import { VXLAN_ID_OPTION, taskStateRank, type Network, type NetworkAttachment, type Task } from '@flotilla/contracts';
import { put, type Op, type StateView } from '@flotilla/state';
import { broadcast, formatCidr, formatIp, overlaps, parseCidr, parseIp, type Cidr } from './ipv4';
import { FIRST_VNI, addressIn, allocationOf, holdsAddress, isAllocatable, isAssignable, taskAddress, type NetworkAllocation } from './network-allocation';
import { nextSubnet, nodeAddress, poolStart } from './subnet-pool';

/**
 * The store writes that give networks and tasks their addresses, as a pure
 * function of a snapshot (swarmkit's allocator, without its in-memory state:
 * what is taken is read from the objects themselves).
 *  - every allocatable network without an allocation gets a subnet (the
 *    user's, else the next free /24 of 10.0.0.0/8), a gateway and a VXLAN id;
 *  - every task not yet on a node that lists an already-allocated network
 *    gets an address there, unique among the tasks holding one.
 * Tasks are only addressed on networks whose allocation is committed, so a
 * network write rejected at the commit point can never strand task addresses.
 * Returns [] when everything is allocated; committing the result and planning
 * again returns [] too.
 */
export function planNetworkAllocations(view: StateView): Op[] {
  return [...planNetworks(view), ...planTasks(view)];
}

function planNetworks(view: StateView): Op[] {
  const nets = [...view.networks.values()].filter(isAllocatable).sort(byCreation);
  const pending = nets.filter((n) => !allocationOf(n));
  if (pending.length === 0) return [];
  const taken: Taken[] = [];
  const vnis = new Set<number>();
  for (const n of nets) {
    const a = allocationOf(n);
    if (a) {
      taken.push({ cidr: a.subnet, owner: n.ID });
      vnis.add(a.vni);
    } else {
      // A subnet a user asked for is reserved before the pool hands out anything.
      const asked = n.Spec.IPAMOptions?.Configs?.[0]?.Subnet;
      const c = asked ? parseCidr(asked) : undefined;
      if (c) taken.push({ cidr: c, owner: n.ID });
    }
  }
  const avoid = [...view.nodes.values()].map((n) => nodeAddress(n.Status.Addr)).filter((x): x is number => x !== undefined);
  const start = poolStart(view.cluster?.ID);
  const ops: Op[] = [];
  let vni = FIRST_VNI;
  for (const n of pending) {
    const ipam = subnetFor(n, taken, avoid, start);
    if (!ipam) continue;
    while (vnis.has(vni)) vni++;
    vnis.add(vni);
    taken.push({ cidr: ipam.subnet, owner: n.ID });
    const next: Network = {
      ...n,
      IPAMOptions: {
        Driver: { Name: n.Spec.IPAMOptions?.Driver?.Name ?? 'default' },
        Configs: [{ Subnet: formatCidr(ipam.subnet), Gateway: formatIp(ipam.gateway), ...(ipam.range ? { Range: ipam.range } : {}) }],
      },
      DriverState: { Name: n.Spec.DriverConfiguration?.Name ?? 'overlay', Options: { [VXLAN_ID_OPTION]: String(vni) } },
    };
    ops.push(put('network', next, n.Version.Index));
  }
  return ops;
}

/**
 * The user's subnet (it must not overlap another network's; Docker refuses
 * those too) or the pool's next; the user's gateway or the first address.
 * Undefined when there is none to give: the network stays unallocated and its
 * tasks run on a local bridge per node, as before the overlay existed.
 */
function subnetFor(n: Network, taken: Taken[], avoid: number[], start: number): { subnet: Cidr; gateway: number; range?: string } | undefined {
  const asked = n.Spec.IPAMOptions?.Configs?.[0];
  let subnet: Cidr | undefined;
  if (asked?.Subnet) {
    subnet = parseCidr(asked.Subnet);
    if (!subnet || subnet.prefix > 30) return undefined;
    const s = subnet;
    if (taken.some((t) => t.owner !== n.ID && overlaps(t.cidr, s))) return undefined;
  } else {
    subnet = nextSubnet(
      taken.map((t) => t.cidr),
      avoid,
      start,
    );
  }
  if (!subnet) return undefined;
  const gw = asked?.Gateway ? parseIp(asked.Gateway) : subnet.base + 1;
  if (gw === undefined || gw <= subnet.base || gw >= broadcast(subnet)) return undefined;
  const range = asked?.Range && parseCidr(asked.Range) ? asked.Range : undefined;
  return { subnet, gateway: gw, range };
}

/** Tasks the worker has not started to prepare yet may still be given an address. */
const LAST_ADDRESSABLE = taskStateRank('assigned');

function planTasks(view: StateView): Op[] {
  const allocs = new Map<string, NetworkAllocation>();
  for (const n of view.networks.values()) {
    const a = isAllocatable(n) ? allocationOf(n) : undefined;
    if (a) allocs.set(n.ID, a);
  }
  if (allocs.size === 0) return [];
  const wanting: Task[] = [];
  for (const t of view.tasks.values()) {
    if (!holdsAddress(t) || taskStateRank(t.Status.State) > LAST_ADDRESSABLE) continue;
    if ((t.Spec.Networks ?? []).some((n) => allocs.has(n.Target) && !taskAddress(t, n.Target))) wanting.push(t);
  }
  if (wanting.length === 0) return [];
  const pools = new Map<string, AddressPool>();
  const pool = (id: string) => {
    let p = pools.get(id);
    if (!p) pools.set(id, (p = AddressPool.of(allocs.get(id)!, id, view.tasks.values())));
    return p;
  };
  const ops: Op[] = [];
  for (const t of wanting.sort((a, b) => (a.ID < b.ID ? -1 : 1))) {
    const attachments: NetworkAttachment[] = [];
    let changed = false;
    for (const n of t.Spec.Networks ?? []) {
      const prev = t.NetworksAttachments?.find((x) => x.Network.ID === n.Target);
      const net = view.networks.get(n.Target);
      const name = net?.Spec.Name ?? prev?.Network.Spec.Name ?? n.Target;
      if (!allocs.has(n.Target) || prev?.Addresses?.length) {
        attachments.push(prev ?? { Network: { ID: n.Target, Spec: { Name: name } } });
        continue;
      }
      const a = allocs.get(n.Target)!;
      const ip = pool(n.Target).take();
      if (ip === undefined) {
        attachments.push(prev ?? { Network: { ID: n.Target, Spec: { Name: name } } });
        continue;
      }
      attachments.push({ Network: { ID: n.Target, Spec: { Name: name } }, Addresses: [`${formatIp(ip)}/${a.subnet.prefix}`] });
      changed = true;
    }
    if (changed) ops.push(put('task', { ...t, NetworksAttachments: attachments }, t.Version.Index));
  }
  return ops;
}

/**
 * The free addresses of one network. An address held by a live task is never
 * handed out; one still recorded on a finished task (kept as history until
 * the task is deleted) only when nothing else is left, so stale ARP and VXLAN
 * forwarding entries elsewhere for it have time to age out. Hands out upwards
 * from the highest address ever recorded, wrapping.
 */
class AddressPool {
  private constructor(
    private readonly a: NetworkAllocation,
    private readonly used: Set<number>,
    private readonly recent: Set<number>,
    private cursor: number,
  ) {}

  static of(a: NetworkAllocation, networkId: string, tasks: Iterable<Task>): AddressPool {
    const used = new Set<number>();
    const recent = new Set<number>();
    let high = a.gateway;
    for (const t of tasks) {
      const ip = addressIn(a, t, networkId);
      if (ip === undefined) continue;
      (holdsAddress(t) ? used : recent).add(ip);
      if (ip > high) high = ip;
    }
    return new AddressPool(a, used, recent, high);
  }

  take(): number | undefined {
    const ip = this.scan((x) => !this.used.has(x) && !this.recent.has(x)) ?? this.scan((x) => !this.used.has(x));
    if (ip === undefined) return undefined;
    this.used.add(ip);
    this.cursor = ip;
    return ip;
  }

  private scan(free: (ip: number) => boolean): number | undefined {
    const first = Math.max(this.a.range.base, this.a.subnet.base);
    const span = 2 ** (32 - Math.max(this.a.range.prefix, this.a.subnet.prefix));
    for (let i = 1; i <= span; i++) {
      const ip = first + ((((this.cursor - first + i) % span) + span) % span);
      if (free(ip) && isAssignable(this.a, ip)) return ip;
    }
    return undefined;
  }
}

interface Taken {
  cidr: Cidr;
  owner: string;
}

function byCreation(a: Network, b: Network): number {
  return a.CreatedAt < b.CreatedAt ? -1 : a.CreatedAt > b.CreatedAt ? 1 : a.ID < b.ID ? -1 : a.ID > b.ID ? 1 : 0;
}
