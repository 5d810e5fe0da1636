import type { LoggerService } from '@nestjs/common';
import type { ManagerConfig } from '../config';
import type { ClusterService } from '../cluster/cluster.service';
import type { NodeTls } from '../../../worker/src/agent/manager-tls';
import { writeCredentials, type NodeCredentials } from '../../../worker/src/agent/node-credentials';
import { CertRenewal } from '../../../worker/src/agent/cert-renewal';
import { managerAddresses } from './manager-names';

/**
 * A manager renews its own certificate at its renewal time, signing it itself (it holds the root),
 * and starts serving with it at once: its listener, its links to other managers and its own worker.
 */
export function renewOwnCertificate(
  o: { config: ManagerConfig; nodeId: string; nodeTls: NodeTls; cluster: ClusterService; use: (creds: NodeCredentials) => void },
  logger: LoggerService,
): CertRenewal {
  const names = managerAddresses(o.config);
  const renewal = new CertRenewal({
    current: () => o.nodeTls.credentials,
    sign: async (publicKeyPem) => ({ ca: o.cluster.caCert(), certificate: await o.cluster.sign(publicKeyPem, o.nodeId, 'manager', { ips: names.ips, dns: [names.hostname] }) }),
    apply: (creds) => {
      writeCredentials(o.config.dataDir, creds);
      o.nodeTls.use(creds);
      o.use(creds);
    },
    log: { log: (m) => logger.log(m, 'CertRenewal'), warn: (m) => logger.warn(m, 'CertRenewal') },
  });
  renewal.start();
  return renewal;
}
