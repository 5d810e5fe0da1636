import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { flotilla, runCommand, type CliResult } from '../support/cli';
import { docker, eventually, purgeProject } from '../support/docker';
import { ManagerProcess } from '../support/manager';

/**
 * `container_name` run by docker-compose 1.29 and by `flotilla compose` on the same engine, each under a name
 * of its own: the engine's container has that name (`docker exec NAME` works), the verbs say it where 1.29
 * says it, another service reaches it by it, a recreate keeps it, `--scale db=2` fails on it as 1.29 does
 * (with its warning), and `down` leaves nothing under it.
 */
const tag = String(process.pid % 1000).padStart(3, '0');
// Same length, so the tables line up once the names are swapped.
const P = { dc: `cnd${tag}`, fl: `cnf${tag}` } as const;
const NAME = { dc: `cnd${tag}-store`, fl: `cnf${tag}-store` } as const;
const DIR = join(__dirname, 'fixtures', 'container-name');
const FILE = join(DIR, 'docker-compose.yml');
type Tool = keyof typeof P;

describe('container_name, side by side with docker-compose 1.29', () => {
  let m: ManagerProcess;
  const env = (t: Tool) => ({ DBNAME: NAME[t] });
  const dc = (...args: string[]) => runCommand('docker-compose', ['-f', FILE, '-p', P.dc, ...args], { cwd: DIR, env: { ...process.env, ...env('dc') }, timeoutMs: 150_000 });
  const fl = (...args: string[]) => flotilla(['compose', '-f', FILE, '-p', P.fl, ...args], { ...m.cliEnv, ...env('fl'), FLOTILLA_WAIT_TIMEOUT: '60' }, { cwd: DIR, timeoutMs: 150_000 });
  const both = async (...args: string[]) => ({ dc: await dc(...args), fl: await fl(...args) });
  const norm = (t: Tool, s: string) =>
    s
      .replaceAll(NAME[t], 'NAME')
      .replaceAll(P[t], 'P')
      .replace(/\r/g, '')
      .replace(/\b[0-9a-f]{64}\b/g, 'ID64');
  const same = (r: { dc: CliResult; fl: CliResult }) => {
    expect({ code: r.fl.code, err: norm('fl', r.fl.stderr), out: norm('fl', r.fl.stdout) }).toEqual({ code: r.dc.code, err: norm('dc', r.dc.stderr), out: norm('dc', r.dc.stdout) });
  };
  const named = async (t: Tool) => (await docker.listContainers({ all: true, filters: { name: [`^/${NAME[t]}$`] } }))[0];

  beforeAll(async () => {
    for (const p of Object.values(P)) await purgeProject(p);
    for (const n of Object.values(NAME)) await docker.getContainer(n).remove({ force: true }).catch(() => undefined);
    m = await ManagerProcess.create();
  });
  afterAll(async () => {
    await dc('down').catch(() => undefined);
    await fl('down').catch(() => undefined);
    await m?.destroy();
    for (const p of Object.values(P)) await purgeProject(p);
  });

  it('up -d: the same lines, the container under its name, running; ps names it so', async () => {
    same(await both('up', '-d'));
    for (const t of ['dc', 'fl'] as const) {
      const c = await named(t);
      expect(c?.State, `${t}'s container named ${NAME[t]}`).toBe('running');
      expect(c.Labels['com.docker.compose.service']).toBe('db');
    }
    same(await both('ps'));
  });

  it('another service reaches it by that name; docker exec NAME works', async () => {
    for (const t of ['dc', 'fl'] as const) {
      const tool = t === 'dc' ? dc : fl;
      const r = await eventually(async () => {
        const x = await tool('exec', '-T', 'app', 'wget', '-qO-', `http://${NAME[t]}/`);
        return x.code === 0 ? x : undefined;
      }, `${t}'s app to reach ${NAME[t]}`, 30_000);
      // Its page is its hostname: the container the name points at.
      const c = await named(t);
      expect(r.stdout.trim()).toBe(c.Id.slice(0, 12));
      const e = await runCommand('docker', ['exec', NAME[t], 'cat', '/www/index.html']);
      expect(e.stdout.trim()).toBe(c.Id.slice(0, 12));
    }
  });

  it('logs db: its lines prefixed with the name, as 1.29 prefixes them', async () => {
    const r = await eventually(async () => {
      const x = await both('logs', '--no-color', 'db');
      return x.dc.stdout.includes('store ready') && x.fl.stdout.includes('store ready') ? x : undefined;
    }, 'both logs to show the line');
    same(r);
    expect(norm('fl', r.fl.stdout)).toMatch(/^NAME +\| store ready$/m);
  });

  it('up -d --force-recreate db: the same lines; the name is on the new container', async () => {
    const before = { dc: (await named('dc')).Id, fl: (await named('fl')).Id };
    same(await both('up', '-d', '--force-recreate', 'db'));
    for (const t of ['dc', 'fl'] as const) {
      const c = await named(t);
      expect(c.Id).not.toBe(before[t]);
      expect(c.State).toBe('running');
    }
    same(await both('ps'));
  });

  it("up -d --scale db=2: 1.29's warning, the second container's name is taken, up fails; the first runs on", async () => {
    const r = await both('up', '-d', '--scale', 'db=2');
    expect([r.dc.code, r.fl.code]).toEqual([1, 1]);
    same(r);
    expect(r.fl.stderr).toContain(`The "db" service is using the custom container name "${NAME.fl}".`);
    expect(r.fl.stderr).toContain('Cannot create container for service db: Conflict.');
    same(await both('ps'));
    for (const t of ['dc', 'fl'] as const) expect((await named(t)).State).toBe('running');
  });

  it("scale db=2: the same warning, the second container's line error and its block, exit 1", async () => {
    const r = await both('scale', 'db=2');
    expect([r.dc.code, r.fl.code]).toEqual([1, 1]);
    same(r);
    expect(r.fl.stderr).toContain(`Creating ${NAME.fl} ... error`);
    for (const t of ['dc', 'fl'] as const) expect((await named(t)).State).toBe('running');
  });

  it('down: nothing is left under the name', async () => {
    const r = await both('down');
    expect([r.dc.code, r.fl.code]).toEqual([0, 0]);
    for (const t of ['dc', 'fl'] as const) await eventually(async () => !(await named(t)), `${t}'s ${NAME[t]} to be gone`);
  });
});
