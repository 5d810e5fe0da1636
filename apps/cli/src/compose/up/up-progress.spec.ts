import { describe, expect, it } from 'vitest';
import type { Service, ServiceSpec, StackDeployRequest, Task } from '@flotilla/contracts';
import type { ComposeProject } from '@flotilla/compose';
import type { StackState } from '../../client/api-client';
import { countOnly, dependencyFailureReport, removed, resourceLines, startFailureReport, upSteps, UpProgress } from './up-progress';

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
  services: { db: { name: 'db', depends_on: {}, ports: [] }, app: { name: 'app', depends_on: { db: { condition: 'service_healthy' } }, ports: [] } },
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
    const free = { ...project, services: { web: { name: 'web', depends_on: {}, ports: [] }, db: { name: 'db', depends_on: {}, ports: [] } } } as unknown as ComposeProject;
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

describe('UpProgress: the host-port warning', () => {
  const web = { name: 'web', depends_on: {}, ports: [{ target: 80, published: 8080, protocol: 'tcp', mode: 'host' }] };
  const withPort = { ...project, services: { web } } as unknown as ComposeProject;
  const st = (n: number): StackDeployRequest => ({ ...stack, services: [spec('web', n)] });
  const WARNING = 'The "web" service specifies a port on the host. If multiple containers for this service are created on a single host, the port will clash.';

  it("two containers with a host-mode port: 1.29's warning, then the service's lines", () => {
    const p = new UpProgress(upSteps(withPort, st(2), { created: ['p_web'], updated: [], unchanged: [] }, []), false);
    expect(p.next({ name: 'p', services: [svc('web')], tasks: [], networks: [], volumes: [] }).replaceAll('\r', '')).toBe(`${WARNING}\nCreating p_web_1 ... \nCreating p_web_2 ... \n`);
  });

  it('up-to-date with two: warned too (1.29 warns as each service converges); one container: not', () => {
    const two = new UpProgress(upSteps(withPort, st(2), { created: [], updated: [], unchanged: ['p_web'] }, [svc('web')]), false);
    expect(two.next({ name: 'p', services: [svc('web')], tasks: [], networks: [], volumes: [] })).toBe(`${WARNING}\np_web_1 is up-to-date\np_web_2 is up-to-date\n`);
    const one = new UpProgress(upSteps(withPort, st(1), { created: ['p_web'], updated: [], unchanged: [] }, []), false);
    expect(one.next({ name: 'p', services: [svc('web')], tasks: [], networks: [], volumes: [] })).not.toContain('WARNING');
    expect(one.next({ name: 'p', services: [svc('web')], tasks: [], networks: [], volumes: [] })).not.toContain('clash');
  });

  it('on a terminal: the warning is counted, so a done status rewrites its own line', () => {
    const p = new UpProgress(upSteps(withPort, st(2), { created: ['p_web'], updated: [], unchanged: [] }, []), true);
    const s = { name: 'p', services: [svc('web')], tasks: [] as Task[], networks: [], volumes: [] };
    expect(p.next(s)).toBe(`\x1b[33mWARNING\x1b[0m: ${WARNING}\nCreating p_web_1 ... \r\nCreating p_web_2 ... \r\n`);
    // p_web_1 is two lines up from the bottom: the warning above it does not shift it.
    expect(p.next({ ...s, tasks: [running('web', 1), running('web', 2)] })).toContain('\x1b[2A\x1b[2K\rCreating p_web_1 ... \x1b[32mdone');
  });
});

describe('startFailureReport', () => {
  const web = { name: 'web', depends_on: {}, ports: [] };
  const one = { ...project, services: { web } } as unknown as ComposeProject;
  const st = (tasks: Task[]): StackState => ({ name: 'p', services: [svc('web')], tasks, networks: [], volumes: [] });
  const PORT = 'driver failed programming external connectivity on endpoint p_web.3.x (ID): all ports are allocated';

  it("1.29's lines: the containers that run done, the failed one error, its block, the service's; then the summary", () => {
    const p = new UpProgress(upSteps(one, { ...stack, services: [spec('web', 3)] }, { created: ['p_web'], updated: [], unchanged: [] }, []), false);
    expect(p.next(st([]))).toBe('Creating p_web_1 ... \r\nCreating p_web_2 ... \r\nCreating p_web_3 ... \r\n');
    const failed = { ...running('web', 3), Status: { State: 'rejected', Message: 'starting', Err: PORT } } as unknown as Task;
    const r = startFailureReport(p, st([running('web', 1), running('web', 2), failed]), { service: 'web', err: PORT, slot: 3, step: 'starting' });
    expect(r.text).toBe(
      'Creating p_web_1 ... done\r\nCreating p_web_2 ... done\r\n' +
        'Host is already in use by another container\n' +
        'Creating p_web_3 ... error\r\n' +
        `\nERROR: for p_web_3  Cannot start service web: ${PORT}\n` +
        `\nERROR: for web  Cannot start service web: ${PORT}\n`,
    );
    expect(r.error).toBe('Encountered errors while bringing up the project.');
    // Its lines are said: the next snapshot adds nothing for it.
    expect(p.next(st([running('web', 1), running('web', 2), failed]))).toBe('');
  });
});
