import type { NextFunction, Request, Response } from 'express';
import { sendError } from './error.filter';

/** What other hosts may always call: liveness, and the node protocol (join token / node credential checked). */
const NODE_PATHS = [/^\/_ping$/, /^\/flotilla\/v1\/nodes\//, /^\/flotilla\/v1\/cluster\/(ca|certificate|fingerprint|token-role)$/, /^\/flotilla\/v1\/managers\/join$/, /^\/flotilla\/v1\/raft\/status$/];

export function isLoopback(addr: string | undefined): boolean {
  return !!addr && (addr.startsWith('127.') || addr === '::1' || addr.startsWith('::ffff:127.'));
}

/**
 * The user API can create containers with any bind mount: root on the host.
 * It answers only this host, unless the manager was told `--api-remote` (then peer-access.ts
 * asks other hosts for TLS with a client certificate); workers on other hosts only need the node paths.
 */
export function remoteAccessMiddleware(allowRemote: boolean, fromManager: (req: Request) => boolean = () => false) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (allowRemote || isLoopback(req.socket.remoteAddress)) return next();
    // Another manager forwarding its client's request: that manager already applied this rule.
    if (fromManager(req)) return next();
    const path = req.path.replace(/^\/v\d+\.\d+/, '');
    if (NODE_PATHS.some((re) => re.test(path))) return next();
    sendError(res, 403, 'this flotilla manager serves its API to its own host only; start it with --api-remote to serve other hosts (over TLS, with client certificates)');
  };
}
