import { Command, Option } from 'commander';
import { createSocket } from 'node:dgram';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { defaultStateDir, parseJoinToken } from '@flotilla/contracts';
import { runInForeground, runningPid, startInBackground } from '../client/background';
import { CliError } from '../errors';
import { StepProgress } from '../progress/step-progress';

/**
 * `flotilla swarm join --token TOKEN ADDR:PORT`: a worker token starts a
 * worker on this host; a manager token starts a manager (with its own
 * worker) that enters the Raft group. In the background unless --foreground.
 */
export function joinCommand(): Command {
  const cmd = new Command('join')
    .description('Join a swarm as a node and/or manager')
    .argument('<HOST:PORT>')
    .requiredOption('--token <TOKEN>', 'token for entry into the swarm')
    .option('--advertise-addr <ADDR>', 'advertised address of this node (default: the address this host reaches the manager from)')
    .option('--listen-addr <ADDR:PORT>', 'listen address, when joining as a manager', '0.0.0.0:2377')
    .option('--data-dir <DIR>', "this node's state", join(defaultStateDir(process.env, homedir()), 'node'))
    .option('--redis-url <URL>', "the cluster's Redis as this host reaches it (default: the cluster's)")
    .option('--metrics-addr <HOST:PORT>', 'as a worker, serve Prometheus metrics at http://HOST:PORT/metrics (off by default; a manager serves /metrics on its API port)')
    .option('--api-remote', 'as a manager, serve the API to other hosts too (over TLS, to clients with `flotilla swarm client-cert` certificates)')
    .addOption(new Option('--log-level <LEVEL>', "the node's log level").choices(['debug', 'info', 'warn', 'error']))
    .option('--foreground', 'run the node in this terminal instead of the background')
    .action(async (remote: string) => {
      const o = cmd.opts<{ token: string; advertiseAddr?: string; listenAddr: string; dataDir: string; redisUrl?: string; foreground?: boolean; apiRemote?: boolean; logLevel?: string; metricsAddr?: string }>();
      if (!parseJoinToken(o.token)) throw new CliError('invalid join token');
      if (!/^[^\s:]+:\d+$/.test(remote)) throw new CliError(`invalid address ${remote} (expected HOST:PORT)`);
      if (runningPid(o.dataDir, 'worker') || runningPid(o.dataDir, 'manager')) {
        throw new CliError('This node is already part of a swarm. Use "flotilla swarm leave" to leave this swarm and join another one.');
      }
      // On a terminal, where the join is; piped, only docker's one line.
      const steps = new StepProgress(2);
      let role: 'worker' | 'manager';
      try {
        steps.step(`Checking the manager at ${remote}`);
        role = await tokenRole(remote, o.token);
        const advertise = o.advertiseAddr ?? (await localAddressTowards(remote));
        if (role === 'manager') {
          const port = /:(\d+)$/.exec(o.listenAddr)?.[1];
          if (!port) throw new CliError(`--listen-addr must be HOST:PORT, got ${o.listenAddr}`);
          const args = ['--join', remote, '--token', o.token, '--data-dir', o.dataDir, '--listen-addr', o.listenAddr];
          args.push('--advertise-addr', advertise.includes(':') ? advertise : `${advertise}:${port}`);
          if (o.redisUrl) args.push('--redis-url', o.redisUrl);
          if (o.apiRemote) args.push('--api-remote');
          if (o.logLevel) args.push('--log-level', o.logLevel);
          if (o.foreground) steps.end();
          if (o.foreground) process.exit(await runInForeground('manager', args));
          steps.step('Starting this node as a manager (joining the managers)');
          await startInBackground('manager', o.dataDir, args, 90_000);
        } else {
          const args = ['--manager', remote, '--token', o.token, '--data-dir', o.dataDir, '--advertise-addr', advertise.replace(/:\d+$/, '')];
          if (o.redisUrl) args.push('--redis-url', o.redisUrl);
          if (o.logLevel) args.push('--log-level', o.logLevel);
          if (o.metricsAddr) args.push('--metrics-addr', o.metricsAddr);
          if (o.foreground) steps.end();
          if (o.foreground) process.exit(await runInForeground('worker', args));
          steps.step('Starting this node as a worker');
          // Longer than a rejoining worker's wait for Redis (FLOTILLA_REDIS_WAIT_MS, 60 s).
          await startInBackground('worker', o.dataDir, args, 90_000);
        }
      } finally {
        steps.end();
      }
      process.stdout.write(`This node joined a swarm as a ${role}.\n`);
    });
  return cmd;
}

/**
 * Checks the manager is the cluster the token names, then asks what the token grants: over TLS,
 * with the CA pinned by the token's digest before the token is sent (it never crosses the wire in the clear).
 */
async function tokenRole(remote: string, token: string): Promise<'worker' | 'manager'> {
  // Loaded here: the X.509 library is not worth loading for every command.
  const { pinnedCa, postPinned } = await import('../../../worker/src/agent/manager-tls');
  try {
    const ca = await pinnedCa(remote, token);
    const r = await postPinned<{ role: 'worker' | 'manager' }>(remote, ca, '/flotilla/v1/cluster/token-role', { token });
    return r.role;
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

/** The source address this host uses towards the manager: what other nodes can reach it at. */
function localAddressTowards(remote: string): Promise<string> {
  const [host, port] = [remote.slice(0, remote.lastIndexOf(':')), Number(remote.slice(remote.lastIndexOf(':') + 1))];
  return new Promise((resolve) => {
    const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    s.on('error', () => resolve('127.0.0.1'));
    s.connect(port, host, () => {
      const a = s.address().address;
      s.close();
      resolve(a);
    });
  });
}
