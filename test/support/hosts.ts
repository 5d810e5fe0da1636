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

/** Builds N hosts (network namespaces, each with its own dockerd) with test/cluster/hosts.sh. */
export async function hostsUp(n: number): Promise<Host[]> {
  const { stdout } = await run('bash', [HOSTS_SH, 'up', String(n)], { timeout: 120_000 });
  return stdout
    .trim()
    .split('\n')
    .map((line) => {
      const [name, ip, dockerHost] = line.split(' ');
      return { name, ip, dockerHost, docker: new Docker({ socketPath: dockerHost.slice('unix://'.length) }) };
    });
}

export async function hostsDown(): Promise<void> {
  await run('bash', [HOSTS_SH, 'down'], { timeout: 120_000 });
}

/** Runs `flotilla ARGS` on a host, as a user logged in there would: its network, its engine. */
export function flotillaOn(host: Host, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCommand('nsenter', [`--net=/var/run/netns/${host.name}`, process.execPath, CLI, ...args], {
    env: { ...process.env, DOCKER_HOST: host.dockerHost, FLOTILLA_HOSTNAME: host.name, ...env },
  });
}
