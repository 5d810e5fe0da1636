import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import type { StackState } from '@flotilla/contracts';
import { join } from 'node:path';
import { flotilla, runCommand, type CliResult } from '../support/cli';
import { CLI } from '../support/env';
import { containersOf, docker, eventually, purgeProject } from '../support/docker';
import { ManagerProcess } from '../support/manager';
import { freePort } from '../support/ports';
import { lineSet, recorded, recording } from './verbs-recorded';

// Four characters, as the recording's project (v129): 1.29's tables then line up byte for byte.
const project = `v${(process.pid % 900) + 100}`;
const file = join(__dirname, 'fixtures', 'verbs', 'docker-compose.yml');
const calls = recording('compose-1.29-verbs.txt');
const created = recording('compose-1.29-create.txt');
/** The images' IDs on the machine the recording was made on. */
const RECORDED_IMAGES: Record<string, string> = {
  'flotilla/hello:latest': 'd197e51d4ccc653b652c88927e4e93364e9a49bfe605e483fd1e0c786895e2b2',
  'flotilla/busybox:latest': 'bd301cc7a8da2b9f7542e680817f0ff18d3ce21c7b2627fb26358155533ca9f8',
};
/** Recorded image ID -> this engine's. */
const imageIds: Record<string, string> = {};
const want = (args: string, nth = 0) => recorded(calls, args, project, nth, imageIds);

describe('compose create/start/stop/rm/scale/port/images/events/version/help next to docker-compose 1.29', () => {
  let m: ManagerProcess;
  let env: Record<string, string>;
  let port: number;
  const run = (...args: string[]): Promise<CliResult> => flotilla(['compose', '--file', file, '-p', project, ...args], env);
  const running = async () => (await containersOf(project, false)).filter((c) => c.State === 'running');
  const sameAs = (r: CliResult, w: { stdout: string; stderr: string; exit: number }, o: { orderFree?: boolean } = {}) => {
    // One comparison of all three, so a failure shows what flotilla said.
    const shape = (x: { exit: number; stdout: string; stderr: string }) =>
      o.orderFree ? { exit: x.exit, stdout: lineSet(x.stdout), stderr: lineSet(x.stderr) } : x;
    expect(shape({ exit: r.code, stdout: r.stdout, stderr: r.stderr })).toEqual(shape({ exit: w.exit, stdout: w.stdout, stderr: w.stderr }));
  };
  /** Name and State of each `ps` row (the Command and Ports columns differ: see the report). */
  const psStates = (out: string) =>
    out
      .trim()
      .split('\n')
      .slice(2)
      .map((l) => l.split(/\s{3,}/))
      .map((cells) => `${cells[0]} ${cells.find((c) => /^(Up|Exit \d+)/.test(c)) ?? '?'}`);

  beforeAll(async () => {
    for (const [ref, then] of Object.entries(RECORDED_IMAGES)) imageIds[then] = (await docker.getImage(ref).inspect()).Id.replace(/^sha256:/, '');
    await purgeProject(project);
    m = await ManagerProcess.create();
    port = await freePort();
    env = { ...m.cliEnv, VERBS_PUBLISH: String(port) };
  });
  afterAll(async () => {
    await run('down', '-v').catch(() => undefined);
    await m?.destroy();
    await purgeProject(project);
  });

  it('create deploys the services stopped: deprecation warning, Creating lines, no container runs', async () => {
    const r = await run('create');
    const w = recorded(created, 'create', project, 0, imageIds);
    sameAs(r, w, { orderFree: true });
    expect(await running()).toHaveLength(0);
    // 1.29 lists created containers as `Exit 0`.
    const ps = await run('ps');
    expect(psStates(ps.stdout)).toEqual(psStates(recorded(created, 'ps', project, 0, imageIds).stdout));
  });

  it('start brings them up, with 1.29 lines', async () => {
    sameAs(await run('start'), want('start'), { orderFree: true });
    expect(await running()).toHaveLength(2);
    const ps = await run('ps');
    expect(psStates(ps.stdout)).toEqual(psStates(want('ps').stdout));
    expect(ps.stdout).toMatch(new RegExp(`0\\.0\\.0\\.0:${port}->80/tcp`));
    // The bindings are the ones the worker reports its ingress bound: IPv6's too only where the host has it, as the engine.
    const state = (await (await fetch(`http://${m.host}/flotilla/v1/stacks/${project}`)).json()) as StackState;
    const webId = state.services.find((s) => s.Spec.Labels?.['com.docker.compose.service'] === 'web')!.ID;
    const task = state.tasks.find((t) => t.ServiceID === webId && t.Status.State === 'running')!;
    const v6 = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(0, '::', () => s.close(() => resolve(true)));
    });
    expect(task.Status.ContainerStatus?.PublishedOn).toEqual(v6 ? ['0.0.0.0', '::'] : ['0.0.0.0']);
    expect(ps.stdout).toContain(v6 ? `0.0.0.0:${port}->80/tcp,:::${port}->80/tcp` : `0.0.0.0:${port}->80/tcp `);
  });

  it('a host range onto one port ("A-B:80"): the one container binds the range\'s first free port, as 1.29\'s (test/compose/host-range.spec.ts: several)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-range-'));
    const canBind = (p: number) =>
      new Promise<boolean>((resolve) => {
        const s = createServer();
        s.once('error', () => resolve(false));
        s.listen(p, '0.0.0.0', () => s.close(() => resolve(true)));
      });
    let lo = await freePort();
    while (lo >= 65535 || !(await canBind(lo + 1))) lo = await freePort();
    writeFileSync(join(dir, 'docker-compose.yml'), `version: "3.8"\nservices:\n  web:\n    image: flotilla/hello:latest\n    ports:\n      - "${lo}-${lo + 1}:80"\n`);
    const rp = `${project}r`;
    const r = (...args: string[]) => flotilla(['compose', '--file', join(dir, 'docker-compose.yml'), '-p', rp, ...args], env);
    try {
      const up = await r('up', '-d');
      expect(up.code, up.stderr).toBe(0);
      expect((await r('port', 'web', '80')).stdout).toBe(`0.0.0.0:${lo}\n`);
      expect((await r('ps')).stdout).toContain(`0.0.0.0:${lo}->80/tcp`);
      await eventually(async () => (await fetch(`http://127.0.0.1:${lo}/`).then((x) => x.ok).catch(() => false)) || undefined, `port ${lo} to answer`);
      // The rest of the range is left free (no mesh publishes it), for another container to take.
      expect(await canBind(lo + 1)).toBe(true);
    } finally {
      await r('down');
      await purgeProject(rp);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an address before the port ("127.0.0.1:P:80"): only that address answers, ps and port say it as 1.29 does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-hostip-'));
    const p = await freePort();
    writeFileSync(join(dir, 'docker-compose.yml'), `version: "3.8"\nservices:\n  web:\n    image: flotilla/hello:latest\n    ports:\n      - "127.0.0.1:${p}:80"\n`);
    const rp = `${project}h`;
    const r = (...args: string[]) => flotilla(['compose', '--file', join(dir, 'docker-compose.yml'), '-p', rp, ...args], env);
    // An address of this host that is not loopback: the port must not answer there (it did: every address).
    const other = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    try {
      const up = await r('up', '-d');
      expect(up.code, up.stderr).toBe(0);
      expect((await r('port', 'web', '80')).stdout).toBe(`127.0.0.1:${p}\n`);
      await eventually(async () => (await fetch(`http://127.0.0.1:${p}/`).then((x) => x.ok).catch(() => false)) || undefined, 'the port to answer on 127.0.0.1');
      expect((await r('ps')).stdout).toContain(`127.0.0.1:${p}->80/tcp`);
      expect((await r('ps')).stdout).not.toContain(`0.0.0.0:${p}`);
      if (other) await expect(fetch(`http://${other}:${p}/`, { signal: AbortSignal.timeout(3000) })).rejects.toThrow();
      // 1.29, the same file after flotilla's is down (one port): the same `port` answer and Ports cell.
      await r('down');
      const dc = await runCommand('docker-compose', ['-f', join(dir, 'docker-compose.yml'), '-p', `${rp}dc`, 'up', '-d'], { cwd: dir });
      try {
        expect(dc.code, dc.stderr).toBe(0);
        expect((await runCommand('docker-compose', ['-f', join(dir, 'docker-compose.yml'), '-p', `${rp}dc`, 'port', 'web', '80'], { cwd: dir })).stdout).toBe(`127.0.0.1:${p}\n`);
        expect((await runCommand('docker-compose', ['-f', join(dir, 'docker-compose.yml'), '-p', `${rp}dc`, 'ps'], { cwd: dir })).stdout).toContain(`127.0.0.1:${p}->80/tcp`);
      } finally {
        await runCommand('docker-compose', ['-f', join(dir, 'docker-compose.yml'), '-p', `${rp}dc`, 'down'], { cwd: dir });
      }
    } finally {
      await r('down');
      await purgeProject(rp);
      await purgeProject(`${rp}dc`);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('port answers the published address, and 1.29 errors for a missing index or service', async () => {
    const r = await run('port', 'web', '80');
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: want('port web 80').stdout.replace('18089', String(port)), stderr: '' });
    sameAs(await run('port', '--index', '2', 'web', '80'), want('port --index 2 web 80'));
    sameAs(await run('port', 'web', '81'), want('port web 81'));
    sameAs(await run('port', '--protocol', 'udp', 'web', '80'), want('port --protocol udp web 80'));
    sameAs(await run('port', 'nope', '80'), want('port nope 80'));
  });

  it('images prints 1.29 table byte for byte; -q the image IDs', async () => {
    sameAs(await run('images'), want('images'));
    sameAs(await run('images', 'worker'), want('images worker'));
    sameAs(await run('images', '-q'), want('images -q'), { orderFree: true });
  });

  it('stop -t 1 worker stops one service; ps and ps --filter see it stopped', async () => {
    sameAs(await run('stop', '-t', '1', 'worker'), want('stop -t 1 worker'));
    expect((await running()).map((c) => c.Labels['com.docker.compose.service'])).toEqual(['web']);
    expect(psStates((await run('ps')).stdout)).toEqual(psStates(want('ps', 1).stdout));
    for (const f of ['status=running', 'status=stopped', 'source=image', 'foo=bar']) {
      sameAs(await run('ps', '--filter', f, '--services'), want(`ps --filter ${f} --services`));
    }
    sameAs(await run('ps', '-q', '--services'), want('ps -q --services'));
  });

  it('start SERVICE, start, stop, stop again (nothing to do), start', async () => {
    sameAs(await run('start', 'worker'), want('start worker'), { orderFree: true });
    sameAs(await run('start'), want('start'), { orderFree: true });
    sameAs(await run('stop'), want('stop'), { orderFree: true });
    expect(await running()).toHaveLength(0);
    expect(psStates((await run('ps')).stdout)).toEqual(psStates(want('ps', 2).stdout));
    sameAs(await run('stop'), want('stop', 1));
    sameAs(await run('start'), want('start', 1), { orderFree: true });
    expect(await running()).toHaveLength(2);
  });

  it('rm: nothing stopped, then rm -s -f worker; start worker then has nothing to start', async () => {
    sameAs(await run('rm'), want('rm'));
    sameAs(await run('rm', '-s', '-f', 'worker'), want('rm -s -f worker'), { orderFree: true });
    expect(psStates((await run('ps')).stdout)).toEqual(psStates(want('ps', 3).stdout));
    const r = await run('start', 'worker');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No containers to start/);
  });

  it('scale: creates and removes containers with 1.29 lines and errors', async () => {
    sameAs(await run('scale', 'worker=2'), want('scale worker=2'), { orderFree: true });
    expect((await running()).filter((c) => c.Labels['com.docker.compose.service'] === 'worker')).toHaveLength(2);
    sameAs(await run('scale', 'worker=1'), want('scale worker=1'), { orderFree: true });
    await eventually(async () => (await running()).filter((c) => c.Labels['com.docker.compose.service'] === 'worker').length === 1, 'worker_2 gone');
    sameAs(await run('scale', 'nope=1'), want('scale nope=1'));
    sameAs(await run('scale', 'worker=x'), want('scale worker=x'));
  });

  it('logs --tail N -t --no-color: 1.29 Attaching line, prefix width and timestamps; a bad --tail is refused', async () => {
    const r = await run('logs', '--tail', '2', '-t', '--no-color', 'worker');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines[0]).toBe(`Attaching to ${project}_worker_1`);
    expect(lines.slice(1)).toHaveLength(2);
    // 1.29 pads to the longest service name + 3 ("worker" -> 9), then " | ".
    for (const l of lines.slice(1)) expect(l).toMatch(/^worker_1 {2}\| \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z tick$/);
    const bad = await run('logs', '--tail', 'x');
    expect([bad.code, bad.stderr]).toEqual([1, 'tail flag must be all or a number\n']);
  });

  it('events --json prints 1.29 JSON lines for the project containers', async () => {
    const child = spawn(process.execPath, [CLI, 'compose', '--file', file, '-p', project, 'events', '--json'], { env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    try {
      // Live events only (1.29 has no --since): the stream may open in the middle of a stop/start (after its
      // kill, say), so go round until one whole round is seen.
      const seen = () => ['kill', 'die', 'start'].every((a) => out.includes(`"action": "${a}"`));
      for (let round = 0; round < 4 && !seen(); round++) {
        expect((await run('stop', 'worker')).code).toBe(0);
        expect((await run('start', 'worker')).code).toBe(0);
        await eventually(async () => seen(), 'die and start events', 10_000).catch(() => undefined);
      }
      expect(seen()).toBe(true);
    } finally {
      child.kill('SIGINT');
    }
    const lines = out.trim().split('\n');
    const sample = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'verbs', 'compose-1.29-events.jsonl'), 'utf8').split('\n')[0]) as Record<string, unknown>;
    for (const l of lines) {
      const e = JSON.parse(l) as Record<string, unknown> & { attributes: Record<string, string> };
      expect(Object.keys(e)).toEqual(Object.keys(sample));
      expect(l).toMatch(/^\{"time": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?", "type": "container", "action": "[a-z_: -]+", "id": "[0-9a-f]{64}", "service": "worker", "attributes": \{/);
      expect(e.attributes.name).toMatch(new RegExp(`^${project}_worker\\.\\d+\\.`));
      expect(Object.keys(e.attributes).some((k) => k.startsWith('com.docker.compose.'))).toBe(false);
    }
    const actions = lines.map((l) => (JSON.parse(l) as { action: string }).action);
    expect(actions).toEqual(expect.arrayContaining(['kill', 'die', 'create', 'start']));
  });

  it('config --hash, version --short, help', async () => {
    const h = await run('config', '--hash', '*');
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/^web [0-9a-f]{64}\nworker [0-9a-f]{64}\n$/);
    expect((await run('config', '--hash', 'web')).stdout).toBe(h.stdout.split('\n')[0] + '\n');
    const bad = await run('config', '--hash', 'nope');
    expect([bad.code, bad.stderr]).toEqual([1, 'No such service: nope\n']);
    for (const a of ['--services', '--volumes', '-q']) sameAs(await run('config', a), recorded(created, `config ${a}`, project, 0, imageIds));
    const v = await run('version', '--short');
    expect([v.code, v.stdout]).toEqual([0, '0.1.0\n']);
    const help = await run('help', 'stop');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: flotilla compose stop \[options\] \[SERVICE\.\.\.\]/);
    const nope = await run('help', 'nope');
    expect(nope.code).toBe(1);
    expect(nope.stderr).toMatch(/No such command: nope\n\nCommands:\n {2}build {14}/);
  });
});
