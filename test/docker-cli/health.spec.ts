import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker as engine, eventually, purgeService } from '../support/docker';
import { httpGet } from '../support/http';
import { freePort } from '../support/ports';
import { dockerCli } from '../support/docker-cli';
import { ManagerProcess } from '../support/manager';

const IMAGE = 'flotilla/busybox:latest';
// Ends on SIGTERM at once, as a well-behaved service does.
const TRAPPING = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'];
const UNHEALTHY = ['--health-cmd', 'false', '--health-interval', '1s', '--health-retries', '1', '--health-timeout', '1s'];

/**
 * Health-aware tasks and health-gated rolling updates, driven by the stock docker CLI as on
 * Docker's swarm (recorded/health-rollback.docker.txt holds what Docker did with the same commands).
 */
describe('health checks and update failure actions through the docker CLI', () => {
  let m: ManagerProcess;
  const d = (...args: string[]) => dockerCli(m.host, args);
  const names: string[] = [];
  const svc = (tag: string) => {
    const n = `h${tag}${process.pid}`;
    names.push(n);
    return n;
  };
  const inspect = async (name: string) => JSON.parse((await d('service', 'inspect', name)).out)[0];
  const psLines = async (name: string) =>
    (await d('service', 'ps', '--no-trunc', '--format', '{{.Name}}|{{.DesiredState}}|{{.CurrentState}}|{{.Error}}', name)).out.trim().split('\n').filter(Boolean);

  beforeAll(async () => {
    m = await ManagerProcess.create();
  });
  afterAll(async () => {
    for (const n of names) await d('service', 'rm', n);
    await m?.destroy();
    for (const n of names) await purgeService(n);
  });

  it('a healthcheck that never passes: tasks never Running, failed with Docker error, replaced', async () => {
    const name = svc('bad');
    // sleep ignores SIGTERM: the stop ends in SIGKILL after the grace period, exit 137.
    const c = await d('service', 'create', '-d', '--name', name, '--stop-grace-period', '1s', '--restart-delay', '1s', ...UNHEALTHY, IMAGE, 'sleep', '1000');
    expect(c.code, c.out).toBe(0);
    const seen = new Set<string>();
    const replicas = new Set<string>();
    await eventually(
      async () => {
        const lines = await psLines(name);
        for (const l of lines) seen.add(l.split('|')[2].split(' ')[0]);
        replicas.add((await d('service', 'ls', '--filter', `name=${name}`, '--format', '{{.Replicas}}')).out.trim());
        const failed = lines.filter((l) => l.includes('|Failed ') && l.endsWith('|"task: non-zero exit (137): dockerexec: unhealthy container"'));
        // Every failed one says why (docker quotes the error in this column).
        return failed.length >= 2 && lines.length >= 3 && lines.every((l) => !l.includes('|Failed ') || failed.includes(l));
      },
      'two tasks failed unhealthy and a third started',
      90_000,
      250,
    );
    expect(seen.has('Starting')).toBe(true);
    expect(seen.has('Running')).toBe(false);
    expect([...replicas]).toEqual(['0/1']);
  });

  it('a healthy task is Starting until its first probe passes, then Running; ls counts it then', async () => {
    const name = svc('good');
    const c = await d('service', 'create', '-d', '--name', name, '--replicas', '2', '--health-cmd', 'true', '--health-interval', '3s', IMAGE, ...TRAPPING);
    expect(c.code, c.out).toBe(0);
    await eventually(async () => (await psLines(name)).some((l) => l.includes('|Starting ')), 'a task Starting', 30_000, 100);
    expect((await d('service', 'ls', '--filter', `name=${name}`, '--format', '{{.Replicas}}')).out.trim()).not.toBe('2/2');
    await eventually(async () => (await d('service', 'ls', '--filter', `name=${name}`, '--format', '{{.Replicas}}')).out.trim() === '2/2', '2/2', 30_000);
    const lines = await psLines(name);
    expect(lines.every((l) => l.includes('|Running|Running '))).toBe(true);
  });

  it('the routing mesh sends nothing to a task until its healthcheck passes', async () => {
    const name = svc('web');
    const port = await freePort();
    const c = await d('service', 'create', '-d', '--name', name, '-p', `${port}:80`, '--health-cmd', 'test -e /tmp/ready', '--health-interval', '1s', '--health-retries', '1000', 'flotilla/hello:latest');
    expect(c.code, c.out).toBe(0);
    const [task] = await eventually(async () => {
      const list = await engine.listContainers({ filters: { label: [`com.docker.swarm.service.name=${name}`] } });
      return list.length === 1 && /health: starting/.test(list[0].Status) ? list : undefined;
    }, 'its container up, health starting', 30_000);
    // Two probes have failed by now: still starting, and the published port must not reach it.
    await new Promise((r) => setTimeout(r, 2500));
    await expect(httpGet(`http://127.0.0.1:${port}/`, 1500)).rejects.toThrow();
    const exec = await engine.getContainer(task.Id).exec({ Cmd: ['touch', '/tmp/ready'] });
    await exec.start({ hijack: false });
    const r = await eventually(() => httpGet(`http://127.0.0.1:${port}/`, 1500), 'the port answering once healthy', 30_000);
    expect(r.body).toContain(`Hello from ${task.Id.slice(0, 12)}`);
  });

  it('a pause is no health verdict: the engine says unhealthy until its next probe, the task keeps its container', async () => {
    const name = svc('pause');
    // A long interval: after the unpause the engine keeps its `unhealthy` mark for up to 30 s, no probe failed.
    const c = await d('service', 'create', '-d', '--name', name, '--health-cmd', 'true', '--health-interval', '30s', '--health-start-period', '0s', IMAGE, ...TRAPPING);
    expect(c.code, c.out).toBe(0);
    const [ct] = await eventually(async () => {
      const list = await engine.listContainers({ filters: { label: [`com.docker.swarm.service.name=${name}`] } });
      return list.length === 1 ? list : undefined;
    }, 'its container', 30_000);
    await engine.getContainer(ct.Id).pause();
    await new Promise((r) => setTimeout(r, 2000));
    await engine.getContainer(ct.Id).unpause();
    await eventually(async () => /\(unhealthy\)$/.test((await engine.listContainers({ filters: { id: [ct.Id] } }))[0]?.Status ?? ''), 'the engine saying unhealthy after the unpause', 10_000);
    // Several of the worker's looks (each pause/unpause event starts one): the container must still be the task's.
    await new Promise((r) => setTimeout(r, 4000));
    const info = await engine.getContainer(ct.Id).inspect();
    expect(info.State.Running).toBe(true);
    expect(info.State.Health?.FailingStreak).toBe(0);
    const lines = await psLines(name);
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/\|(Failed|Complete|Shutdown) /);
  });

  it('an update to an unhealthy spec with failure action rollback rolls back to the old spec', async () => {
    const name = svc('rb');
    expect((await d('service', 'create', '--name', name, '--replicas', '2', '--health-cmd', 'true', '--health-interval', '1s', IMAGE, ...TRAPPING)).code).toBe(0);
    const states: string[] = [];
    // Straight from the API, not through the CLI (a CLI call per poll could miss the short
    // `updating`), until the rollback completes: the watcher sees every state the test asserts.
    const deadline = Date.now() + 90_000;
    const watch = (async () => {
      while (states[states.length - 1] !== 'rollback_completed' && Date.now() < deadline) {
        const st = ((await (await fetch(`http://${m.host}/v1.41/services/${name}`)).json()) as { UpdateStatus?: { State: string } }).UpdateStatus?.State;
        if (st && states[states.length - 1] !== st) states.push(st);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const u = await d('service', 'update', ...UNHEALTHY, '--update-failure-action', 'rollback', '--update-monitor', '3s', name);
    await watch;
    expect(u.out).toContain('rollback: update rolled back due to failure or early termination of task ');
    expect(states).toEqual(['updating', 'rollback_started', 'rollback_completed']);
    const s = await inspect(name);
    expect(s.Spec.TaskTemplate.ContainerSpec.Healthcheck.Test).toEqual(['CMD-SHELL', 'true']);
    expect(s.UpdateStatus.Message).toBe('rollback completed');
    const running = (await psLines(name)).filter((l) => l.includes('|Running|Running '));
    expect(running).toHaveLength(2);
  });

  it('an update to an unhealthy spec with failure action pause pauses, and the CLI says so', async () => {
    const name = svc('pz');
    expect((await d('service', 'create', '--name', name, '--replicas', '2', '--health-cmd', 'true', '--health-interval', '1s', IMAGE, ...TRAPPING)).code).toBe(0);
    const u = await d('service', 'update', ...UNHEALTHY, '--update-failure-action', 'pause', '--update-monitor', '3s', name);
    expect(u.code).toBe(1);
    expect(u.out).toMatch(/service update paused: update paused due to failure or early termination of task [a-z0-9]{25}/);
    const s = await inspect(name);
    expect(s.UpdateStatus.State).toBe('paused');
    // Docker leaves the other replica on the old spec: 1/2 (recorded).
    expect((await d('service', 'ls', '--filter', `name=${name}`, '--format', '{{.Replicas}}')).out.trim()).toBe('1/2');
    // A manual rollback from there brings the old spec back.
    expect((await d('service', 'rollback', name)).code).toBe(0);
    await eventually(async () => (await inspect(name)).UpdateStatus?.State === 'rollback_completed', 'rollback_completed', 60_000);
    expect((await inspect(name)).UpdateStatus.Message).toBe('rollback completed');
  });

  it('bad update configs are refused as Docker refuses them, and nothing changes', async () => {
    const name = names.find((n) => n.startsWith('hgood'))!;
    const before = await inspect(name);
    const r = await d('service', 'update', '-d', '--update-max-failure-ratio', '2', name);
    expect(r.code).toBe(1);
    expect(r.out).toContain('Error response from daemon: rpc error: code = InvalidArgument desc = TaskSpec: update-maxfailureratio cannot be less than 0 or bigger than 1');
    const r2 = await d('service', 'update', '-d', '--update-delay', '-1s', name);
    expect(r2.out).toContain('TaskSpec: update-delay cannot be negative');
    expect((await inspect(name)).Version.Index).toBe(before.Version.Index);
  });
});
