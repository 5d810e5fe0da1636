import { homedir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { defaultStateDir as stateDir } from '@flotilla/contracts';
import { parseLogLevel, type LogLevel } from '../../worker/src/logging';

/** Everything the manager process is told at boot, parsed once and frozen. */
export interface ManagerConfig {
  readonly dataDir: string;
  readonly listenHost: string;
  readonly listenPort: number;
  /** The address other nodes and the CLI reach this manager at. */
  readonly advertiseAddr: string;
  readonly redisUrl: string;
  /** Run a worker in this process, so the manager's node also runs tasks (as after `docker swarm init`). */
  readonly embeddedWorker: boolean;
  readonly dockerHost: string | undefined;
  readonly heartbeatPeriodMs: number;
  /** Serve the user API (Docker's and flotilla's) to other hosts too; off by default, as there is no TLS yet. */
  readonly apiRemote: boolean;
  /** Insecure, for test harnesses only: --api-remote also in plain HTTP (FLOTILLA_API_REMOTE_PLAIN=1), as dockerd's plain tcp://. */
  readonly apiRemotePlain?: boolean;
  /** Join an existing cluster as a manager through the manager at this address (host:port). */
  readonly join?: { readonly addr: string; readonly token: string };
  /** Start a new one-manager cluster from this manager's data after losing the majority for good. */
  readonly forceNewCluster: boolean;
  /** Whether --redis-url (or REDIS_URL) was given; otherwise a joining manager uses the cluster's Redis. */
  readonly redisUrlGiven: boolean;
  /** `--log-level` (or FLOTILLA_LOG_LEVEL): debug, info (default), warn, error. */
  readonly logLevel: LogLevel;
  /** `--max-request-bytes` (or FLOTILLA_MAX_REQUEST_BYTES): a larger request body is refused with 413. */
  readonly maxRequestBytes: number;
}

/** 16 MiB, as issue 13 asks: far above any spec, far below what would hurt the manager's memory. */
export const DEFAULT_MAX_REQUEST_BYTES = 16 * 1024 * 1024;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return stateDir(env, homedir());
}

/** What `--help` prints: the manager otherwise starts with defaults for any flag it is not given. */
export const MANAGER_USAGE = `Usage: flotilla-manager [OPTIONS]

A flotilla manager: the API on --listen-addr, the Raft store in --data-dir, and a worker for this host.

Options:
  --listen-addr HOST:PORT      where the API listens (default 0.0.0.0:2377; FLOTILLA_LISTEN_ADDR)
  --advertise-addr IP[:PORT]   the address other nodes reach this manager at (default 127.0.0.1)
  --data-dir DIR               Raft log, snapshots and keys (FLOTILLA_DATA_DIR)
  --redis-url URL              the cluster's Redis (REDIS_URL, FLOTILLA_REDIS_URL)
  --join HOST:PORT             join an existing cluster as a manager (needs --token or --token-file)
  --token TOKEN                a manager join token (FLOTILLA_TOKEN)
  --token-file FILE            read the join token from FILE
  --force-new-cluster          restart as a one-manager cluster from this manager's state
  --no-worker                  run no worker for this host's engine
  --docker-host URL            this host's engine (DOCKER_HOST)
  --api-remote                 serve the API to other hosts, not only to this one (FLOTILLA_API_REMOTE=1)
  --heartbeat-period-ms N      nodes' heartbeat period (default 5000)
  --max-request-bytes N        larger request bodies get 413 (default 16 MiB)
  --log-level LEVEL            debug, info (default), warn, error (FLOTILLA_LOG_LEVEL)
  -h, --help                   print this and exit
`;

/** Whether the arguments ask for the usage text rather than a manager. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.some((a) => a === '--help' || a === '-h');
}

/** Reads `--flag value` pairs and FLOTILLA_* variables; flags win. */
export function loadManagerConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): ManagerConfig {
  const flags = new Map<string, string>();
  const bools = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new ConfigError(`unexpected argument ${a}`);
    const [k, inline] = a.slice(2).split('=', 2);
    if (inline !== undefined) flags.set(k, inline);
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) flags.set(k, argv[++i]);
    else bools.add(k);
  }
  const listen = flags.get('listen-addr') ?? env.FLOTILLA_LISTEN_ADDR ?? '0.0.0.0:2377';
  const m = /^(.*):(\d+)$/.exec(listen);
  if (!m) throw new ConfigError(`--listen-addr must be HOST:PORT, got ${listen}`);
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new ConfigError(`--listen-addr port out of range: ${m[2]}`);
  const advertise = flags.get('advertise-addr') ?? env.FLOTILLA_ADVERTISE_ADDR ?? '127.0.0.1';
  const joinAddr = flags.get('join');
  let token = flags.get('token') ?? env.FLOTILLA_TOKEN;
  const tokenFile = flags.get('token-file');
  if (tokenFile) token = readFileSync(tokenFile, 'utf8').trim();
  if (joinAddr !== undefined && !/^[^:\s]+:\d+$/.test(joinAddr)) throw new ConfigError(`--join must be HOST:PORT, got ${joinAddr}`);
  if (joinAddr !== undefined && !token) throw new ConfigError('--join needs --token or --token-file (a manager join token)');
  if (joinAddr !== undefined && bools.has('force-new-cluster')) throw new ConfigError('--force-new-cluster and --join cannot be combined');
  const hb = Number(flags.get('heartbeat-period-ms') ?? env.FLOTILLA_HEARTBEAT_MS ?? 5000);
  if (!Number.isFinite(hb) || hb < 100) throw new ConfigError(`heartbeat period must be >= 100 ms`);
  const maxBody = flags.get('max-request-bytes') ?? env.FLOTILLA_MAX_REQUEST_BYTES;
  const maxRequestBytes = maxBody === undefined ? DEFAULT_MAX_REQUEST_BYTES : Number(maxBody);
  if (!Number.isSafeInteger(maxRequestBytes) || maxRequestBytes < 1024) {
    throw new ConfigError(`--max-request-bytes must be a whole number of bytes >= 1024, got ${maxBody}`);
  }
  return Object.freeze({
    dataDir: flags.get('data-dir') ?? env.FLOTILLA_DATA_DIR ?? join(defaultStateDir(env), 'manager'),
    listenHost: m[1] || '0.0.0.0',
    listenPort: port,
    advertiseAddr: advertise.includes(':') ? advertise : `${advertise}:${port}`,
    // FLOTILLA_REDIS_URL: how a parent process hands it over (secretsOutOfArgs), kept out of argv.
    redisUrl: flags.get('redis-url') ?? env.FLOTILLA_REDIS_URL ?? env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisUrlGiven: flags.has('redis-url') || env.FLOTILLA_REDIS_URL !== undefined || env.REDIS_URL !== undefined,
    join: joinAddr !== undefined ? { addr: joinAddr, token: token! } : undefined,
    forceNewCluster: bools.has('force-new-cluster'),
    embeddedWorker: !bools.has('no-worker'),
    dockerHost: flags.get('docker-host') ?? env.DOCKER_HOST,
    heartbeatPeriodMs: hb,
    apiRemote: bools.has('api-remote') || env.FLOTILLA_API_REMOTE === '1',
    apiRemotePlain: env.FLOTILLA_API_REMOTE_PLAIN === '1',
    logLevel: parseLogLevel(flags.get('log-level'), env),
    maxRequestBytes,
  });
}
