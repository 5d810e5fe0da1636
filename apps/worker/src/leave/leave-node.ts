import { LABEL } from '@flotilla/contracts';
import { DockerAdapter } from '../docker/docker.adapter';
import { runCommand } from '../network/overlay/host-commands';
import { observeHost } from '../network/overlay/host-observer';
import { planOverlay } from '../network/overlay/overlay-plan';
import { sameNetwork } from '../network/overlay/device-names';
import { planLeave, type LeaveAction, type ObservedNetwork } from './leave-plan';
import { nodeIdentity, wipeNodeDir } from './node-dir';

export interface LeaveResult {
  containers: number;
  networks: number;
}

/**
 * Makes this host forget the node of `dataDir`, as `docker swarm leave` does:
 * its task containers and its cluster's networks go from the engine (with
 * their overlay devices), then its state. Run once the node's processes have
 * stopped, so nothing recreates what this removes; it works as well for a
 * node that died long ago.
 */
export async function leaveNode(dataDir: string, fallbackDockerHost: string | undefined): Promise<LeaveResult> {
  const node = nodeIdentity(dataDir);
  // The engine the node drove, not the caller's DOCKER_HOST (which may point at a manager's Docker API).
  const docker = new DockerAdapter(node.engine ? node.engine.dockerHost : fallbackDockerHost);
  const actions = node.nodeIds.length ? await observeAndPlan(docker, node) : [];
  for (const a of actions) if (a.kind === 'remove-container') await docker.remove(a.id);
  const networks = actions.filter((a): a is Extract<LeaveAction, { kind: 'remove-network' }> => a.kind === 'remove-network');
  for (const n of networks) await docker.removeNetwork(n.id);
  await removeOverlayDevices(networks.map((n) => n.networkId).filter((x): x is string => !!x));
  wipeNodeDir(dataDir);
  return { containers: actions.length - networks.length, networks: networks.length };
}

async function observeAndPlan(docker: DockerAdapter, node: ReturnType<typeof nodeIdentity>): Promise<LeaveAction[]> {
  // Label filters are ANDed: one listing per node id (a manager dir has one, a promoted worker's two at most).
  const containers = [];
  for (const id of node.nodeIds) containers.push(...(await docker.docker.listContainers({ all: true, filters: { label: [`${LABEL.swarmNodeId}=${id}`] } })));
  const networks: ObservedNetwork[] = [];
  for (const clusterId of node.clusterIds) {
    for (const n of await docker.listManagedNetworks(clusterId)) {
      // The list omits attached containers; inspect has them.
      const info = (await docker.docker.getNetwork(n.Id).inspect().catch(() => undefined)) as { Containers?: Record<string, unknown> } | undefined;
      if (info) networks.push({ id: n.Id, name: n.Name, labels: n.Labels ?? {}, containers: Object.keys(info.Containers ?? {}) });
    }
  }
  return planLeave(
    node,
    containers.map((c) => ({ id: c.Id, name: (c.Names?.[0] ?? c.Id).replace(/^\//, ''), labels: c.Labels ?? {} })),
    networks,
  );
}

/** The VXLAN devices and ARP rules of the removed networks (their bridges went with the engine networks). */
async function removeOverlayDevices(networkIds: string[]) {
  if (!networkIds.length) return;
  const host = await observeHost(runCommand).catch(() => undefined);
  if (!host) return;
  for (const c of planOverlay([], host, (prefix) => networkIds.some((id) => sameNetwork(id, prefix)))) await runCommand(c.argv);
}
