import * as net from 'node:net';
import * as tls from 'node:tls';
import type { Server, ServerResponse } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import type { NodeCredentials } from '../../../worker/src/agent/node-credentials';
import { verifyClusterCertificate } from '@flotilla/pki';
import { routeFirstByte } from './first-byte';
import { peerOf } from './peer-access.middleware';

const REFUSAL =
  'HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n' +
  '{"message":"this manager takes connections from other hosts over mutual TLS only (a certificate signed by the swarm\'s CA)"}\n';

/**
 * The manager port, serving TLS and plain HTTP on one address: the first byte of a connection says
 * which (0x16 opens a TLS handshake). Both end in the same HTTP server (Nest's), so every route and
 * upgrade is served once. TLS asks for a client certificate but does not demand one: the join
 * endpoints are reached without; everything else is judged per request (peer-access.ts), so a
 * refused node is told why instead of seeing a reset.
 */
export class SniffingListener {
  private readonly server: net.Server;
  private context?: tls.SecureContext;
  private caPem?: string;
  private readonly open = new Set<net.Socket>();
  /** TLS connections whose client certificate was accepted: judged again when the trusted roots change. */
  private readonly trusted = new Set<tls.TLSSocket>();
  /** Answers still being written: a stop lets them finish (a console stream's last bytes) before it cuts sockets. */
  private answering = 0;

  constructor(
    private readonly http: Server,
    private readonly plainRemote: boolean,
    private readonly log: LoggerService,
  ) {
    // Half-open as http.Server's own sockets are: a client that ends its side (stdin of `exec -T`) still reads the answer.
    this.server = net.createServer({ allowHalfOpen: true }, (s) => this.accept(s));
    http.on('request', (_req, res: ServerResponse) => {
      this.answering++;
      res.once('close', () => this.answering--);
    });
  }

  /** This manager's certificate (and the root clients are checked against); until set, TLS is refused. */
  useCredentials(c: NodeCredentials): void {
    const rootsChanged = this.caPem !== undefined && this.caPem !== c.ca;
    // The root goes with the certificate, so a joining node can check it against its token's digest.
    this.caPem = c.ca;
    // A session id context (tls.Server sets one itself): without it, OpenSSL fails every resumed
    // session of a client that showed a certificate ("session id context uninitialized").
    this.context = tls.createSecureContext({ key: c.key, cert: `${c.cert.trim()}\n${c.ca.trim()}\n`, ca: [c.ca], sessionIdContext: 'flotilla-manager' });
    if (rootsChanged) this.dropUntrusted();
  }

  /**
   * The roots changed (the end of a CA rotation drops the old one): a connection accepted under a root
   * no longer trusted is closed, as a new one with its certificate would be refused. Its client
   * reconnects with the certificate it renewed under the new root.
   */
  private dropUntrusted() {
    for (const s of this.trusted) {
      const why = this.certificateRefusal(s);
      if (!why) continue;
      this.log.log({ msg: 'connection closed: its certificate is not signed by a root this manager trusts now', peer: s.remoteAddress, err: why }, 'SniffingListener');
      this.trusted.delete(s);
      s.destroy();
    }
  }

  listen(port: number, host: string, backlog?: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, backlog, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /** Stops accepting, lets answers under way finish (at most `graceMs`), then cuts every connection. */
  async close(graceMs = 2_000): Promise<void> {
    this.server.close();
    const until = Date.now() + graceMs;
    while (this.answering > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    for (const s of this.open) s.destroy();
  }

  private accept(socket: net.Socket) {
    this.open.add(socket);
    socket.on('close', () => this.open.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.once('data', (first: Buffer) => {
      socket.pause();
      const route = routeFirstByte(first[0], socket.remoteAddress, this.plainRemote);
      if (route === 'refuse' || (route === 'tls' && !this.context)) {
        if (route === 'refuse') socket.end(REFUSAL);
        else socket.destroy();
        return;
      }
      if (route === 'plain') {
        socket.unshift(first);
        this.http.emit('connection', socket);
        socket.resume();
        return;
      }
      // The byte already read goes back into the socket: a TLSSocket made over it feeds what the
      // socket holds to the handshake before reading on. It wraps the socket's own handle, so TLS
      // runs natively; over a JS stream that replayed the byte (as before) every read and write of
      // every node call went through JS stream machinery.
      socket.unshift(first);
      const secure = new tls.TLSSocket(socket, { isServer: true, secureContext: this.context, requestCert: true, rejectUnauthorized: false });
      // The HTTP layer judges peers by address (loopback is the local socket): keep the real one.
      Object.defineProperty(secure, 'remoteAddress', { value: socket.remoteAddress });
      Object.defineProperty(secure, 'remotePort', { value: socket.remotePort });
      secure.once('secure', () => {
        this.judgeCertificate(secure);
        if (secure.authorized) {
          this.trusted.add(secure);
          secure.once('close', () => this.trusted.delete(secure));
        }
        // Pinned now: the connection is judged by the certificate just verified, whatever a renegotiation shows later.
        peerOf(secure);
        this.http.emit('connection', secure);
      });
      secure.on('error', (e) => {
        this.log.debug?.({ msg: 'TLS connection failed', peer: socket.remoteAddress, err: e.message }, 'SniffingListener');
        secure.destroy();
        socket.destroy();
      });
    });
  }

  /**
   * A TLS socket made by hand is not judged by a tls.Server: say here whether the client's
   * certificate is this cluster's and valid now (`authorized`), or what is wrong with it.
   */
  private judgeCertificate(secure: tls.TLSSocket) {
    const why = this.certificateRefusal(secure);
    if (why === null) return;
    secure.authorized = why === undefined;
    if (why !== undefined) secure.authorizationError = why as unknown as Error;
  }

  /**
   * Why the client's certificate is refused under the roots trusted now (a node's or a user's: what each
   * may reach is judged per request, peer-access.ts); undefined when it is accepted, null when there is
   * no certificate or no root to judge it by.
   */
  private certificateRefusal(secure: tls.TLSSocket): string | undefined | null {
    const cert = secure.getPeerX509Certificate();
    if (!cert || !this.caPem) return null;
    try {
      verifyClusterCertificate(cert.toString(), this.caPem, Date.now());
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  }
}
