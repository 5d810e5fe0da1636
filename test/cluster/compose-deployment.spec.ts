import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { docker, eventually, purgeService } from '../support/docker';
import { ROOT } from '../support/env';
import { freePort } from '../support/ports';

const run = promisify(execFile);

/**
 * The top-level docker-compose.yml: flotilla's manager, two workers and Redis
 * as containers under Debian's docker-compose, driven by the stock docker CLI.
 */
describe('flotilla as containers (docker-compose.yml)', () => {
  const project = `flocompose${process.pid}`;
  const svc = `fc${process.pid}`;
  let port: number;
  const compose = (...args: string[]) =>
    run('docker-compose', ['-f', `${ROOT}/docker-compose.yml`, '-p', project, ...args], { env: { ...process.env, DOCKER_HOST: '', FLOTILLA_PORT: String(port) } });
  const cli = (...args: string[]) => run('docker', args, { env: { ...process.env, DOCKER_HOST: `tcp://127.0.0.1:${port}` } });

  beforeAll(async () => {
    port = await freePort();
    await compose('up', '-d');
  });
  afterAll(async () => {
    await cli('service', 'rm', svc).catch(() => undefined);
    await eventually(async () => (await docker.listContainers({ filters: { label: [`com.docker.swarm.service.name=${svc}`] } })).length === 0, 'removed', 20_000).catch(() => undefined);
    await compose('down', '-v').catch(() => undefined);
    await purgeService(svc);
  });

  it('two worker nodes join, and a service spreads over them', async () => {
    await eventually(async () => ((await cli('node', 'ls')).stdout.match(/\sReady\s/g) ?? []).length === 2, 'two ready nodes', 60_000);
    const ls = (await cli('node', 'ls')).stdout;
    expect(ls).toMatch(/\sworker1\s+Ready\s+Active\s/);
    expect(ls).toMatch(/\sworker2\s+Ready\s+Active\s/);
    await cli('service', 'create', '-d', '--name', svc, '--replicas', '4', 'flotilla/busybox:latest', 'sh', '-c', 'trap "exit 0" TERM; sleep 100000 & wait');
    await eventually(async () => ((await cli('service', 'ps', svc)).stdout.match(/Running\s+Running/g) ?? []).length === 4, '4 running', 60_000);
    const ps = (await cli('service', 'ps', svc)).stdout;
    expect(ps.match(/\sworker1\s/g)).toHaveLength(2);
    expect(ps.match(/\sworker2\s/g)).toHaveLength(2);
  });
});
