import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { flotilla } from '../support/cli';
import { ROOT } from '../support/env';
import { eventually } from '../support/docker';
import type { Host, HostSet } from '../support/hosts';
import { netnsCluster, type NetnsCluster } from '../support/netns-cluster';

/**
 * The engine relay across hosts: a task pinned to host 2, reached by
 * `compose exec`/`top` run outside both hosts against the manager on host 1.
 * Host 2's worker accepts no connection: it dials the manager back when asked.
 */
const isRoot = process.getuid?.() === 0;
const SET: HostSet = { prefix: 'rlh', net: '10.242.0', bridge: 'rlhbr0', state: '/var/lib/flotilla-hosts-rl' };
const file = join(ROOT, 'test/cluster/fixtures/relay/docker-compose.yml');

describe.skipIf(!isRoot)('engine relay: exec on a container of another host', () => {
  let cluster: NetnsCluster;
  let hosts: Host[];
  let env: Record<string, string>;
  const project = `rlx${process.pid}`;
  const compose = (...args: string[]) => flotilla(['compose', '-f', file, '-p', project, ...args], env);

  beforeAll(async () => {
    cluster = await netnsCluster(SET, 2);
    ({ hosts } = cluster);
    env = { ...cluster.env, RELAY_NODE: hosts[1].name };
  }, 300_000);

  afterAll(async () => {
    await compose('down').catch(() => undefined);
    await cluster?.stop();
  }, 300_000);

  it('exec -T reaches the task on host 2: its output, its exit code', async () => {
    const up = await compose('up', '-d');
    expect(up.code, up.stderr).toBe(0);
    const onFar = await eventually(async () => (await hosts[1].docker.listContainers({ filters: { label: [`com.docker.compose.project=${project}`] } }))[0], 'the task on host 2');
    expect(await hosts[0].docker.listContainers({ filters: { label: [`com.docker.compose.project=${project}`] } })).toEqual([]);
    const r = await compose('exec', '-T', 'far', 'sh', '-c', 'hostname; echo oops >&2; exit 5');
    expect({ stdout: r.stdout, stderr: r.stderr, code: r.code }).toEqual({ stdout: `${onFar.Id.slice(0, 12)}\n`, stderr: 'oops\n', code: 5 });
  });

  it('top and kill -s reach it too', async () => {
    const top = await compose('top', 'far');
    expect(top.code, top.stderr).toBe(0);
    expect(top.stdout).toMatch(new RegExp(`^${project}_far_1\\nUID\\s+PID`));
    expect(top.stdout).toContain('sleep 3600');
    const kill = await compose('kill', '-s', 'KILL', 'far');
    // Piped, as docker-compose 1.29 writes it: each line ends in \r\n.
    expect(kill.stderr).toBe(`Killing ${project}_far_1 ... \r\nKilling ${project}_far_1 ... done\r\n`);
  });
});
