import type { NextFunction, Request, Response } from 'express';
import { sendError } from './error.filter';
import { FORWARDED_HEADER, forwardedBy } from '../cluster/manager-auth';
import { NO_LEADER } from '../cluster/raft-store';
import { NodeTls } from '../../../worker/src/agent/manager-tls';

export interface LeaderDirectory {
  isWritable(): boolean;
  leaderId(): string | null;
  addressOf(id: string): string | undefined;
}

/**
 * Answered by whichever manager is asked: liveness, versions, this node's own identity and Raft view,
 * `/events` (every manager applies every change, and its own engine's events are its own),
 * `swarm/leave` (this manager's own: passed on, it would make the leader leave), `/metrics`
 * (each manager reports its own figures), and the console (`/ui/`: it reads this manager's replica,
 * so it works while the leader is away), and certificates (a client's for this host's user, a node's renewal over its own mutual TLS:
 * every manager holds the root).
 */
const LOCAL_PATHS = [/^\/_ping$/, /^\/version$/, /^\/info$/, /^\/flotilla\/v1\/raft\/status$/, /^\/events$/, /^\/swarm\/leave$/, /^\/metrics$/, /^\/ui(\/|$)/, /^\/flotilla\/v1\/client-cert$/, /^\/flotilla\/v1\/nodes\/[^/]+\/certificate$/];

/**
 * Any manager answers the API; only the leader acts on it. A follower passes
 * each request through to the leader untouched (streams too, for `logs -f`),
 * signed so the leader knows it comes from a manager (and over mutual TLS with this manager's
 * certificate), and sends the answer
 * back as it arrives. Before the body parser, so the body is streamed as is.
 */
export function leaderProxyMiddleware(dir: LeaderDirectory, selfId: string, raftKey: () => string | null, nodeTls: NodeTls = new NodeTls()) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (dir.isWritable()) return next();
    const path = req.path.replace(/^\/v\d+\.\d+/, '');
    if (LOCAL_PATHS.some((re) => re.test(path))) return next();
    const leader = dir.leaderId();
    const addr = leader && leader !== selfId ? dir.addressOf(leader) : undefined;
    const key = raftKey();
    // A request another manager already forwarded is not bounced on: two stale views could loop.
    if (!addr || !key || req.headers[FORWARDED_HEADER]) return sendError(res, 503, NO_LEADER);
    const out = nodeTls.request(`http://${addr}`, req.originalUrl, {
      method: req.method,
      headers: { ...req.headers, [FORWARDED_HEADER]: forwardedBy(key, selfId) },
    });
    out.on(
      'response',
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', (e) => {
      if (!res.headersSent) sendError(res, 503, `${NO_LEADER} (leader ${leader} at ${addr}: ${e.message})`);
      else res.destroy();
    });
    // A client that goes away (Ctrl-C on `logs -f`) ends the leader's side too.
    res.on('close', () => out.destroy());
    req.pipe(out);
  };
}
