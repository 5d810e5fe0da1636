import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flotilla } from '../support/cli';
import { containersOf, eventually, networksOf, purgeProject, volumesOf } from '../support/docker';
import { EXAMPLES } from '../support/env';
import { httpGet } from '../support/http';
import { ManagerProcess } from '../support/manager';
import { freePort } from '../support/ports';

const project = `tcounter${process.pid}`;
const file = `${EXAMPLES}/counter/docker-compose.yml`;

describe('compose-examples/counter: web + redis hit counter', () => {
  let m: ManagerProcess;
  let port: number;
  let env: Record<string, string>;
  const run = (...args: string[]) => flotilla(['compose', '-f', file, '-p', project, ...args], env);
  const hits = async () => {
    const r = await eventually(async () => {
      const x = await httpGet(`http://127.0.0.1:${port}/`);
      return x.status === 200 ? x : undefined;
    }, 'counter answers');
    const n = /seen (\d+) times/.exec(r.body);
    expect(n, r.body).not.toBeNull();
    return Number(n![1]);
  };

  beforeAll(async () => {
    await purgeProject(project);
    m = await ManagerProcess.create();
    port = await freePort();
    env = { ...m.cliEnv, COUNTER_PORT: String(port) };
  });
  afterAll(async () => {
    await run('down', '-v').catch(() => undefined);
    await m?.destroy();
    await purgeProject(project);
  });

  it('up -d: web reaches redis by its service name and the count grows', async () => {
    const r = await run('up', '-d');
    expect(r.code, r.stderr).toBe(0);
    const cs = await containersOf(project, false);
    expect(cs.map((c) => c.Labels['com.docker.compose.service']).sort()).toEqual(['redis', 'web']);
    const a = await hits();
    const b = await hits();
    expect(b).toBe(a + 1);
    expect((await volumesOf(project)).map((v) => v.Name)).toEqual([`${project}_redis-data`]);
  });

  it('ps lists web and redis as Up', async () => {
    const r = await run('ps');
    expect(r.stdout).toMatch(new RegExp(`^${project}_redis_1\\s.*\\sUp\\b`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^${project}_web_1\\s.*\\sUp\\s+0\\.0\\.0\\.0:${port}->80/tcp`, 'm'));
  });

  it('a second up changes nothing; --scale web=2 serves the same count from both replicas', async () => {
    const before = (await containersOf(project, false)).map((c) => c.Id).sort();
    const again = await run('up', '-d');
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/_web_1 is up-to-date/);
    expect(again.stderr).toMatch(/_redis_1 is up-to-date/);
    expect((await containersOf(project, false)).map((c) => c.Id).sort()).toEqual(before);
    expect((await run('up', '-d', '--scale', 'web=2')).code).toBe(0);
    const webs = (await containersOf(project, false)).filter((c) => c.Labels['com.docker.compose.service'] === 'web');
    expect(webs).toHaveLength(2);
    const a = await hits();
    const b = await hits();
    const c = await hits();
    expect([b - a, c - b]).toEqual([1, 1]);
    expect((await run('up', '-d')).code).toBe(0);
    await eventually(
      async () => (await containersOf(project, false)).filter((x) => x.Labels['com.docker.compose.service'] === 'web').length === 1,
      'back to one web',
    );
  });

  it('an edited file recreates only the changed service', async () => {
    const redisBefore = (await containersOf(project, false)).find((c) => c.Labels['com.docker.compose.service'] === 'redis')!.Id;
    const webBefore = (await containersOf(project, false)).find((c) => c.Labels['com.docker.compose.service'] === 'web')!.Id;
    const r = await flotilla(['compose', '-f', file, '-p', project, 'up', '-d'], { ...env, COUNTER_GREETING: 'Hi' });
    expect(r.code, r.stderr).toBe(0);
    const now = await containersOf(project, false);
    expect(now.find((c) => c.Labels['com.docker.compose.service'] === 'redis')!.Id).toBe(redisBefore);
    await eventually(async () => {
      const web = (await containersOf(project, false)).filter((c) => c.Labels['com.docker.compose.service'] === 'web');
      return web.length === 1 && web[0].Id !== webBefore;
    }, 'web recreated');
    // The count lives in redis, which was not touched.
    expect(await hits()).toBeGreaterThan(2);
  });

  it('logs of one service', async () => {
    const r = await run('logs', 'redis');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^redis_1\s+\| .*Ready to accept connections/m);
    const bad = await run('logs', 'nosuch');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/No such service: nosuch/);
  });

  it('down keeps the named volume; down -v removes it', async () => {
    expect((await run('down')).code).toBe(0);
    expect(await containersOf(project)).toHaveLength(0);
    expect(await networksOf(project)).toHaveLength(0);
    expect(await volumesOf(project)).toHaveLength(1);
    expect((await run('up', '-d')).code).toBe(0);
    expect(await hits()).toBeGreaterThan(3); // the volume kept the count
    expect((await run('down', '-v')).code).toBe(0);
    expect(await containersOf(project)).toHaveLength(0);
    expect(await volumesOf(project)).toHaveLength(0);
  });
});
