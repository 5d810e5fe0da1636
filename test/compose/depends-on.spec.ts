import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { flotilla, runCommand } from '../support/cli';
import { containersOf, docker, purgeProject } from '../support/docker';
import { ROOT } from '../support/env';
import { ManagerProcess } from '../support/manager';

const file = join(ROOT, 'test/compose/fixtures/depends-on/docker-compose.yml');

/**
 * depends_on's long form, side by side with docker-compose 1.29 on the same file and engine:
 * service_healthy and service_completed_successfully hold `web` back until they are met, and
 * `up` fails with 1.29's words when they cannot be.
 */
describe('depends_on conditions, next to docker-compose 1.29', () => {
  let m: ManagerProcess;
  const projects: string[] = [];
  const project = (tag: string) => {
    const p = `tdep${tag}${process.pid}`;
    projects.push(p);
    return p;
  };
  const ours = (p: string, env: Record<string, string>, ...args: string[]) => flotilla(['compose', '-f', file, '-p', p, ...args], { ...m.cliEnv, ...env }, { timeoutMs: 150_000 });
  const theirs = (p: string, env: Record<string, string>, ...args: string[]) =>
    runCommand('docker-compose', ['-f', file, '-p', p, ...args], { env: { ...process.env, ...env, DOCKER_HOST: process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock' }, timeoutMs: 150_000 });
  const containerOf = async (p: string, service: string) => {
    const c = (await containersOf(p)).find((x) => x.Labels['com.docker.compose.service'] === service);
    return c ? docker.getContainer(c.Id).inspect() : undefined;
  };
  /**
   * The failure report after the progress lines, byte for byte: a blank line, `ERROR: for web  …`,
   * the summary (`ERROR: ` first on a terminal only, for both).
   */
  const expectSameReport = (ours: string, theirs: string) => {
    const tail = (s: string) => {
      const at = s.indexOf('\n\nERROR: for web  ');
      return at < 0 ? `(no blank line and ERROR: for web in ${JSON.stringify(s)})` : s.slice(at).replace(/"[0-9a-f]{12}"/, '"ID"');
    };
    expect(tail(ours)).toBe(tail(theirs));
  };
  /** When the dependency first answered its healthcheck. */
  const firstHealthy = (info: Awaited<ReturnType<typeof containerOf>>) => Date.parse(info!.State.Health!.Log.find((l) => l.ExitCode === 0)!.End);

  beforeAll(async () => {
    m = await ManagerProcess.create();
  });
  afterAll(async () => {
    for (const p of projects) {
      await ours(p, {}, 'down', '-v').catch(() => undefined);
      await theirs(p, {}, 'down', '-v').catch(() => undefined);
      await purgeProject(p);
    }
    await m?.destroy();
  });

  it('web is created only once db is healthy and migrate exited 0, with both tools', async () => {
    for (const [p, up] of [
      [project('ok'), ours],
      [project('okdc'), theirs],
    ] as const) {
      const r = await up(p, {}, 'up', '-d');
      expect(r.code, r.stderr).toBe(0);
      const db = await containerOf(p, 'db');
      const migrate = await containerOf(p, 'migrate');
      const web = await containerOf(p, 'web');
      expect(web, `${p}: web created`).toBeDefined();
      expect(migrate!.State.ExitCode).toBe(0);
      expect(Date.parse(web!.Created)).toBeGreaterThanOrEqual(firstHealthy(db));
      expect(Date.parse(web!.Created)).toBeGreaterThanOrEqual(Date.parse(migrate!.State.FinishedAt));
    }
    // `ps` shows the same State column with both tools.
    const states = async (p: string, ps: typeof ours) => {
      const out = (await ps(p, {}, 'ps')).stdout.split('\n').slice(2).filter(Boolean);
      return out.map((l) => [/_(db|migrate|web)_1/.exec(l)?.[1], /\s(Up \(healthy\)|Up|Exit \d+)\s/.exec(l)?.[1]]).sort();
    };
    const mine = await states(projects[0], ours);
    expect(mine).toEqual([
      ['db', 'Up (healthy)'],
      ['migrate', 'Exit 0'],
      ['web', 'Up'],
    ]);
    expect(mine).toEqual(await states(projects[1], theirs));
  });

  it('a dependency that turns unhealthy: up fails naming it, web never created, with both tools', async () => {
    const env = { DB_READY: 'never', DB_RETRIES: '2' };
    const outs: string[] = [];
    for (const [p, up] of [
      [project('sick'), ours],
      [project('sickdc'), theirs],
    ] as const) {
      const r = await up(p, env, 'up', '-d');
      expect(r.code, `${p}: ${r.stderr}`).toBe(1);
      outs.push(r.stderr);
      expect(r.stderr).toMatch(/ERROR: for web {2}Container "[0-9a-f]{12}" is unhealthy\./);
      expect(r.stderr).toContain('Encountered errors while bringing up the project.');
      expect(await containerOf(p, 'web')).toBeUndefined();
    }
    expectSameReport(outs[0], outs[1]);
  });

  it('a one-shot dependency that exits non-zero: up fails with its exit code, with both tools', async () => {
    const outs: string[] = [];
    for (const [p, up] of [
      [project('mig'), ours],
      [project('migdc'), theirs],
    ] as const) {
      const r = await up(p, { MIGRATE_EXIT: '3' }, 'up', '-d');
      expect(r.code, `${p}: ${r.stderr}`).toBe(1);
      outs.push(r.stderr);
      expect(r.stderr).toMatch(/ERROR: for web {2}Container "[0-9a-f]{12}" exited with code 3\./);
      expect(await containerOf(p, 'web')).toBeUndefined();
    }
    expectSameReport(outs[0], outs[1]);
  });
});
