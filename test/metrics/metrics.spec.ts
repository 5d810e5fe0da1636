import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flotilla } from '../support/cli';
import { dockerCli } from '../support/docker-cli';
import { eventually, purgeService } from '../support/docker';
import { httpGet } from '../support/http';
import { ManagerProcess } from '../support/manager';
import { nonZeroBy, parseExposition, samples, type ParsedFamily } from './prom-parse';

/** What real Docker Swarm (20.10, its own --metrics-addr) printed and exposed for the same steps; see the file's `how`. */
interface Step {
  step: string;
  service_ps: { CurrentState: string; DesiredState: string; Error: string }[];
  node_ls: { Status: string; Availability: string; ManagerStatus: string }[];
  metrics: Record<string, number>;
}
const REF = JSON.parse(readFileSync(join(__dirname, 'docker-reference.json'), 'utf8')) as { steps: Step[] };
const ref = (prefix: string) => REF.steps.find((s) => s.step.startsWith(prefix))!;
/** `swarm_manager_tasks_total{state=…}` of a reference step, non-zero only (as nonZeroBy reads ours). */
const refTasksByState = (s: Step) => {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(s.metrics)) {
    const m = /^swarm_manager_tasks_total\{"state": "(\w+)"\}$/.exec(k);
    if (m) out[m[1]] = v;
  }
  return out;
};

const svc = `mt${process.pid}`;

/** `docker service ps` / `node ls` rows counted the way the gauges label them. */
function countBy<T>(rows: T[], key: (r: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[key(r)] = (out[key(r)] ?? 0) + 1;
  return out;
}
const word = (s: string) => s.split(' ')[0].toLowerCase();

describe('/metrics on a manager', () => {
  let m: ManagerProcess;
  const d = (...args: string[]) => dockerCli(m.host, args);
  const scrape = async (): Promise<ParsedFamily[]> => {
    const r = await httpGet(`http://${m.host}/metrics`, 10_000);
    expect(r.status).toBe(200);
    return parseExposition(r.body);
  };
  const servicePs = async () => {
    const r = await d('service', 'ps', svc, '--no-trunc', '--format', '{{json .}}');
    expect(r.code, r.out).toBe(0);
    return r.out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { ID: string; CurrentState: string; DesiredState: string; Error: string });
  };
  const nodeLs = async () => {
    const r = await d('node', 'ls', '--format', '{{json .}}');
    expect(r.code, r.out).toBe(0);
    return r.out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { ID: string; Status: string; Availability: string; ManagerStatus: string });
  };
  /**
   * `docker service ps` and a scrape agree on the tasks, read at one store index:
   * ps, scrape, ps again, until both ps reads are the same (the store moved on otherwise).
   */
  const taskViewsAgree = async (want: (ps: Awaited<ReturnType<typeof servicePs>>) => boolean) =>
    eventually(
      async () => {
        const before = await servicePs();
        if (!want(before)) return undefined;
        const fam = await scrape();
        const after = await servicePs();
        const key = (ps: typeof before) => JSON.stringify(ps.map((t) => [t.ID, word(t.CurrentState), t.DesiredState]));
        return key(before) === key(after) ? { ps: before, fam } : undefined;
      },
      'service ps to settle',
      90_000,
    );
  const expectTasksMatch = (ps: Awaited<ReturnType<typeof servicePs>>, fam: ParsedFamily[]) => {
    const fromPs = countBy(ps, (t) => `${word(t.CurrentState)}/${t.DesiredState.toLowerCase()}`);
    const fromGauge: Record<string, number> = {};
    for (const s of samples(fam, 'flotilla_tasks', { service: svc })) if (s.value) fromGauge[`${s.labels.state}/${s.labels.desired_state}`] = s.value;
    expect(fromGauge).toEqual(fromPs);
  };
  const expectNodesMatch = async (fam: ParsedFamily[]) => {
    const ls = await nodeLs();
    const fromLs = countBy(ls, (n) => `${n.Status.toLowerCase()}/${n.Availability.toLowerCase()}/${n.ManagerStatus ? 'manager' : 'worker'}`);
    const fromGauge: Record<string, number> = {};
    for (const s of samples(fam, 'flotilla_nodes')) if (s.value) fromGauge[`${s.labels.state}/${s.labels.availability}/${s.labels.role}`] = s.value;
    expect(fromGauge).toEqual(fromLs);
    return ls;
  };

  beforeAll(async () => {
    m = await ManagerProcess.create();
    // The reference's workload: `sleep 1d` ignores SIGTERM, so a stopped task ends `Shutdown` after the grace period, in both.
    const c = await flotilla(['service', 'create', '--name', svc, '--replicas', '3', 'flotilla/busybox:latest', 'sleep', '1d'], m.cliEnv);
    expect(c.code, c.stderr).toBe(0);
  });
  afterAll(async () => {
    if (m) await flotilla(['service', 'rm', svc], m.cliEnv);
    await m?.destroy();
    await purgeService(svc);
  });

  it('parses with the Prometheus client\'s parser, with the expected types and no task ids in labels', async () => {
    const fam = await scrape();
    const type = (name: string) => fam.find((f) => f.name === name)?.type;
    expect(type('flotilla_tasks')).toBe('gauge');
    expect(type('flotilla_nodes')).toBe('gauge');
    expect(type('flotilla_raft_term')).toBe('gauge');
    expect(type('flotilla_raft_proposal_duration_seconds')).toBe('histogram');
    expect(type('flotilla_raft_wal_fsync_duration_seconds')).toBe('histogram');
    expect(type('flotilla_orchestrator_pass_duration_seconds')).toBe('histogram');
    expect(type('flotilla_dispatcher_assignment_latency_seconds')).toBe('histogram');
    expect(type('flotilla_api_request_duration_seconds')).toBe('histogram');
    expect(type('flotilla_worker_engine_call_duration_seconds')).toBe('histogram');
    expect(type('flotilla_worker_task_start_duration_seconds')).toBe('histogram');
    // The standard process metrics, under their usual names (the parser strips a counter's _total).
    expect(type('process_cpu_seconds')).toBe('counter');
    expect(type('nodejs_eventloop_lag_seconds')).toBe('gauge');
    // This one manager leads a one-member cluster and has committed its writes.
    expect(samples(fam, 'flotilla_raft_leader')[0].value).toBe(1);
    const commit = samples(fam, 'flotilla_raft_commit_index')[0].value;
    expect(commit).toBeGreaterThan(0);
    expect(samples(fam, 'flotilla_raft_applied_index')[0].value).toBeLessThanOrEqual(commit);
    expect(samples(fam, 'flotilla_raft_proposal_duration_seconds_count', { outcome: 'ok' })[0].value).toBeGreaterThan(0);
    expect(samples(fam, 'flotilla_raft_wal_fsync_duration_seconds_count')[0].value).toBeGreaterThan(0);
    expect(samples(fam, 'flotilla_store_objects', { kind: 'service' })[0].value).toBe(1);
    // Requests are labelled by route template: an id-bearing path appears as one series.
    expect((await d('service', 'inspect', svc)).code).toBe(0);
    const routes = samples(await scrape(), 'flotilla_api_request_duration_seconds_count').map((s) => s.labels.route);
    expect(routes.filter((r) => r.endsWith('/services/:id'))).not.toEqual([]);
    // This manager's own worker is answered in its process while it leads: its fetches, reports and beats
    // are no HTTP requests (it registered over HTTP, as any node does).
    expect(routes.filter((r) => /^\/flotilla\/v1\/nodes\/:id\/(assignments|status|heartbeat)$/.test(r))).toEqual([]);
    expect(routes).toContain('/flotilla/v1/nodes/register');
    const ids = (await servicePs()).map((t) => t.ID);
    const labelValues = fam.flatMap((f) => f.samples).flatMap((s) => Object.values(s.labels));
    for (const id of ids) expect(labelValues.some((v) => v.includes(id))).toBe(false);
  });

  it('3 replicas: task and node gauges equal docker service ps and docker node ls, as Docker\'s own gauges do', async () => {
    const { ps, fam } = await taskViewsAgree((p) => p.filter((t) => word(t.CurrentState) === 'running').length === 3);
    expectTasksMatch(ps, fam);
    expect(samples(fam, 'flotilla_tasks', { service: svc, state: 'running', desired_state: 'running' })[0].value).toBe(3);
    await expectNodesMatch(fam);
    // Docker, same step: swarm_manager_tasks_total{state="running"} 3, one node ready.
    const r = ref('service create --replicas 3');
    expect(nonZeroBy(fam, 'flotilla_tasks_by_state', 'state')).toEqual(refTasksByState(r));
    expect(nonZeroBy(fam, 'flotilla_nodes', 'state')).toEqual({ ready: r.node_ls.length });
    expect(r.metrics['swarm_manager_nodes{"state": "ready"}']).toBe(r.node_ls.length);
    // The worker embedded in this manager reports into the same registry.
    expect(samples(fam, 'flotilla_worker_task_start_duration_seconds_count')[0].value).toBeGreaterThanOrEqual(3);
    expect(samples(fam, 'flotilla_worker_engine_call_duration_seconds_count', { call: 'create', outcome: 'ok' })[0].value).toBeGreaterThanOrEqual(3);
  });

  it('scaled to 5: the gauges follow', async () => {
    const s = await flotilla(['service', 'scale', `${svc}=5`], m.cliEnv);
    expect(s.code, s.stderr).toBe(0);
    const { ps, fam } = await taskViewsAgree((p) => p.filter((t) => word(t.CurrentState) === 'running').length === 5);
    expectTasksMatch(ps, fam);
    expect(samples(fam, 'flotilla_tasks', { service: svc, state: 'running', desired_state: 'running' })[0].value).toBe(5);
    expect(nonZeroBy(fam, 'flotilla_tasks_by_state', 'state')).toEqual(refTasksByState(ref('service scale web=5')));
    await expectNodesMatch(fam);
  });

  it('the only node drained: pending tasks by the scheduler\'s reason, as Docker explains them', async () => {
    const [self] = await nodeLs();
    const u = await d('node', 'update', '--availability', 'drain', self.ID);
    expect(u.code, u.out).toBe(0);
    const r = ref('node update --availability drain');
    const stopped = (p: Awaited<ReturnType<typeof servicePs>>) => p.filter((t) => t.DesiredState === 'Shutdown' && !['running', 'starting'].includes(word(t.CurrentState)));
    const { ps, fam } = await taskViewsAgree((p) => p.filter((t) => word(t.CurrentState) === 'pending').length === 5 && stopped(p).length === 5);
    expectTasksMatch(ps, fam);
    const ls = await expectNodesMatch(fam);
    expect(ls[0].Availability).toBe('Drain');
    // Docker, same step: 5 pending with the reason its service ps shows, 5 stopped.
    const reason = JSON.parse(r.service_ps.find((t) => word(t.CurrentState) === 'pending')!.Error) as string;
    expect(nonZeroBy(fam, 'flotilla_scheduler_pending_tasks', 'reason')).toEqual({ [reason]: 5 });
    expect(nonZeroBy(fam, 'flotilla_tasks_by_state', 'state').pending).toBe(refTasksByState(r).pending);
    expect(nonZeroBy(fam, 'flotilla_tasks', 'desired_state')).toEqual(countBy(r.service_ps, (t) => t.DesiredState.toLowerCase()));
    // Where flotilla and Docker part (not the gauges': service ps says the same): Docker ends a task it
    // stops past the grace period `Shutdown`; flotilla's worker reports it `Failed` ("task: non-zero exit (137)").
    // Counted together, the stopped tasks are as many as Docker's.
    const ours = nonZeroBy(fam, 'flotilla_tasks_by_state', 'state');
    expect((ours.shutdown ?? 0) + (ours.failed ?? 0)).toBe(refTasksByState(r).shutdown);
  });
});
