import type { LoggerService } from '@nestjs/common';
import { generateKeyPair } from '@flotilla/pki';
import type { ManagerConfig } from '../config';
import type { ClusterService } from '../cluster/cluster.service';
import type { NodeTls } from '../../../worker/src/agent/manager-tls';
import { writeCredentials } from '../../../worker/src/agent/node-credentials';
import { managerAddresses } from './manager-names';
import { holdsManagerCertificate } from './manager-credentials';

/**
 * A manager without a manager certificate once its cluster exists
 * (the founder, right after `swarm init`, or a node that kept a worker's) signs its own with the
 * cluster's root: it holds the root key like every manager.
 */
export async function ensureOwnCertificate(o: { config: ManagerConfig; nodeId: string; nodeTls: NodeTls; cluster: ClusterService }, logger: LoggerService): Promise<void> {
  if (holdsManagerCertificate(o.nodeTls.credentials)) return;
  const keys = generateKeyPair();
  const names = managerAddresses(o.config);
  const cert = await o.cluster.sign(keys.publicKeyPem, o.nodeId, 'manager', { ips: names.ips, dns: [names.hostname] });
  const creds = { ca: o.cluster.caCert(), cert, key: keys.keyPem };
  writeCredentials(o.config.dataDir, creds);
  o.nodeTls.use(creds);
  logger.log({ msg: 'node certificate issued', nodeId: o.nodeId, role: 'manager' }, 'Main');
}
