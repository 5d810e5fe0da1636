import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flotilla } from '../support/cli';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { containersOf, docker, eventually, purgeProject } from '../support/docker';
import { EXAMPLES } from '../support/env';
import { ManagerProcess } from '../support/manager';
import { freePort } from '../support/ports';

const project = `trestart${process.pid}`;
const file = `${EXAMPLES}/hello/docker-compose.yml`;

describe('a node that crashes and restarts rebuilds its view: no duplicate, no orphan', () => {
  let m: ManagerProcess;
  let env: Record<string, string>;
  const run = (...args: string[]) => flotilla(['compose', '-f', file, '-p', project, ...args], env);

  beforeAll(async () => {
    await purgeProject(project);
    m = await ManagerProcess.create();
    env = { ...m.cliEnv, HELLO_PUBLISH: `${await freePort()}:80` };
  });
  afterAll(async () => {
    await run('down', '-v').catch(() => undefined);
    await m?.destroy();
    await purgeProject(project);
  });

  it('SIGKILL then restart keeps the same containers, and the node stays usable', async () => {
    expect((await run('up', '-d')).code).toBe(0);
    const before = (await containersOf(project)).map((c) => c.Id).sort();
    expect(before).toHaveLength(3);

    await m.stop('SIGKILL');
    // While the node is down, a container of a task the store never had appears (an orphan).
    const nodeId = readFileSync(join(m.dataDir, 'worker', 'node-id'), 'utf8').trim();
    const orphan = await docker.createContainer({
      Image: 'flotilla/busybox:latest',
      Cmd: ['sleep', '600'],
      Labels: {
        'io.flotilla.managed': 'true',
        'com.docker.swarm.node.id': nodeId,
        'com.docker.swarm.task.id': 'orphan0000000000000000000',
        'com.docker.compose.project': project,
      },
    });
    await orphan.start();
    await m.start();
    await eventually(async () => (await containersOf(project)).length === 3, 'orphan removed');
    const after = (await containersOf(project)).map((c) => c.Id).sort();
    expect(after).toEqual(before);

    const ps = await run('ps');
    expect(ps.stdout.match(/\sUp\s/g)).toHaveLength(3);
    expect((await run('up', '-d', '--scale', 'web=4')).code).toBe(0);
    await eventually(async () => (await containersOf(project, false)).length === 4, '4 running');
    expect((await containersOf(project)).length).toBe(4);
  });
});
