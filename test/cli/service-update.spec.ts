import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flotilla } from '../support/cli';
import { docker, eventually, purgeService } from '../support/docker';
import { ManagerProcess } from '../support/manager';

const svc = `fu${process.pid}`;

describe('flotilla service update / rollback', () => {
  let m: ManagerProcess;
  const f = (...args: string[]) => flotilla(args, m.cliEnv);
  const envs = async () =>
    Promise.all(
      (await docker.listContainers({ filters: { label: [`com.docker.swarm.service.name=${svc}`] } })).map(async (c) => (await docker.getContainer(c.Id).inspect()).Config.Env ?? []),
    );

  beforeAll(async () => {
    m = await ManagerProcess.create();
    const c = await f('service', 'create', '--name', svc, '--replicas', '2', '--env', 'A=1', 'flotilla/busybox:latest', 'sh', '-c', 'trap "exit 0" TERM; sleep 600 & wait');
    expect(c.code, c.stderr).toBe(0);
  });
  afterAll(async () => {
    await f('service', 'rm', svc);
    await m?.destroy();
    await purgeService(svc);
  });

  it('update --env-add waits until every task runs the new spec', async () => {
    const u = await f('service', 'update', '--env-add', 'B=2', svc);
    expect(u.code, u.stderr).toBe(0);
    // Every task already runs the new spec; the old containers may still be stopping.
    const e = await eventually(async () => ((await envs()).length === 2 ? envs() : undefined), 'old containers gone', 20_000);
    for (const x of e) expect(x).toEqual(expect.arrayContaining(['A=1', 'B=2']));
  });

  it('rollback returns to the spec before', async () => {
    const r = await f('service', 'rollback', svc);
    expect(r.code, r.stderr).toBe(0);
    const e = await eventually(async () => ((await envs()).length === 2 ? envs() : undefined), 'old containers gone', 20_000);
    for (const x of e) {
      expect(x).toContain('A=1');
      expect(x).not.toContain('B=2');
    }
  });
});
