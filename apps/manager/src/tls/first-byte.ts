import { isLoopback } from '../api/remote-access.middleware';

/** A TLS record of type handshake starts every TLS connection (a ClientHello). */
const TLS_HANDSHAKE = 0x16;

export type FirstByteRoute = 'tls' | 'plain' | 'refuse';

/**
 * Pure: where a new connection on the manager port goes, from its first byte and its peer.
 * Plain HTTP is the local socket's equivalent: only this host may speak it (the CLI and the
 * docker CLI on the manager's host keep working unchanged). `plainRemote` is the insecure escape
 * (FLOTILLA_API_REMOTE_PLAIN=1 with --api-remote, as dockerd's plain tcp://) that test harnesses use;
 * node and manager traffic from other hosts is refused later unless it is mutual TLS.
 */
export function routeFirstByte(first: number, remoteAddress: string | undefined, plainRemote: boolean): FirstByteRoute {
  if (first === TLS_HANDSHAKE) return 'tls';
  if (isLoopback(remoteAddress) || plainRemote) return 'plain';
  return 'refuse';
}
