import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import type { ManagerJoinResponse } from '@flotilla/contracts';
import { StateMachine, type Batch } from '@flotilla/state';
import { TcpTransport, forceNewCluster } from '@flotilla/raft-host';
import type { RecordCipher } from '@flotilla/raft';
import type { ManagerConfig } from '../config';
import { RaftStore } from '../cluster/raft-store';
import type { ManagerKeys } from '../cluster/manager-keys';
import { requestManagerJoin } from '../cluster/join-cluster';
import { raftPreamble } from '../cluster/manager-auth';
import { obtainCredentials, type NodeTls } from '../../../worker/src/agent/manager-tls';
import { writeCredentials } from '../../../worker/src/agent/node-credentials';
import { holdsManagerCertificate } from '../tls/manager-credentials';
import { managerAddresses } from '../tls/manager-names';

export interface OpenedStore {
  store: RaftStore;
  transport: TcpTransport;
  /** No Raft state on disk before this start: a founder, or a joiner. */
  fresh: boolean;
  /** The leader's answer when this start joined an existing cluster as a learner. */
  joined?: ManagerJoinResponse;
}

/**
 * The manager's store, in one of four ways: founding a one-member group,
 * joining one (as a learner first), restarting from its data dir, or
 * (`--force-new-cluster`) restarting alone from what its log holds.
 */
export async function openStore(config: ManagerConfig, nodeId: string, keys: ManagerKeys, logger: LoggerService, nodeTls: NodeTls, cipher?: RecordCipher): Promise<OpenedStore> {
  const raftDir = join(config.dataDir, 'raft');
  const peersFile = join(config.dataDir, 'raft-peers.json');
  const fresh = !existsSync(raftDir);

  if (config.forceNewCluster) {
    if (fresh) throw new Error(`--force-new-cluster: ${config.dataDir} holds no manager state to recover from`);
    const old = `${raftDir}.replaced-${Date.now()}`;
    renameSync(raftDir, old);
    const at = forceNewCluster(old, raftDir, nodeId, scratchMachine(), cipher);
    writeFileSync(peersFile, JSON.stringify({ [nodeId]: config.advertiseAddr }));
    logger.log({ msg: "new one-manager cluster from this manager's state", index: at.index, term: at.term, previous: old }, 'Main');
  }

  let joined: ManagerJoinResponse | undefined;
  if (config.join && fresh) {
    // A promoted worker still holds its worker certificate: a manager one first, as for a new node.
    if (!holdsManagerCertificate(nodeTls.credentials)) {
      // Its certificate first (the CA pinned by the token), so the join itself is mutual TLS.
      const got = await obtainCredentials(config.join.addr, { token: config.join.token, nodeId, role: 'manager', ...managerAddresses(config) });
      writeCredentials(config.dataDir, got.creds);
      nodeTls.use(got.creds);
    }
    joined = await requestManagerJoin(config.join.addr, { token: config.join.token, nodeId, addr: config.advertiseAddr, stage: 'learner' }, nodeTls);
    keys.save({ raftKey: joined.raftKey, redisUrl: joined.redisUrl });
  }

  // The transport needs the store's address book, and the store needs the transport.
  const ref: { store?: RaftStore } = {};
  const transport = new TcpTransport({
    listen: '127.0.0.1:0',
    // Mutual TLS to every peer, checked to be a manager by name; options read per connection, as a
    // founder gets its certificate only once its cluster exists.
    tls: {
      server: {},
      client: {
        get ca() {
          return nodeTls.connectOptions().ca;
        },
        get cert() {
          return nodeTls.connectOptions().cert;
        },
        get key() {
          return nodeTls.connectOptions().key;
        },
        servername: 'swarm-manager',
      },
    },
    // Raft shares the API port: each connection opens with a signed HTTP upgrade.
    preamble: (peer) => raftPreamble(keys.raftKey ?? '', nodeId, ref.store?.addressOf(peer) ?? ''),
  });
  const store = new RaftStore({
    id: nodeId,
    dir: raftDir,
    transport,
    peersFile,
    bootstrap: fresh && !config.join ? { [nodeId]: config.advertiseAddr } : undefined,
    peers: joined?.peers,
    // Elections after 5-10 s of silence (Docker's own timeout is 10 s; heartbeats every 100 ms): on
    // a machine shared with other work a live leader's process can go unscheduled for seconds and
    // must not be deposed for it. A dead one is replaced within 0.5-1 s: its followers see its
    // connections close, which ends its lease and brings their campaign forward (lostLeaderTick).
    tickMs: 50,
    raft: { electionTick: 100, heartbeatTick: 2, lostLeaderTick: 10 },
    snapshotEvery: 20_000,
    fsync: true,
    cipher,
  });
  ref.store = store;
  if (joined) store.learnPeers(joined.peers);
  return { store, transport, fresh, joined };
}

/** A throwaway state machine to replay a log into (force-new-cluster). */
function scratchMachine() {
  let fsm = new StateMachine();
  return {
    apply: (index: number, data: Uint8Array | string) => {
      try {
        return fsm.apply(index, JSON.parse(typeof data === 'string' ? data : Buffer.from(data).toString('utf8')) as Batch);
      } catch {
        return undefined;
      }
    },
    snapshot: () => Buffer.from(fsm.serialize()),
    restore: (d: Uint8Array) => {
      fsm = StateMachine.restore(Buffer.from(d).toString('utf8'));
    },
  };
}
