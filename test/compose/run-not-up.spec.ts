import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { flotilla, runCommand, type CliResult } from '../support/cli';
import { docker, purgeProject } from '../support/docker';
import { ManagerProcess } from '../support/manager';
import { freePort } from '../support/ports';

/**
 * Issue 11: `run` on a project that is not up, side by side with docker-compose 1.29 on the
 * whole-project fixture (app built, gated on db being healthy). 1.29 builds what is missing,
 * brings the dependencies up (db, healthy) and runs the one-off; `--no-deps` starts nothing else;
 * `--rm` leaves no one-off; the exit code is the command's. A later `up -d` finds db up-to-date.
 */
const tag = String(process.pid % 1000).padStart(3, '0');
const P = { dc: `rnd${tag}`, fl: `rnf${tag}` } as const;
const DIR = join(__dirname, 'fixtures', 'whole-project');
const FILE = join(DIR, 'docker-compose.yml');
type Tool = keyof typeof P;

describe('run on a project not yet up, side by side with docker-compose 1.29', () => {
  let m: ManagerProcess;
  const port = { dc: 0, fl: 0 };
  const dc = (...args: string[]) =>
    runCommand('docker-compose', ['-f', FILE, '-p', P.dc, ...args], { cwd: DIR, env: { ...process.env, APP_PORT: String(port.dc) }, timeoutMs: 150_000 });
  const fl = (...args: string[]) => flotilla(['compose', '-f', FILE, '-p', P.fl, ...args], { ...m.cliEnv, APP_PORT: String(port.fl) }, { cwd: DIR, timeoutMs: 150_000 });
  const both = async (...args: string[]) => ({ dc: await dc(...args), fl: await fl(...args) });

  /** What both say of the project: up's lines, the one-off's, the exit status line; build output aside. */
  const said = (t: Tool, r: CliResult) => ({
    exit: r.code,
    stdout: r.stdout
      .split('\n')
      .filter((l) => l && !/^(Step \d|Sending build|Successfully|Removing intermediate| ---> )/.test(l)),
    stderr: r.stderr
      .replaceAll(P[t], 'P')
      .replace(/\r/g, '')
      .split('\n')
      .filter((l) => /^(Creating|Starting|Recreating) |is up-to-date$|^\d+$/.test(l)),
  });
  const containers = async (t: Tool, extra: string[] = []) =>
    (await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${P[t]}`, ...extra] } })).map((c) => `${c.Labels['com.docker.compose.service']} ${c.State}`).sort();

  const purge = async () => {
    for (const p of Object.values(P)) {
      await purgeProject(p);
      await docker.getImage(`${p}_app`).remove({ force: true }).catch(() => undefined);
    }
  };

  beforeAll(async () => {
    await purge();
    m = await ManagerProcess.create();
    port.dc = await freePort();
    do port.fl = await freePort();
    while (port.fl === port.dc);
  });
  afterAll(async () => {
    await dc('down', '-v', '--rmi', 'local').catch(() => undefined);
    await fl('down', '-v', '--rmi', 'local').catch(() => undefined);
    await m?.destroy();
    await purge();
  });

  it('run --rm: app built, db brought up healthy first, the one-off removed, its exit code returned', async () => {
    const r = await both('run', '--rm', '-T', 'app', 'sh', '-c', 'cat /www/index.html; exit 4');
    expect(said('fl', r.fl)).toEqual(said('dc', r.dc));
    expect(said('dc', r.dc)).toEqual({
      exit: 4,
      stdout: ['bonjour from app (vanilla)'],
      stderr: ['Creating network "P_default" with the default driver', 'Creating P_db_1 ... ', 'Creating P_db_1 ... done', 'Creating P_app_run ... ', 'Creating P_app_run ... done', '4'],
    });
    // db runs (healthy), nothing of app's: no one-off left, no app_1.
    for (const t of ['dc', 'fl'] as const) expect(await containers(t)).toEqual(['db running']);
    const health = async (t: Tool) => {
      const [db] = await docker.listContainers({ filters: { label: [`com.docker.compose.project=${P[t]}`, 'com.docker.compose.service=db'] } });
      return (await docker.getContainer(db.Id).inspect()).State.Health?.Status;
    };
    expect([await health('dc'), await health('fl')]).toEqual(['healthy', 'healthy']);
  });

  it('a second run finds db running: only the one-off; then up -d: db up-to-date, app created', async () => {
    const r = await both('run', '--rm', '-T', 'app', 'true');
    expect(said('fl', r.fl)).toEqual(said('dc', r.dc));
    expect(said('dc', r.dc).stderr).toEqual(['Creating P_app_run ... ', 'Creating P_app_run ... done']);
    const up = await both('up', '-d');
    expect(said('fl', up.fl)).toEqual(said('dc', up.dc));
    expect(said('dc', up.dc).stderr).toEqual(['P_db_1 is up-to-date', 'Creating P_app_1 ... ', 'Creating P_app_1 ... done']);
  });

  it('run --no-deps with db stopped leaves it stopped; run without it starts db again first', async () => {
    const stop = await both('stop', 'db');
    expect([stop.dc.code, stop.fl.code]).toEqual([0, 0]);
    const r = await both('run', '--rm', '-T', '--no-deps', 'app', 'sh', '-c', 'echo $DB_HOST');
    expect(said('fl', r.fl)).toEqual(said('dc', r.dc));
    expect(said('dc', r.dc)).toEqual({ exit: 0, stdout: ['db'], stderr: ['Creating P_app_run ... ', 'Creating P_app_run ... done'] });
    for (const t of ['dc', 'fl'] as const) expect(await containers(t)).not.toContain('db running');
    const again = await both('run', '--rm', '-T', 'app', 'true');
    expect(said('fl', again.fl)).toEqual(said('dc', again.dc));
    expect(said('dc', again.dc).stderr).toEqual(['Starting P_db_1 ... ', 'Starting P_db_1 ... done', 'Creating P_app_run ... ', 'Creating P_app_run ... done']);
  });

  it('run --no-deps on a project wholly down: its network made first, the one-off runs, the network stays until down', async () => {
    const down = await both('down');
    expect([down.dc.code, down.fl.code]).toEqual([0, 0]);
    const r = await both('run', '--rm', '-T', '--no-deps', 'app', 'sh', '-c', 'echo $DB_HOST; exit 3');
    const lines = (t: Tool, x: CliResult) => x.stderr.replaceAll(P[t], 'P').split('\n').filter((l) => l && !/^(Step \d|Sending build|Successfully|Removing intermediate| ---> )/.test(l));
    expect({ ...said('fl', r.fl), stderr: lines('fl', r.fl) }).toEqual({ ...said('dc', r.dc), stderr: lines('dc', r.dc) });
    expect(said('dc', r.dc).exit).toBe(3);
    expect(lines('dc', r.dc)).toEqual(['Creating network "P_default" with the default driver', 'Creating P_app_run ... \r', 'Creating P_app_run ... done\r', '3']);
    for (const t of ['dc', 'fl'] as const) expect(await containers(t)).toEqual([]);
    // 1.29 leaves the network; flotilla's stack still has it, and `down` removes it with the same line.
    expect((await docker.listNetworks({ filters: { name: [`${P.dc}_default`] } })).map((n) => n.Name)).toEqual([`${P.dc}_default`]);
    const again = await both('down');
    expect(lines('fl', again.fl)).toEqual(lines('dc', again.dc));
    expect(lines('dc', again.dc)).toEqual(['Removing network P_default']);
  });
});
