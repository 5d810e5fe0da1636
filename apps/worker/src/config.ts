import { hostname } from 'node:os';
import { join } from 'node:path';

/** What a worker is told at boot, parsed once and frozen. */
export interface WorkerConfig {
  readonly managerUrl: string;
  readonly token: string;
  readonly dataDir: string;
  /** DOCKER_HOST form: unix:///path or tcp://host:port; undefined = the default socket. */
  readonly dockerHost: string | undefined;
  readonly addr: string;
  readonly hostname: string;
  /** Full resync period: the safety net under the doorbell queue. */
  readonly resyncMs: number;
  /** How many Docker create/start/stop calls run at once. */
  readonly dockerParallelism: number;
  /** `manager` for the worker embedded in a manager process; plain workers join as `worker`. */
  readonly role: 'worker' | 'manager';
  /** Redis URL override; otherwise the manager says which Redis its dispatcher uses. */
  readonly redisUrl?: string;
  /** How long a node rejoining as itself waits for Redis at boot (a first join fails at once). */
  readonly redisWaitMs: number;
  /** The data dir whose tls/ holds this node's certificate: the manager's, for the worker embedded in it. */
  readonly credentialsDir?: string;
}

export function workerConfig(partial: Partial<WorkerConfig> & Pick<WorkerConfig, 'managerUrl' | 'token' | 'dataDir'>): WorkerConfig {
  return Object.freeze({
    dockerHost: process.env.DOCKER_HOST,
    addr: '127.0.0.1',
    hostname: process.env.FLOTILLA_HOSTNAME || hostname(),
    resyncMs: Number(process.env.FLOTILLA_RESYNC_MS) || 10_000,
    dockerParallelism: Number(process.env.FLOTILLA_DOCKER_PARALLELISM) || 8,
    redisWaitMs: redisWaitMs(process.env),
    role: 'worker' as const,
    ...partial,
  });
}

/** How long a node coming back as itself waits for Redis at boot: FLOTILLA_REDIS_WAIT_MS, 60 s by default (0: not at all). */
export function redisWaitMs(env: NodeJS.ProcessEnv): number {
  const v = Number(env.FLOTILLA_REDIS_WAIT_MS);
  return env.FLOTILLA_REDIS_WAIT_MS && Number.isFinite(v) && v >= 0 ? v : 60_000;
}

export function identityFile(dataDir: string): string {
  return join(dataDir, 'node-id');
}

export function membershipFile(dataDir: string): string {
  return join(dataDir, 'membership.json');
}
