import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { secretsOutOfArgs } from '@flotilla/contracts';
import { writeNodeId } from './identity';

export interface PromotionPlan {
  /** The worker's data dir; the manager takes it over (its worker part lives in DIR/worker). */
  dataDir: string;
  nodeId: string;
  /** host:port of the manager this worker talks to now. */
  via: string;
  token: string;
  /** This host's address; the manager listens on port 2377 as after `swarm join --token <manager token>`. */
  addr: string;
  redisUrl?: string;
}

/** The manager process's arguments for a promoted node (pure). */
export function managerArgs(p: PromotionPlan): string[] {
  const args = ['--join', p.via, '--token', p.token, '--data-dir', p.dataDir, '--listen-addr', '0.0.0.0:2377', '--advertise-addr', `${p.addr}:2377`];
  if (p.redisUrl) args.push('--redis-url', p.redisUrl);
  return args;
}

/**
 * `node promote` of a worker, as Docker does it: the node starts a manager
 * (which joins the Raft group and runs its own worker under the same node
 * id, adopting the running containers), then this worker process steps
 * aside. Resolves once the manager wrote its pid file.
 */
export async function startManagerFor(p: PromotionPlan, timeoutMs = 90_000): Promise<number> {
  writeNodeId(join(p.dataDir, 'worker'), p.nodeId);
  const main = join(__dirname, '../../../manager/src/main.js');
  const log = openSync(join(p.dataDir, 'manager.log'), 'a');
  // The token and Redis URL travel in the environment: argv is readable by every user of the host.
  const secret = secretsOutOfArgs(managerArgs(p));
  const child = spawn(process.execPath, [main, ...secret.args], { detached: true, stdio: ['ignore', log, log], env: { ...process.env, ...secret.env } });
  child.unref();
  const pidFile = join(p.dataDir, 'manager.pid');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the manager for the promotion exited (${child.exitCode}); see ${join(p.dataDir, 'manager.log')}`);
    if (existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() === String(child.pid)) return child.pid!;
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error('the manager for the promotion did not come up in time');
}
