import type { LoggerService } from '@nestjs/common';
import type { StateStore } from '@flotilla/state';
import { signingRootOf } from '@flotilla/pki';
import { writeCredentials, type NodeCredentials } from '../../../worker/src/agent/node-credentials';
import type { NodeTls } from '../../../worker/src/agent/manager-tls';
import type { CertRenewal } from '../../../worker/src/agent/cert-renewal';
import { sameRoots, signerOf, trustBundle } from '../cluster/root-rotation-plan';

const TICK_MS = 500;

/**
 * A manager follows a root rotation for itself (and its own worker, which shares its credentials):
 * it trusts what the cluster trusts now (its listener, its Raft links, its calls) and, once the new
 * root signs, renews its own certificate at once. Other nodes are told the same with their heartbeats.
 */
export function followClusterRoots(
  o: { store: StateStore; nodeTls: NodeTls; dataDir: string; renewal: CertRenewal; use: (creds: NodeCredentials) => void },
  logger: LoggerService,
): () => void {
  const tick = () => {
    const c = o.store.view().cluster;
    const creds = o.nodeTls.credentials;
    if (!c?.TLSInfo || !c.CAKey || !creds) return;
    const bundle = trustBundle(c);
    if (!sameRoots(bundle, creds.ca)) {
      const next = { ...creds, ca: bundle };
      writeCredentials(o.dataDir, next);
      o.nodeTls.use(next);
      o.use(next);
      logger.log({ msg: 'trusted roots changed (root CA rotation)', roots: c.RootRotation ? 2 : 1 }, 'RootRotation');
    }
    if (c.RootRotation?.phase === 'issue' && !signedBy(creds.cert, signerOf(c).certPem)) o.renewal.renewNow();
  };
  const t = setInterval(tick, TICK_MS);
  t.unref();
  return () => clearInterval(t);
}

function signedBy(certPem: string, rootPem: string): boolean {
  try {
    return signingRootOf(certPem, rootPem) !== undefined;
  } catch {
    return false;
  }
}
