import { createServer } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import { WrongKeyError } from '@flotilla/raft';
import type { ManagerConfig } from '../config';
import { DataKey } from '../cluster/data-key';
import { API_VERSION, SERVER } from '../api/docker/api-version.middleware';
import { isLoopback } from '../api/remote-access.middleware';
import { lockedReply } from './locked-reply';

const MAX_BODY = 64 * 1024;

/**
 * The manager's Raft data key. With autolock on, the key file cannot be opened
 * without the cluster's unlock key: the manager then serves only a locked API
 * on its port (Docker's answers, see locked-reply.ts) and nothing else (no Raft,
 * no worker) until `docker swarm unlock` gives the right key.
 */
export async function unlockDataKey(config: ManagerConfig, logger: LoggerService): Promise<DataKey> {
  const opened = DataKey.open(config.dataDir);
  if ('key' in opened) return opened.key;
  let unlocked: DataKey | undefined;
  const tryUnlock = (key: string): boolean => {
    try {
      unlocked = opened.unlock(key);
      return true;
    } catch (e) {
      if (!(e instanceof WrongKeyError)) throw e;
      logger.warn({ msg: 'unlock refused: the key given does not open this manager\'s data key' }, 'Unlock');
      return false;
    }
  };
  const nodeAddr = config.advertiseAddr.split(':')[0];
  const server = createServer((req, res) => {
    res.setHeader('Api-Version', API_VERSION);
    res.setHeader('Ostype', 'linux');
    res.setHeader('Docker-Experimental', 'false');
    res.setHeader('Server', SERVER);
    if (!config.apiRemote && !isLoopback(req.socket.remoteAddress)) {
      res.writeHead(403, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: 'this flotilla manager serves its API to its own host only' }));
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      body += d;
      if (body.length > MAX_BODY) req.destroy();
    });
    req.on('end', () => {
      const r = lockedReply({ method: req.method ?? 'GET', path: req.url ?? '/', body }, nodeAddr, tryUnlock);
      if (typeof r.body === 'string') res.writeHead(r.status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(r.body);
      else if (r.body !== undefined) res.writeHead(r.status, { 'Content-Type': 'application/json' }).end(`${JSON.stringify(r.body)}\n`);
      else res.writeHead(r.status).end();
      if (r.unlocked) res.on('finish', () => done?.());
    });
  });
  let done: (() => void) | undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new Error(`cannot listen on ${config.listenHost}:${config.listenPort}: ${e.message}`)));
    server.listen(config.listenPort, config.listenHost, resolve);
  });
  logger.log({ msg: 'manager locked: the swarm is encrypted; waiting for docker swarm unlock (or flotilla swarm unlock) with the unlock key', listen: `${config.listenHost}:${config.listenPort}` }, 'Unlock');
  await finished;
  // The port is handed over to the real API: callers reconnect.
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  logger.log({ msg: 'manager unlocked; starting' }, 'Unlock');
  return unlocked!;
}
