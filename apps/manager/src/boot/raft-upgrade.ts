import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { TcpTransport } from '@flotilla/raft-host';
import type { ManagerKeys } from '../cluster/manager-keys';
import { RELAY_PATH_PREFIX } from '@flotilla/contracts';
import { RAFT_FROM_HEADER, RAFT_PATH, raftCallerValid } from '../cluster/manager-auth';
import type { Access, Need } from '../tls/peer-access';
import { refuseUpgrade } from '../tls/peer-access.middleware';

/** Takes an upgrade that is not Raft's (returns true), or leaves it to be refused (false). */
export type UpgradeHandler = (req: IncomingMessage, socket: Socket, head: Buffer) => boolean;

/**
 * Raft connections arrive on the API port as signed HTTP upgrades; valid ones
 * go to the transport. Other upgrades (the engine's hijacked exec/attach
 * streams) go to `others` first. Every upgrade is first judged by its peer: Raft needs a
 * manager's certificate, a worker's relay a node's.
 */
export function serveRaftUpgrades(
  server: Server,
  transport: TcpTransport,
  keys: ManagerKeys,
  others: UpgradeHandler = () => false,
  judge: (req: IncomingMessage, need: Need) => Access = () => ({ ok: true }),
): void {
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const need: Need = req.url === RAFT_PATH ? 'manager' : req.url?.startsWith(RELAY_PATH_PREFIX) ? 'node' : 'user';
    const access = judge(req, need);
    if (!access.ok) return refuseUpgrade(socket, access);
    if (req.url !== RAFT_PATH && others(req, socket, head)) return;
    const from = req.headers[RAFT_FROM_HEADER] as string | undefined;
    if (req.url !== RAFT_PATH || !raftCallerValid(keys.raftKey, from, req.headers.authorization)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: flotilla-raft\r\nConnection: Upgrade\r\n\r\n');
    transport.acceptSocket(socket, head);
  });
}
