import { describe, expect, it } from 'vitest';
import type { Service, ServiceSpec, StackDeployRequest, Task } from '@flotilla/contracts';
import type { ComposeProject } from '@flotilla/compose';
import type { StackState } from '../../client/api-client';
import { countOnly, dependencyFailureReport, removed, resourceLines, upSteps, UpProgress } from './up-progress';

const template = { ContainerSpec: { Image: 'i' } };
const spec = (name: string, replicas = 1): ServiceSpec =>
  ({ Name: `p_${name}`, Labels: { 'com.docker.compose.service': name }, Mode: { Replicated: { Replicas: replicas } }, TaskTemplate: template }) as unknown as ServiceSpec;
const svc = (name: string, labels: Record<string, string> = {}): Service =>
  ({ ID: name, Spec: { ...spec(name), Labels: { 'com.docker.compose.service': name, ...labels } } }) as unknown as Service;
const running = (service: string, slot = 1): Task =>
  ({ ID: `${service}${slot}`, ServiceID: service, Slot: slot, NodeID: 'n1', DesiredState: 'running', Spec: template, Status: { State: 'running' } }) as unknown as Task;

// db, then app (depends on db), as the whole-project fixture.
const project = {
  name: 'p',
  services: { db: { name: 'db', depends_on: {} }, app: { name: 'app', depends_on: { db: { condition: 'service_healthy' } } } },
  networks: { default: {} },
  volumes: { data: { driver: 'local' } },
} as unknown as ComposeProject;
const stack: StackDeployRequest = { services: [spec('db'), spec('app')], networks: [{ Name: 'p_default' }], volumes: [{ Name: 'p_data' }] };
const state = (tasks: Task[]): StackState => ({ name: 'p', services: [svc('db'), svc('app')], tasks, networks: [], volumes: [] });

describe('upSteps', () => {
  it.each([
    ['created', { created: ['p_db', 'p_app'], updated: [], unchanged: [] }, [], ['Creating', 'Creating']],
    ['unchanged db, changed app', { created: [], updated: ['p_app'], unchanged: ['p_db'] }, [svc('db'), svc('app')], ['up-to-date', 'Recreating']],
    ['app deployed at 0 by run for its one-off', { created: [], updated: ['p_app'], unchanged: ['p_db'] }, [svc('db'), { ...svc('app'), Spec: { ...svc('app').Spec, Mode: { Replicated: { Replicas: 0 } } } } as Service], ['up-to-date', 'Creating']],
    ['stopped app brought back', { created: [], updated: ['p_app'], unchanged: ['p_db'] }, [svc('db'), svc('app', { 'io.flotilla.compose.replicas': '1' })], ['up-to-date', 'Starting']],
  ])('%s: 1.29 verbs in dependency order', (_n, result, existing, actions) => {
    const steps = upSteps(project, stack, result, existing);
    expect(steps.map((s) => [s.service, s.action])).toEqual([
      ['db', actions[0]],
      ['app', actions[1]],
    ]);
    expect(steps[1]).toMatchObject({ containers: ['p_app_1'], after: ['db'] });
  });

  it('an unchanged service whose killed container this up starts again: Starting, as 1.29', () => {
    const steps = upSteps(project, stack, { created: [], updated: [], unchanged: ['p_db', 'p_app'] }, [svc('db'), svc('app')], [], new Set(['p_app']));
    expect(steps.map((s) => s.action)).toEqual(['up-to-date', 'Starting']);
  });

  it('an up-to-date service is said before the lines of an independent one listed first (1.29 plans, then starts)', () => {
    const free = { ...project, services: { web: { name: 'web', depends_on: {} }, db: { name: 'db', depends_on: {} } } } as unknown as ComposeProject;
    const st: StackDeployRequest = { ...stack, services: [spec('web'), spec('db')] };
    const p = new UpProgress(upSteps(free, st, { created: [], updated: [], unchanged: ['p_web', 'p_db'] }, [svc('web'), svc('db')], [], new Set(['p_web'])), false);
    expect(p.next({ name: 'p', services: [svc('web'), svc('db')], tasks: [], networks: [], volumes: [] }).replaceAll('\r', '')).toBe('p_db_1 is up-to-date\nStarting p_web_1 ... \n');
  });

  it('names one container per replica', () => {
    const steps = upSteps(project, { ...stack, services: [spec('db', 3), spec('app')] }, { created: ['p_db', 'p_app'], updated: [], unchanged: [] }, []);
    expect(steps[0].containers).toEqual(['p_db_1', 'p_db_2', 'p_db_3']);
  });
});

describe('UpProgress', () => {
  const created = () => new UpProgress(upSteps(project, stack, { created: ['p_db', 'p_app'], updated: [], unchanged: [] }, []), false);

  it("prints a dependent's line only once what it depends on is done (1.29's order, CR LF ended)", () => {
    const p = created();
    expect(p.next(state([]))).toBe('Creating p_db_1 ... \r\n');
    expect(p.next(state([]))).toBe('');
    expect(p.next(state([running('db')]))).toBe('Creating p_db_1 ... done\r\nCreating p_app_1 ... \r\n');
    expect(p.next(state([running('db'), running('app')]))).toBe('Creating p_app_1 ... done\r\n');
    expect(p.next(state([running('db'), running('app')]))).toBe('');
  });

  it('a one-off that ended before any poll saw it run (exit 3) did start: its line is done, not waited on forever', () => {
    const p = created();
    p.next(state([]));
    const exited = (service: string, code: number): Task =>
      ({ ...running(service), Status: { State: 'failed', ContainerStatus: { ExitCode: code } } }) as unknown as Task;
    expect(p.next(state([running('db'), { ...exited('app', 3), Status: { State: 'failed' } } as unknown as Task]))).toBe('Creating p_db_1 ... done\r\nCreating p_app_1 ... \r\n');
    expect(p.next(state([running('db'), exited('app', 3)]))).toBe('Creating p_app_1 ... done\r\n');
  });

  it('up-to-date services say so in their turn; everything at once when all already runs', () => {
    const p = new UpProgress(upSteps(project, stack, { created: [], updated: ['p_app'], unchanged: ['p_db'] }, [svc('db'), svc('app', { 'io.flotilla.compose.replicas': '1' })]), false);
    expect(p.next(state([running('db'), running('app')]))).toBe('p_db_1 is up-to-date\nStarting p_app_1 ... \r\nStarting p_app_1 ... done\r\n');
  });
});

describe('up --scale: only the count changed', () => {
  const net = [{ ID: 'n1d', Spec: { Name: 'p_default' } }];
  const onNet = (x: ServiceSpec, target: string): ServiceSpec => ({ ...x, TaskTemplate: { ...x.TaskTemplate, Networks: [{ Target: target, Aliases: ['db'] }] } });
  const deployed = (replicas: number): Service => ({ ID: 'db', Spec: onNet(spec('db', replicas), 'n1d') }) as unknown as Service;
  const only = (replicas: number): StackDeployRequest => ({ ...stack, services: [onNet(spec('db', replicas), 'p_default')] });
  const updated = { created: [], updated: ['p_db'], unchanged: [] };

  it('countOnly: the store names networks by ID, the request by name; any other change is a change', () => {
    const names = (t: string) => (t === 'n1d' ? 'p_default' : t);
    expect(countOnly(deployed(1).Spec, only(3).services[0], names)).toBe(true);
    expect(countOnly(deployed(1).Spec, only(3).services[0])).toBe(false);
    const other = { ...only(3).services[0], TaskTemplate: { ...only(3).services[0].TaskTemplate, ContainerSpec: { Image: 'j' } } } as ServiceSpec;
    expect(countOnly(deployed(1).Spec, other, names)).toBe(false);
  });

  it("more replicas: 1.29's Creating lines for the new containers alone", () => {
    const [step] = upSteps(project, only(3), updated, [deployed(1)], net);
    expect(step).toMatchObject({ action: 'Creating', containers: ['p_db_2', 'p_db_3'] });
  });

  it('fewer: Stopping and removing the extra ones, done once their tasks ended', () => {
    const [step] = upSteps(project, only(1), updated, [deployed(3)], net);
    expect(step).toMatchObject({ action: 'Stopping and removing', containers: ['p_db_2', 'p_db_3'], keep: 1 });
    const p = new UpProgress([step], false);
    const st = (tasks: Task[]): StackState => ({ ...state(tasks), services: [deployed(1)] });
    expect(p.next(st([running('db', 1), running('db', 2)]))).toBe('Stopping and removing p_db_2 ... \r\nStopping and removing p_db_3 ... \r\n');
    expect(p.removing()).toBe(true);
    const gone = { ...running('db', 2), Status: { State: 'shutdown' } } as unknown as Task;
    expect(removed(st([running('db', 1), gone]), 'db', 1)).toBe(true);
    expect(p.next(st([running('db', 1), gone]))).toBe('Stopping and removing p_db_2 ... done\r\nStopping and removing p_db_3 ... done\r\n');
    expect(p.removing()).toBe(false);
  });

  it('the same count with another change is still Recreating', () => {
    const other = { ...only(3).services[0], TaskTemplate: { ...only(3).services[0].TaskTemplate, ContainerSpec: { Image: 'j' } } } as ServiceSpec;
    expect(upSteps(project, { ...stack, services: [other] }, updated, [deployed(1)], net)[0]).toMatchObject({ action: 'Recreating', containers: ['p_db_1', 'p_db_2', 'p_db_3'] });
  });
});

describe('resourceLines', () => {
  it("announces networks then volumes the stack did not have, with 1.29's driver words", () => {
    expect(resourceLines(project, stack, { networks: [], volumes: [] })).toEqual(['Creating network "p_default" with the default driver', 'Creating volume "p_data" with local driver']);
    const had = { networks: [{ Spec: { Name: 'p_default' } }], volumes: [{ Spec: { Name: 'p_data' } }] } as unknown as StackState;
    expect(resourceLines(project, stack, had)).toEqual([]);
  });
});

describe('dependencyFailureReport: 1.29\'s bytes when a dependency fails its condition', () => {
  it('a blank line, the service and reason written as they are, then the summary as the error', () => {
    // Recorded from docker-compose 1.29 piped (test/compose/fixtures/depends-on, DB_READY=never):
    // `...done\r\n\nERROR: for web  Container "6545030888ff" is unhealthy.\nEncountered errors while bringing up the project.\n`
    expect(dependencyFailureReport('for web  Container "6545030888ff" is unhealthy.')).toEqual({
      text: '\nERROR: for web  Container "6545030888ff" is unhealthy.\n',
      error: 'Encountered errors while bringing up the project.',
    });
  });
});
