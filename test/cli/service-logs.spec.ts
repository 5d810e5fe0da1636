import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flotilla, runCommand } from '../support/cli';
import { eventually, purgeService } from '../support/docker';
import { ManagerProcess } from '../support/manager';

const svc = `fl${process.pid}`;

/** `flotilla service logs` prints what the stock `docker service logs` prints from the same manager. */
describe('flotilla service logs', () => {
  let m: ManagerProcess;
  const f = (...args: string[]) => flotilla(args, m.cliEnv);
  const d = (...args: string[]) => runCommand('docker', args, { env: { ...process.env, DOCKER_HOST: `tcp://${m.host}` } });
  const sorted = (s: string) => s.split('\n').filter(Boolean).sort();

  beforeAll(async () => {
    m = await ManagerProcess.create();
    const c = await f('service', 'create', '--name', svc, '--replicas', '2', 'flotilla/busybox:latest', 'sh', '-c', 'echo out-one; echo out-two; echo err-one >&2; sleep 600');
    expect(c.code, c.stderr).toBe(0);
  });
  afterAll(async () => {
    await f('service', 'rm', svc);
    await m?.destroy();
    await purgeService(svc);
  });

  it('every line, on its stream, prefixed as docker does', async () => {
    const ours = await eventually(async () => {
      const r = await f('service', 'logs', svc);
      return sorted(r.stdout).length === 4 && sorted(r.stderr).length === 2 ? r : undefined;
    }, 'logs of both tasks', 30_000);
    const theirs = await d('service', 'logs', svc);
    expect(theirs.code, theirs.stderr).toBe(0);
    expect(sorted(ours.stdout)).toEqual(sorted(theirs.stdout));
    expect(sorted(ours.stderr)).toEqual(sorted(theirs.stderr));
    expect(sorted(ours.stdout)[0]).toMatch(new RegExp(`^${svc}\\.[12]\\.[a-z0-9]{12}@\\S+\\s+\\| out-`));
  });

  it('--tail and --no-trunc as docker', async () => {
    const ours = await f('service', 'logs', '--tail', '1', '--no-trunc', svc);
    const theirs = await d('service', 'logs', '--tail', '1', '--no-trunc', svc);
    expect(sorted(ours.stdout + ours.stderr)).toEqual(sorted(theirs.stdout + theirs.stderr));
    expect(sorted(ours.stdout + ours.stderr)).toHaveLength(2);
  });

  it('an unknown service: docker\'s error', async () => {
    const r = await f('service', 'logs', 'nosuch');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('service nosuch not found');
  });
});
