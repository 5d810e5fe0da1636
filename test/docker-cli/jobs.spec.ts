import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker as engine, eventually, purgeService } from '../support/docker';
import { dockerCli } from '../support/docker-cli';
import { ManagerProcess } from '../support/manager';

const IMAGE = 'flotilla/busybox:latest';

/**
 * Swarm jobs through the stock docker CLI, compared with what Docker 20.10's swarm printed for the
 * same commands (recorded/jobs.docker.txt): DESIRED STATE Complete, REPLICAS "r/d (c/t completed)".
 */
describe('swarm jobs through the docker CLI', () => {
  let m: ManagerProcess;
  const d = (...args: string[]) => dockerCli(m.host, args);
  const names: string[] = [];
  const svc = (tag: string) => {
    const n = `j${tag}${process.pid}`;
    names.push(n);
    return n;
  };
  const ls = async (name: string) => (await d('service', 'ls', '--filter', `name=${name}`, '--format', '{{.Mode}}|{{.Replicas}}')).out.trim();
  const ps = async (name: string) => (await d('service', 'ps', name, '--format', '{{.Name}}|{{.DesiredState}}|{{.CurrentState}}')).out.trim().split('\n').filter(Boolean);
  const running = async (name: string) => (await engine.listContainers({ filters: { label: [`com.docker.swarm.service.name=${name}`] } })).length;

  beforeAll(async () => {
    m = await ManagerProcess.create();
  });
  afterAll(async () => {
    for (const n of names) await d('service', 'rm', n);
    await m?.destroy();
    for (const n of names) await purgeService(n);
  });

  it('a replicated job of 5 completions, 2 at a time: 5 Complete, never more than 2 running', async () => {
    const name = svc('rj');
    const c = await d('service', 'create', '--detach', '--name', name, '--mode', 'replicated-job', '--replicas', '5', '--max-concurrent', '2', IMAGE, 'sh', '-c', 'sleep 1');
    expect(c.code, c.out).toBe(0);
    let most = 0;
    await eventually(
      async () => {
        most = Math.max(most, await running(name));
        return (await ls(name)) === 'replicated job|0/2 (5/5 completed)';
      },
      '5/5 completed',
      60_000,
      100,
    );
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(2);
    const lines = await ps(name);
    expect(lines).toHaveLength(5);
    expect(lines.every((l) => /\|Complete\|Complete /.test(l))).toBe(true);
    // Slots 0..4, as swarmkit numbers them: slot 0 has no number, so docker names it by its node.
    expect(lines.map((l) => l.split('|')[0].replace(/\.[a-z0-9]{25}$/, '.<node>')).sort()).toEqual([1, 2, 3, 4].map((i) => `${name}.${i}`).concat(`${name}.<node>`).sort());
    const insp = JSON.parse((await d('service', 'inspect', name)).out)[0];
    expect(insp.Spec.Mode).toEqual({ ReplicatedJob: { MaxConcurrent: 2, TotalCompletions: 5 } });
    // Index 0 is Go's zero value: the CLI prints {} for it, as on Docker (recorded).
    expect(insp.JobStatus.JobIteration).toEqual({});
  });

  it('service update re-runs the job: the next iteration, 5 more completions', async () => {
    const name = names[0];
    const u = await d('service', 'update', '--detach', '--force', name);
    expect(u.code, u.out).toBe(0);
    expect(JSON.parse((await d('service', 'inspect', name)).out)[0].JobStatus.JobIteration).toEqual({ Index: 1 });
    await eventually(async () => (await ls(name)) === 'replicated job|0/2 (5/5 completed)' && (await ps(name)).length > 5, 'the second run complete', 60_000);
  });

  it('a failing job task is retried under the restart policy', async () => {
    const name = svc('fj');
    const c = await d('service', 'create', '--detach', '--name', name, '--mode', 'replicated-job', '--restart-delay', '1s', '--restart-max-attempts', '2', IMAGE, 'sh', '-c', 'exit 3');
    expect(c.code, c.out).toBe(0);
    await eventually(async () => (await ps(name)).filter((l) => l.includes('|Failed ')).length === 3, 'three failed attempts (1 + 2 retries)', 60_000);
    await new Promise((r) => setTimeout(r, 2500));
    expect((await ps(name)).length).toBe(3);
    expect(await ls(name)).toBe('replicated job|0/1 (0/1 completed)');
  });

  it('a global job runs once on the node and completes', async () => {
    const name = svc('gj');
    const c = await d('service', 'create', '--detach', '--name', name, '--mode', 'global-job', IMAGE, 'true');
    expect(c.code, c.out).toBe(0);
    await eventually(async () => (await ls(name)) === 'global job|0/0 (1/1 completed)', 'global job complete', 60_000);
    const lines = await ps(name);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/\|Complete\|Complete /);
  });

  it('scale on a job sets its completions; on a global job it is refused as docker refuses it', async () => {
    const bad = await d('service', 'create', '--detach', '--name', 'jbad', '--mode', 'global-job', '--replicas', '2', IMAGE, 'true');
    expect(bad.code).not.toBe(0);
    const r = await d('service', 'scale', '--detach', `${names.find((n) => n.startsWith('jgj'))}=3`);
    expect(r.out).toContain('scale can only be used with replicated or replicated-job mode');
  });
});
