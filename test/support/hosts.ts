import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { CLI, ROOT } from './env';
import { runCommand, type CliResult } from './cli';

const run = promisify(execFile);
const HOSTS_SH = `${ROOT}/test/cluster/hosts.sh`;

export interface Host {
  name: string;
  ip: string;
  dockerHost: string;
  docker: Docker;
}

/** A suite's own set of hosts: name prefix, /24 (three octets), root bridge, state dir (see hosts.sh). */
export interface HostSet {
  prefix: string;
  net: string;
  bridge: string;
  state: string;
}

const hostSetEnv = (s?: HostSet) =>
  s ? { ...process.env, HOSTS_PREFIX: s.prefix, HOSTS_NET: s.net, HOSTS_BRIDGE: s.bridge, HOSTS_STATE: s.state } : process.env;

/** Builds N hosts (network namespaces, each with its own dockerd) with test/cluster/hosts.sh. */
export async function hostsUp(n: number, set?: HostSet): Promise<Host[]> {
  const { stdout } = await run('bash', [HOSTS_SH, 'up', String(n)], { timeout: 120_000, env: hostSetEnv(set) });
  return stdout
    .trim()
    .split('\n')
    .map((line) => {
      const [name, ip, dockerHost] = line.split(' ');
      return { name, ip, dockerHost, docker: new Docker({ socketPath: dockerHost.slice('unix://'.length) }) };
    });
}

export async function hostsDown(set?: HostSet): Promise<void> {
  await run('bash', [HOSTS_SH, 'down'], { timeout: 120_000, env: hostSetEnv(set) });
}

/** Runs `flotilla ARGS` on a host, as a user logged in there would: its network, its engine. */
export function flotillaOn(host: Host, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCommand('nsenter', [`--net=/var/run/netns/${host.name}`, process.execPath, CLI, ...args], {
    // Suites drive their netns managers from the machine in plain HTTP: --api-remote's insecure test
    // escape (the remote-API suite turns it off with FLOTILLA_API_REMOTE_PLAIN=0).
    env: { ...process.env, DOCKER_HOST: host.dockerHost, FLOTILLA_HOSTNAME: host.name, FLOTILLA_API_REMOTE_PLAIN: '1', ...env },
  });
}
