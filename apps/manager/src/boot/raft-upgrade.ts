import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { TcpTransport } from '@flotilla/raft-host';
import type { ManagerKeys } from '../cluster/manager-keys';
import { RAFT_FROM_HEADER, RAFT_PATH, raftCallerValid } from '../cluster/manager-auth';

/** Takes an upgrade that is not Raft's (returns true), or leaves it to be refused (false). */
export type UpgradeHandler = (req: IncomingMessage, socket: Socket, head: Buffer) => boolean;

/**
 * Raft connections arrive on the API port as signed HTTP upgrades; valid ones
 * go to the transport. Other upgrades (the engine's hijacked exec/attach
 * streams) go to `others` first.
 */
export function serveRaftUpgrades(server: Server, transport: TcpTransport, keys: ManagerKeys, others: UpgradeHandler = () => false): void {
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
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
