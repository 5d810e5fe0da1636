import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { NextFunction, Request, Response } from 'express';
import { peerHolder, type CertificateHolder } from '@flotilla/pki';
import { sendError } from '../api/error.filter';
import { isLoopback } from '../api/remote-access.middleware';
import { FORWARDED_HEADER } from '../cluster/manager-auth';
import { needOf, peerAccess, type Access, type Need, type Peer, type PeerFacts } from './peer-access';

/**
 * Each TLS connection's peer, read once, when its handshake is done (the listener asks then): the
 * certificate that was verified is the one the connection is judged by. A TLS 1.2 renegotiation can
 * present another one, which nothing verified; read afresh per request, it named whom it liked. Read
 * once, a keep-alive connection also no longer costs an X.509 parse per request. Whether that
 * identity may still reach a path (its dates, a removed node) is judged per request (peerAccess).
 */
const tlsPeers = new WeakMap<Socket, Peer>();

/** What the connection says about its peer: TLS or not, and the verified certificate's identity. */
export function peerOf(socket: Socket): Peer {
  const loopback = isLoopback(socket.remoteAddress);
  if (!(socket as TLSSocket).encrypted) return { tls: false, loopback };
  const known = tlsPeers.get(socket);
  if (known) return known;
  const peer = tlsPeerOf(socket as TLSSocket, loopback);
  tlsPeers.set(socket, peer);
  return peer;
}

function tlsPeerOf(s: TLSSocket, loopback: boolean): Peer {
  const cert = s.getPeerCertificate();
  const presented = !!cert && !!cert.raw;
  let holder: CertificateHolder | undefined;
  if (s.authorized && presented) {
    try {
      holder = peerHolder(cert.raw);
    } catch {
      holder = undefined;
    }
  }
  const identity = holder?.kind === 'node' ? holder.node : undefined;
  const client = holder?.kind === 'client' ? holder.client : undefined;
  const authorizationError = presented ? ((s.authorizationError as unknown as string | undefined) ?? (holder ? undefined : 'not a node certificate')) : undefined;
  return { tls: true, loopback, authorized: s.authorized && !!holder, authorizationError, identity, client };
}

/** Judges a request (or an upgrade) by its peer and what its path needs. */
export function judge(req: IncomingMessage, facts: PeerFacts, apiRemote: boolean, need?: Need, plainRemote = false): Access {
  const path = (req.url ?? '/').split('?')[0];
  return peerAccess(peerOf(req.socket), need ?? needOf(path, req.headers[FORWARDED_HEADER] !== undefined), facts, apiRemote, plainRemote, Date.now());
}

/** First on every request: node and manager traffic from other hosts is mutual TLS with a live certificate. */
export function peerAccessMiddleware(facts: PeerFacts, apiRemote: boolean, plainRemote = false) {
  return (req: Request, res: Response, next: NextFunction) => {
    const a = judge(req, facts, apiRemote, undefined, plainRemote);
    if (a.ok) return next();
    sendError(res, a.status, a.message);
  };
}

/** The answer to a refused upgrade (Raft, relay, hijacked engine streams), with the reason. */
export function refuseUpgrade(socket: Socket, a: Extract<Access, { ok: false }>): void {
  const body = JSON.stringify({ message: a.message });
  socket.end(`HTTP/1.1 ${a.status} ${a.status === 401 ? 'Unauthorized' : 'Forbidden'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
