import type { HeartbeatRequest, HeartbeatResponse } from '@flotilla/contracts';
import { nodeTlsInfo, tlsInfoTag, type TlsInfo } from '@flotilla/pki';
import type { NodeCredentials } from './node-credentials';

/**
 * What a node's heartbeats say of its TLS state: the tag each time, the state itself only when the
 * manager's last answer showed it holds another (after a renewal or a new trust bundle).
 */
export class TlsReport {
  private cached?: { creds: NodeCredentials; info: TlsInfo; tag: string };
  private heldTag?: string;

  body(creds: NodeCredentials | undefined): HeartbeatRequest | undefined {
    if (!creds) return undefined;
    if (this.cached?.creds !== creds) {
      const info = nodeTlsInfo(creds.cert, creds.ca);
      this.cached = { creds, info, tag: tlsInfoTag(info) };
    }
    const { info, tag } = this.cached;
    return tag === this.heldTag ? { tlsTag: tag } : { tlsTag: tag, tls: info };
  }

  answered(r: HeartbeatResponse | undefined): void {
    if (r && typeof r.tlsTag === 'string') this.heldTag = r.tlsTag;
  }
}

/** Pure: the credentials a node keeps after a heartbeat answer hands it a new trust bundle (undefined: no change). */
export function withTrustRoot(creds: NodeCredentials | undefined, r: HeartbeatResponse | undefined): NodeCredentials | undefined {
  if (!creds || typeof r?.trustRoot !== 'string' || !r.trustRoot.includes('-----BEGIN CERTIFICATE-----')) return undefined;
  return r.trustRoot === creds.ca ? undefined : { ...creds, ca: r.trustRoot };
}
