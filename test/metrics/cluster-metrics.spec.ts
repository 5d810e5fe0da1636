import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerCli } from '../support/docker-cli';
import { eventually } from '../support/docker';
import { DOCKER_HOST, MANAGER_MAIN, REDIS_URL, ROOT } from '../support/env';
import { httpGet } from '../support/http';
import { ManagerProcess } from '../support/manager';
import { freePort } from '../support/ports';
import { parseExposition, samples, type ParsedFamily } from './prom-parse';

const WORKER_MAIN = `${ROOT}/dist/apps/worker/src/main.js`;

interface Proc {
  child: ChildProcess;
  dir: string;
  log: () => string;
}

/** A flotilla process on a fresh data dir, ready once `ready` shows in its log. */
async function startProc(args: (dir: string) => string[], ready: string): Promise<Proc> {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-mt-'));
  let log = '';
  const child = spawn(process.execPath, args(dir), { env: { ...process.env, DOCKER_HOST, REDIS_URL }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (b) => (log += b));
  child.stderr!.on('data', (b) => (log += b));
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`process exited: ${log}`);
    return log.includes(ready);
  }, ready, 60_000);
  return { child, dir, log: () => log };
}

async function stopProc(p: Proc): Promise<void> {
  if (p.child.exitCode === null) {
    const exited = new Promise((r) => p.child.once('exit', r));
    p.child.kill('SIGTERM');
    await exited;
  }
  rmSync(p.dir, { recursive: true, force: true });
}

async function scrape(host: string): Promise<ParsedFamily[]> {
  const r = await httpGet(`http://${host}/metrics`, 10_000);
  expect(r.status, r.body).toBe(200);
  return parseExposition(r.body);
}
const one = (fam: ParsedFamily[], name: string, labels: Record<string, string> = {}) => samples(fam, name, labels)[0]?.value;

describe('metrics across a three-manager cluster and a standalone worker', () => {
  let leader: ManagerProcess;
  const followers: (Proc & { host: string })[] = [];
  let worker: (Proc & { metrics: string }) | undefined;

  beforeAll(async () => {
    leader = await ManagerProcess.create();
    const token = (await dockerCli(leader.host, ['swarm', 'join-token', '-q', 'manager'])).out.trim();
    expect(token).toMatch(/^SWMTKN-1-/);
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const host = `127.0.0.1:${port}`;
      const p = await startProc((dir) => [MANAGER_MAIN, '--listen-addr', host, '--data-dir', dir, '--join', leader.host, '--token', token, '--no-worker', '--heartbeat-period-ms', '1000'], 'manager ready');
      followers.push({ ...p, host });
    }
    const workerToken = (await dockerCli(leader.host, ['swarm', 'join-token', '-q', 'worker'])).out.trim();
    const metrics = `127.0.0.1:${await freePort()}`;
    const w = await startProc((dir) => [WORKER_MAIN, '--manager', leader.host, '--token', workerToken, '--data-dir', dir, '--metrics-addr', metrics], 'worker joined');
    worker = { ...w, metrics };
  });
  afterAll(async () => {
    if (worker) await stopProc(worker);
    for (const f of followers) await stopProc(f);
    await leader?.destroy();
  });

  it('each follower answers /metrics itself: its own Raft role and index, the same cluster view', async () => {
    const lead = await scrape(leader.host);
    expect(one(lead, 'flotilla_raft_leader')).toBe(1);
    expect(one(lead, 'flotilla_raft_members', { voter: 'true' })).toBe(3);
    for (const f of followers) {
      // Passed to the leader, this would say 1.
      const fam = await eventually(async () => {
        const x = await scrape(f.host);
        return one(x, 'flotilla_raft_members', { voter: 'true' }) === 3 ? x : undefined;
      }, 'the follower to see three voters', 30_000);
      expect(one(fam, 'flotilla_raft_leader')).toBe(0);
      expect(one(fam, 'flotilla_raft_has_leader')).toBe(1);
      expect(one(fam, 'flotilla_raft_term')).toBe(one(lead, 'flotilla_raft_term'));
      // A follower fsyncs what it is sent, and proposes nothing itself here.
      expect(one(fam, 'flotilla_raft_wal_fsync_duration_seconds_count')).toBeGreaterThan(0);
      expect(one(fam, 'flotilla_orchestrator_pass_duration_seconds_count', { committed: 'false' }) ?? 0).toBe(0);
      // Its own request counts: its earlier scrapes are there (a scrape is counted once answered), the leader's assignment fetches are not.
      const routes = samples(await scrape(f.host), 'flotilla_api_request_duration_seconds_count').map((s) => s.labels.route);
      expect(routes).toContain('/metrics');
      expect(routes).not.toContain('/flotilla/v1/nodes/:id/assignments');
    }
  });

  it('node gauges on every manager equal docker node ls (3 managers, 1 worker)', async () => {
    for (const host of [leader.host, ...followers.map((f) => f.host)]) {
      const ls = (await dockerCli(host, ['node', 'ls', '--format', '{{json .}}'])).out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { Status: string; Availability: string; ManagerStatus: string });
      const want: Record<string, number> = {};
      for (const n of ls) {
        const k = `${n.Status.toLowerCase()}/${n.Availability.toLowerCase()}/${n.ManagerStatus ? 'manager' : 'worker'}`;
        want[k] = (want[k] ?? 0) + 1;
      }
      const fam = await scrape(host);
      const got: Record<string, number> = {};
      for (const s of samples(fam, 'flotilla_nodes')) if (s.value) got[`${s.labels.state}/${s.labels.availability}/${s.labels.role}`] = s.value;
      expect(got, host).toEqual(want);
      expect(Object.values(got).reduce((a, b) => a + b, 0)).toBe(4);
    }
  });

  it('a standalone worker serves its own figures on --metrics-addr', async () => {
    const fam = await scrape(worker!.metrics);
    expect(one(fam, 'flotilla_worker_engine_call_duration_seconds_count', { call: 'ping', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(fam.find((f) => f.name === 'flotilla_worker_task_start_duration_seconds')?.type).toBe('histogram');
    expect(fam.find((f) => f.name === 'process_cpu_seconds')?.type).toBe('counter');
    // A worker holds no store: no manager figures.
    expect(fam.some((f) => f.name.startsWith('flotilla_raft_') || f.name === 'flotilla_tasks')).toBe(false);
    const other = await httpGet(`http://${worker!.metrics}/`, 5000);
    expect(other.status).toBe(404);
  });
});
