import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import { secretsOutOfArgs } from '@flotilla/contracts';
import { writeNodeId } from '../../../worker/src/agent/identity';
import type { RaftStore } from '../cluster/raft-store';

export interface DemotionPlan {
  dataDir: string;
  nodeId: string;
  /** host:port of a manager that is still one. */
  via: string;
  workerToken: string;
  addr: string;
  redisUrl?: string;
}

/**
 * `node demote`, as Docker does it: the node stays in the cluster as a
 * worker. The manager (already out of the Raft group) starts a worker
 * process with the same node id on the same data dir, which adopts the
 * running containers; then the manager process exits.
 */
export async function startWorkerFor(p: DemotionPlan, timeoutMs = 90_000): Promise<number> {
  writeNodeId(p.dataDir, p.nodeId);
  const main = join(__dirname, '../../../worker/src/main.js');
  const log = openSync(join(p.dataDir, 'worker.log'), 'a');
  const args = ['--manager', p.via, '--token', p.workerToken, '--data-dir', p.dataDir, '--advertise-addr', p.addr];
  if (p.redisUrl) args.push('--redis-url', p.redisUrl);
  // The token and Redis URL travel in the environment: argv is readable by every user of the host.
  const secret = secretsOutOfArgs(args);
  const child = spawn(process.execPath, [main, ...secret.args], { detached: true, stdio: ['ignore', log, log], env: { ...process.env, ...secret.env } });
  child.unref();
  const pidFile = join(p.dataDir, 'worker.pid');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the worker for the demotion exited (${child.exitCode})`);
    if (existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() === String(child.pid)) return child.pid!;
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error('the worker for the demotion did not come up in time');
}

/**
 * Demoted (its node's role in the replicated state turned to worker): this
 * node carries on as a worker and the manager process leaves. The leader
 * removes it from the Raft group right after the role change.
 */
export function handOverOnDemotion(
  o: { store: RaftStore; nodeId: string; dataDir: string; advertiseAddr: string; embeddedWorker: boolean; redisUrl?: string },
  stop: () => void,
  logger: LoggerService,
): void {
  let handingOver = false;
  o.store.watch((e) => {
    if (handingOver) return;
    if (!e.changes.some((c) => c.kind === 'node' && c.id === o.nodeId)) return;
    if (o.store.view().nodes.get(o.nodeId)?.Spec.Role !== 'worker') return;
    handingOver = true;
    if (!o.embeddedWorker || !managerToJoin(o.store, o.nodeId)) return stop();
    void handOver(o, logger)
      .then(() => logger.log({ msg: 'demoted: this node runs on as a worker; the manager process exits' }, 'Main'))
      .catch((e: Error) => logger.error({ msg: 'demotion: could not start the worker', err: e.message }, 'Main'))
      .finally(stop);
  });
}

const HANDOVER_ATTEMPTS = 3;

/** The other voters in turn: a retry goes to the next one, not to the one that just failed. */
function managerToJoin(store: RaftStore, self: string, attempt = 0): string | undefined {
  const others = store.members().filter((m) => m.id !== self && m.voter && m.addr);
  return others.length ? (others[attempt % others.length].addr ?? undefined) : undefined;
}

/** A worker that exits at boot (a manager or Redis briefly away) is started again, through a fresh pick of manager. */
async function handOver(
  o: { store: RaftStore; nodeId: string; dataDir: string; advertiseAddr: string; redisUrl?: string },
  logger: LoggerService,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const via = managerToJoin(o.store, o.nodeId, attempt - 1);
    if (!via) throw new Error('no other manager left to join');
    try {
      await startWorkerFor({
        dataDir: o.dataDir,
        nodeId: o.nodeId,
        via,
        workerToken: o.store.view().cluster!.JoinTokens.Worker,
        addr: o.advertiseAddr.replace(/:\d+$/, ''),
        redisUrl: o.redisUrl,
      });
      return;
    } catch (e) {
      if (attempt >= HANDOVER_ATTEMPTS) throw e;
      logger.warn({ msg: 'demotion: the worker did not start; trying again', attempt, err: (e as Error).message }, 'Main');
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}
