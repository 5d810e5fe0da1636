import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoggerService } from '@nestjs/common';
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
export async function startWorkerFor(p: DemotionPlan, timeoutMs = 60_000): Promise<number> {
  writeNodeId(p.dataDir, p.nodeId);
  const main = join(__dirname, '../../../worker/src/main.js');
  const log = openSync(join(p.dataDir, 'worker.log'), 'a');
  const args = ['--manager', p.via, '--token', p.workerToken, '--data-dir', p.dataDir, '--advertise-addr', p.addr];
  if (p.redisUrl) args.push('--redis-url', p.redisUrl);
  const child = spawn(process.execPath, [main, ...args], { detached: true, stdio: ['ignore', log, log], env: process.env });
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
    const other = o.store.members().find((m) => m.id !== o.nodeId && m.voter && m.addr);
    if (!other || !o.embeddedWorker) return stop();
    void startWorkerFor({
      dataDir: o.dataDir,
      nodeId: o.nodeId,
      via: other.addr!,
      workerToken: o.store.view().cluster!.JoinTokens.Worker,
      addr: o.advertiseAddr.replace(/:\d+$/, ''),
      redisUrl: o.redisUrl,
    })
      .then(() => logger.log({ msg: 'demoted: this node runs on as a worker; the manager process exits' }, 'Main'))
      .catch((e: Error) => logger.error({ msg: 'demotion: could not start the worker', err: e.message }, 'Main'))
      .finally(stop);
  });
}
