import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { EventMessage } from '@flotilla/contracts';
import { eventually, purgeService } from '../support/docker';
import { DOCKER_HOST, MANAGER_MAIN, REDIS_URL } from '../support/env';
import { ManagerProcess } from '../support/manager';
import { freePort } from '../support/ports';

/** What Docker 20.10 in swarm mode answered to the same commands (recorded with this stock CLI). */
const recorded = JSON.parse(readFileSync(resolve(__dirname, 'events.docker.json'), 'utf8')) as {
  swarmEvents: { events: EventMessage[] };
  serviceImageUpdate: { text: string[] };
  taskContainerStartDie: { events: EventMessage[] };
};

/** The stock docker CLI (28.x) pointed at a flotilla manager: DOCKER_HOST=tcp://…:PORT. */
function dockerCli(host: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((done) => {
    execFile('docker', args, { env: { ...process.env, DOCKER_HOST: `tcp://${host}` }, timeout: 60_000 }, (e, stdout, stderr) => {
      done({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr });
    });
  });
}

/** A `docker events` left running; its output so far in `out`. */
function follow(host: string, args: string[]): { child: ChildProcess; out: () => string } {
  let out = '';
  const child = spawn('docker', ['events', ...args], { env: { ...process.env, DOCKER_HOST: `tcp://${host}` }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, out: () => out };
}

const jsonLines = (s: string) =>
  s
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as EventMessage);
/** An event as compared with Docker's: what it is and which attributes it names (IDs and times differ). */
const shape = (e: EventMessage) => `${e.scope} ${e.Type} ${e.Action} ${Object.keys(e.Actor.Attributes).sort().join(',')}`;
const nowSec = () => (Date.now() / 1000).toFixed(3);

const svc = `ev${process.pid}`;

describe('docker events against flotilla', () => {
  let m: ManagerProcess;
  const d = (...args: string[]) => dockerCli(m.host, args);
  const followers: ChildProcess[] = [];
  let since = '';

  beforeAll(async () => {
    m = await ManagerProcess.create();
    since = nowSec();
  });
  afterAll(async () => {
    for (const c of followers) c.kill();
    await d('service', 'rm', svc);
    await m?.destroy();
    await purgeService(svc);
  });

  it('a running `docker events` sees service create, update and remove with --filter scope=swarm --filter type=service, as Docker sends them', async () => {
    // From `since` on, so the stream misses nothing that happens while it connects.
    const f = follow(m.host, ['--since', since, '--filter', 'scope=swarm', '--filter', 'type=service', '--format', '{{json .}}']);
    followers.push(f.child);
    expect((await d('service', 'create', '--detach', '--name', svc, 'flotilla/busybox:latest', 'sleep', '3600')).code).toBe(0);
    await eventually(async () => /"Action":"create"/.test(f.out()), 'create event', 30_000);
    expect((await d('service', 'scale', '--detach', `${svc}=2`)).code).toBe(0);
    // The task's container must start before the service goes, for the next test.
    await eventually(async () => /\s2\/2\s/.test((await d('service', 'ls', '--filter', `name=${svc}`)).out), '2/2 running', 60_000);
    expect((await d('service', 'rm', svc)).code).toBe(0);
    await eventually(async () => /"Action":"remove"/.test(f.out()), 'remove event', 30_000);

    const got = jsonLines(f.out()).filter((e) => e.Actor.Attributes.name === svc);
    const want = recorded.swarmEvents.events.filter((e) => e.Type === 'service' && e.Actor.Attributes.name === 'web');
    // Docker: create, scale (replicas.old/new), an env update, its updatestate, remove. The same commands minus the env update here.
    expect(got.map(shape)).toEqual([want[0], want[1], want[4]].map(shape));
    expect(got[1].Actor.Attributes).toMatchObject({ name: svc, 'replicas.old': '1', 'replicas.new': '2' });
    expect(new Set(got.map((e) => e.Actor.ID)).size).toBe(1);
    for (const e of got) {
      expect(e.scope).toBe('swarm');
      expect(Math.floor(e.timeNano / 1e9)).toBe(e.time);
    }
    expect(f.child.exitCode).toBeNull();
  });

  it('--since/--until prints the history (default format as Docker) and exits 0; the task container started and died', async () => {
    const hist = await d('events', '--since', since, '--until', nowSec(), '--filter', 'scope=swarm', '--filter', `service=${svc}`);
    expect(hist.code, hist.err).toBe(0);
    const lines = hist.out.trim().split('\n');
    // Docker's lines: `2026-12-04T04:12:38.820203119Z service create 5f875ebe716xd6u71ojkwrg9z (name=rec)`.
    const docker = recorded.serviceImageUpdate.text.map((l) => l.replace(/^\S+ (\S+ \S+) \S+ .*$/, '$1'));
    expect(docker[0]).toBe('service create');
    expect(lines[0]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z service create [a-z0-9]{25} \\(name=${svc}\\)$`));
    expect(lines.at(-1)).toMatch(new RegExp(`^\\S+ service remove [a-z0-9]{25} \\(name=${svc}\\)$`));

    // The container of task 1 as the manager's own engine reported it: start, then die when the service went.
    const taskEvents = async () => {
      const r = await d('events', '--since', since, '--until', nowSec(), '--filter', 'type=container', '--filter', 'event=start', '--filter', 'event=die', '--filter', `label=com.docker.swarm.service.name=${svc}`, '--format', '{{json .}}');
      expect(r.code, r.err).toBe(0);
      return jsonLines(r.out);
    };
    const evs = await eventually(async () => {
      const es = await taskEvents();
      return es.filter((e) => e.Action === 'die').length === 2 && es;
    }, 'both containers started and died', 60_000);
    expect(evs.map((e) => e.Action).sort()).toEqual(['die', 'die', 'start', 'start']);
    const [dockerStart] = recorded.taskContainerStartDie.events;
    const start = evs.find((e) => e.Action === 'start')!;
    expect(Object.keys(start).sort()).toEqual(Object.keys(dockerStart).sort());
    expect(start).toMatchObject({ status: 'start', Type: 'container', scope: 'local', from: 'flotilla/busybox:latest' });
    expect(start.Actor.Attributes['com.docker.swarm.task.name']).toMatch(new RegExp(`^${svc}\\.[12]\\.[a-z0-9]{25}$`));
    expect(evs.find((e) => e.Action === 'die')!.Actor.Attributes.exitCode).toMatch(/^\d+$/);
  });

  it('--since 1m --until 0s exits 0; an unknown filter key is ignored and type=bogus matches nothing, as on Docker', async () => {
    const net = `${svc}net`;
    expect((await d('network', 'create', '-d', 'overlay', net)).code).toBe(0);
    expect((await d('network', 'rm', net)).code).toBe(0);
    // The CLI sends a duration as whole seconds (as to Docker): events of the current second show once it has passed.
    const plain = await eventually(async () => {
      const r = await d('events', '--since', '1m', '--until', '0s', '--filter', `network=${net}`);
      expect(r.code, r.err).toBe(0);
      return r.out.includes('network remove') && r;
    }, 'the remove within --until 0s', 10_000);
    // The allocator's update follows the create (as Docker's); a network removed before that pass has none.
    expect(plain.out).toMatch(new RegExp(`^\\S+ network create [a-z0-9]{25} \\(name=${net}\\)\n(\\S+ network update [a-z0-9]{25} \\(name=${net}\\)\n)?\\S+ network remove [a-z0-9]{25} \\(name=${net}\\)\n$`));
    const unknown = await d('events', '--since', '1m', '--until', '0s', '--filter', `network=${net}`, '--filter', 'foo=bar');
    expect(unknown.code, unknown.err).toBe(0);
    expect(unknown.out).toBe(plain.out);
    const bogus = await d('events', '--since', '1m', '--until', '0s', '--filter', 'type=bogus');
    expect(bogus).toEqual({ code: 0, out: '', err: '' });
  });

  it('a stream with --until in the future ends by itself at that time, exit 0', async () => {
    const from = nowSec();
    const until = (Date.now() / 1000 + 2).toFixed(3);
    expect((await d('network', 'create', '-d', 'overlay', `${svc}u`)).code).toBe(0);
    const r = await d('events', '--since', from, '--until', until, '--filter', `network=${svc}u`);
    await d('network', 'rm', `${svc}u`);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(new RegExp(`^\\S+ network create [a-z0-9]{25} \\(name=${svc}u\\)$`, 'm'));
  });

  it('bad input: since after until is refused with Docker words; bad filters and times with a clear 400', async () => {
    const r = await d('events', '--since', '10', '--until', '5');
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe('Error response from daemon: `since` time (10) cannot be after `until` time (5)');
    for (const q of ['filters=notjson', 'since=abc', 'until=1m']) {
      const res = await fetch(`http://${m.host}/v1.41/events?${q}`);
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { message: string }).message, q).toMatch(/^invalid (filter|timestamp)/);
    }
  });
});

/** A manager joining the first one, without a worker, on a port of its own. */
async function joinManager(leader: ManagerProcess, token: string): Promise<{ child: ChildProcess; host: string; dir: string; log: () => string }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-evm-'));
  let log = '';
  const child = spawn(
    process.execPath,
    [MANAGER_MAIN, '--listen-addr', `127.0.0.1:${port}`, '--data-dir', dir, '--join', leader.host, '--token', token, '--no-worker', '--heartbeat-period-ms', '1000'],
    { env: { ...process.env, DOCKER_HOST, REDIS_URL }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (b) => (log += b));
  child.stderr!.on('data', (b) => (log += b));
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`manager exited: ${log}`);
    return log.includes('manager ready');
  }, 'joined manager ready', 60_000);
  return { child, host: `127.0.0.1:${port}`, dir, log: () => log };
}

describe('events through a follower of a three-manager cluster', () => {
  let leader: ManagerProcess;
  const others: Awaited<ReturnType<typeof joinManager>>[] = [];
  const net = `evnet${process.pid}`;

  beforeAll(async () => {
    leader = await ManagerProcess.create();
    const token = (await dockerCli(leader.host, ['swarm', 'join-token', '-q', 'manager'])).out.trim();
    expect(token).toMatch(/^SWMTKN-1-/);
    for (let i = 0; i < 2; i++) others.push(await joinManager(leader, token));
  });
  afterAll(async () => {
    await dockerCli(leader.host, ['network', 'rm', net]).catch(() => undefined);
    for (const o of others) {
      o.child.kill('SIGTERM');
      await new Promise((r) => (o.child.exitCode !== null ? r(null) : o.child.once('exit', r)));
      rmSync(o.dir, { recursive: true, force: true });
    }
    await leader?.destroy();
  });

  it('a network created through the leader is seen by `docker events` on a follower', async () => {
    const follower = others[0];
    const since = nowSec();
    const f = follow(follower.host, ['--since', since, '--filter', 'type=network', '--filter', `network=${net}`, '--format', '{{json .}}']);
    try {
      expect((await dockerCli(leader.host, ['network', 'create', '-d', 'overlay', net])).code).toBe(0);
      await eventually(async () => /"Action":"create"/.test(f.out()), 'create event on the follower', 30_000);
      expect((await dockerCli(leader.host, ['network', 'rm', net])).code).toBe(0);
      await eventually(async () => /"Action":"remove"/.test(f.out()), 'remove event on the follower', 30_000);
    } finally {
      f.child.kill();
    }
    const got = jsonLines(f.out());
    const docker = recorded.swarmEvents.events.filter((e) => e.Type === 'network');
    // Docker sends an `update` right after the create (its allocator gives the network a subnet); flotilla's does too.
    expect(got.map(shape)).toEqual(docker.map(shape));
    expect(got[0].Actor.Attributes).toEqual({ name: net });
    // The same change, seen from the leader's history, carries the same time (the object's own).
    const onLeader = jsonLines((await dockerCli(leader.host, ['events', '--since', since, '--until', nowSec(), '--filter', `network=${net}`, '--format', '{{json .}}'])).out);
    expect(onLeader[0].timeNano).toBe(got[0].timeNano);
    expect(onLeader[0].Actor.ID).toBe(got[0].Actor.ID);
  });

  it('the follower answers /events itself: its stream outlives the leader and shows what the next leader commits', async () => {
    const follower = others[0];
    const net2 = `${net}b`;
    const f = follow(follower.host, ['--since', nowSec(), '--filter', 'type=network', '--filter', `network=${net2}`, '--format', '{{json .}}']);
    try {
      // A request passed through to the leader would end with it.
      await leader.stop('SIGKILL');
      // Refused (no leader) until one is elected; a try that committed as its answer was lost shows as "already exists".
      await eventually(async () => {
        const r = await dockerCli(follower.host, ['network', 'create', '-d', 'overlay', net2]);
        return r.code === 0 || r.err.includes('already exists');
      }, 'a new leader takes the create', 60_000);
      await eventually(async () => /"Action":"create"/.test(f.out()), 'create event on the same stream', 30_000);
      expect(f.child.exitCode).toBeNull();
      expect(jsonLines(f.out())[0]).toMatchObject({ Type: 'network', Action: 'create', scope: 'swarm', Actor: { Attributes: { name: net2 } } });
    } finally {
      f.child.kill();
      await dockerCli(follower.host, ['network', 'rm', net2]);
    }
  });
});
