import { describe, expect, it } from 'vitest';
import { LABEL, type Service, type Task, type TaskState } from '@flotilla/contracts';
import { dependenciesOf, dependencyVerdict } from './depends-on';
import { reconcile } from './reconcile';
import { node, reconcileInput, service, task } from './test-fixtures';

const withDeps = (svc: Service, deps: Record<string, string> | string): Service => ({
  ...svc,
  Spec: { ...svc.Spec, Labels: { [LABEL.dependsOn]: typeof deps === 'string' ? deps : JSON.stringify(deps) } },
});
const db = service('db', 2);
const web = (cond: string) => withDeps(service('web', 1), { 'svc-db': cond });
const dbTask = (state: TaskState, o: { err?: string; exit?: number; container?: string } = {}): Task => {
  const t = task(db, 1, state, { node: 'n1', exit: o.exit });
  return {
    ...t,
    Status: {
      ...t.Status,
      ...(o.err ? { Err: o.err } : {}),
      ContainerStatus: { ...t.Status.ContainerStatus, ...(o.container ? { ContainerID: o.container } : {}) },
    },
  };
};
const verdict = (svc: Service, tasks: Task[]) => dependencyVerdict(svc, (n) => (n === db.Spec.Name ? db : undefined), (id) => (id === db.ID ? tasks : []));

describe('dependencyVerdict: docker-compose 1.29 conditions over the cluster', () => {
  it.each<[string, string, Task[], string]>([
    ['started: waits for every wanted task to start', 'service_started', [dbTask('starting'), dbTask('preparing')], 'waiting'],
    ['started: open once all have started', 'service_started', [dbTask('starting'), dbTask('running')], 'open'],
    ['started: a dependency that ran and ended counts as started', 'service_started', [dbTask('complete'), dbTask('running')], 'open'],
    ['healthy: waits while a healthcheck has not passed', 'service_healthy', [dbTask('running'), dbTask('starting')], 'waiting'],
    ['healthy: open once all run (healthy)', 'service_healthy', [dbTask('running'), dbTask('running')], 'open'],
    ['healthy: fails on an unhealthy task', 'service_healthy', [dbTask('running'), dbTask('failed', { err: 'task: non-zero exit (137): dockerexec: unhealthy container', container: 'abc' })], 'failed'],
    ['healthy: fails on a task that ended without ever running (stopped unhealthy, exit 0)', 'service_healthy', [dbTask('running'), dbTask('complete', { exit: 0, container: 'abc' })], 'failed'],
    ['completed: waits while one still runs', 'service_completed_successfully', [dbTask('complete', { exit: 0 }), dbTask('running')], 'waiting'],
    ['completed: open once all exited 0', 'service_completed_successfully', [dbTask('complete', { exit: 0 }), dbTask('complete', { exit: 0 })], 'open'],
    ['completed: fails on a non-zero exit', 'service_completed_successfully', [dbTask('complete', { exit: 0 }), dbTask('failed', { exit: 3, container: 'abc' })], 'failed'],
  ])('%s', (_n, cond, tasks, want) => {
    expect(verdict(web(cond), tasks).kind).toBe(want);
  });

  it('says which dependency failed and why', () => {
    const v = verdict(web('service_completed_successfully'), [dbTask('failed', { exit: 3, container: 'abc' })]);
    expect(v).toMatchObject({ kind: 'failed', on: 'svc-db', reason: 'exit', exitCode: 3 });
  });

  it('reports a failed dependency while another is still on its way', () => {
    const mig = service('mig', 1);
    const svc = withDeps(service('web', 1), { 'svc-db': 'service_healthy', 'svc-mig': 'service_completed_successfully' });
    const failedMig = { ...task(mig, 1, 'failed', { node: 'n1', exit: 3 }) };
    failedMig.Status = { ...failedMig.Status, ContainerStatus: { ContainerID: 'abc', ExitCode: 3 } };
    const v = dependencyVerdict(svc, (n) => ({ 'svc-db': db, 'svc-mig': mig })[n], (id) => (id === 'db' ? [dbTask('starting')] : id === 'mig' ? [failedMig] : []));
    expect(v).toMatchObject({ kind: 'failed', on: 'svc-mig', exitCode: 3 });
  });

  it('a dependency not in the cluster holds nothing back', () => {
    expect(dependencyVerdict(withDeps(service('web', 1), { nosuch: 'service_healthy' }), () => undefined, () => []).kind).toBe('open');
  });

  it('reads only known conditions from the label, and nothing from a bad one', () => {
    expect(dependenciesOf(withDeps(service('web', 1), { a: 'service_healthy', b: 'whenever' }))).toEqual({ a: 'service_healthy' });
    expect(dependenciesOf(withDeps(service('web', 1), '{not json'))).toEqual({});
  });
});

describe('reconcile holds a dependent back until its dependencies hold', () => {
  const nodes = [node('n1')];
  const plan = (svc: Service, tasks: Task[], own: Task[] = []) =>
    reconcile({ ...reconcileInput([db, svc], [...tasks, ...own], nodes), services: [db, svc].values() });

  it('creates no task of the dependent while the dependency is not healthy', () => {
    const p = plan(web('service_healthy'), [dbTask('running'), dbTask('starting')]);
    expect(p.create.filter((t) => t.ServiceID === 'web')).toEqual([]);
  });

  it('creates its tasks once the dependency is healthy', () => {
    const p = plan(web('service_healthy'), [dbTask('running'), dbTask('running')]);
    expect(p.create.filter((t) => t.ServiceID === 'web')).toHaveLength(1);
  });

  it('leaves a dependent that already has tasks to its own life (restarts, scaling)', () => {
    const svc = web('service_healthy');
    const own = task(svc, 1, 'failed', { node: 'n1', exit: 1 });
    const p = plan(svc, [dbTask('running'), dbTask('starting')], [{ ...own, Status: { ...own.Status, Timestamp: '2000-01-01T00:00:00.000Z' } }]);
    expect(p.create.filter((t) => t.ServiceID === 'web')).toHaveLength(1);
  });
});
