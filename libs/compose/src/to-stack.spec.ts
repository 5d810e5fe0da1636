import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadProject, toStack, toServiceSpecs } from './index';

const dir = resolve(__dirname, '../fixtures/stack-basic');
const project = loadProject({ workingDir: dir, env: {}, projectName: 'demo' });
const stack = toStack(project);
const byName = Object.fromEntries(stack.services.map((s) => [s.Name, s]));

describe('toStack', () => {
  it('names services PROJECT_SERVICE, in dependency order', () => {
    const names = stack.services.map((s) => s.Name);
    expect(names.sort()).toEqual(['demo_api', 'demo_web', 'demo_worker']);
    const order = toStack(project).services.map((s) => s.Name);
    expect(order.indexOf('demo_api')).toBeLessThan(order.indexOf('demo_web'));
  });

  it('labels service and container with project, service and stack namespace', () => {
    const web = byName.demo_web;
    for (const l of [web.Labels!, web.TaskTemplate.ContainerSpec.Labels!]) {
      expect(l['com.docker.compose.project']).toBe('demo');
      expect(l['com.docker.compose.service']).toBe('web');
      expect(l['com.docker.stack.namespace']).toBe('demo');
    }
    expect(web.TaskTemplate.ContainerSpec.Labels!.tier).toBe('front');
    expect(web.Labels!.svc).toBe('web');
    expect(web.TaskTemplate.ContainerSpec.Labels!.svc).toBeUndefined();
  });

  it('maps entrypoint to Command and command to Args, env sorted', () => {
    const cs = byName.demo_web.TaskTemplate.ContainerSpec;
    expect(cs.Command).toEqual(['/docker-entrypoint.sh']);
    expect(cs.Args).toEqual(['nginx', '-g', 'daemon off;']);
    expect(cs.Env).toEqual(['A=1', 'B=2']);
    expect(cs.StopGracePeriod).toBe(90e9);
    expect(cs.Healthcheck).toEqual({ Test: ['CMD-SHELL', 'curl -f http://localhost'], Interval: 10e9 });
  });

  it('modes: replicas, global, scale, and the scale override', () => {
    expect(byName.demo_web.Mode).toEqual({ Replicated: { Replicas: 2 } });
    expect(byName.demo_api.Mode).toEqual({ Global: {} });
    expect(byName.demo_worker.Mode).toEqual({ Replicated: { Replicas: 3 } });
    const scaled = toServiceSpecs(project, { scale: { web: 5 } }).find((s) => s.Name === 'demo_web')!;
    expect(scaled.Mode).toEqual({ Replicated: { Replicas: 5 } });
  });

  it('job modes, as docker stack deploy reads deploy.mode', () => {
    const jobs = toStack(
      loadProject({ workingDir: dir, env: {}, projectName: 'jobs', files: [resolve(__dirname, '../fixtures/stack-jobs/compose.yaml')] }),
    );
    const mode = Object.fromEntries(jobs.services.map((s) => [s.Name, s.Mode]));
    expect(mode.jobs_migrate).toEqual({ ReplicatedJob: { MaxConcurrent: 3, TotalCompletions: 3 } });
    expect(mode.jobs_once).toEqual({ GlobalJob: {} });
  });

  it('depends_on becomes the label the orchestrator waits on, with each condition', () => {
    const deps = toStack(
      loadProject({ workingDir: dir, env: {}, projectName: 'jobs', files: [resolve(__dirname, '../fixtures/stack-jobs/compose.yaml')] }),
    ).services.find((s) => s.Name === 'jobs_app')!;
    expect(JSON.parse(deps.Labels!['io.flotilla.depends-on'])).toEqual({ jobs_migrate: 'service_completed_successfully', jobs_once: 'service_started' });
  });

  it('ports: short, ranges, bare target, host mode', () => {
    expect(byName.demo_web.EndpointSpec!.Ports).toEqual([
      { Protocol: 'tcp', TargetPort: 5000, PublishedPort: 8000, PublishMode: 'ingress' },
      { Protocol: 'udp', TargetPort: 90, PublishedPort: 9000, PublishMode: 'ingress' },
      { Protocol: 'udp', TargetPort: 91, PublishedPort: 9001, PublishMode: 'ingress' },
      { Protocol: 'tcp', TargetPort: 5000, PublishMode: 'ingress' },
      { Protocol: 'tcp', TargetPort: 443, PublishedPort: 8443, PublishMode: 'host' },
    ]);
  });

  it('ports: an address before the port (127.0.0.1:P:T) is the one every node listens on', () => {
    const d = mkdtempSync(join(tmpdir(), 'to-stack-ports-'));
    writeFileSync(join(d, 'docker-compose.yml'), 'services:\n  web:\n    image: i\n    ports: ["127.0.0.1:8001:80", "[::1]:8002:80", "8003:80"]\n');
    const p = loadProject({ workingDir: d, env: {}, projectName: 'p' });
    rmSync(d, { recursive: true, force: true });
    expect(toStack(p).services[0].EndpointSpec!.Ports).toEqual([
      { Protocol: 'tcp', TargetPort: 80, PublishedPort: 8001, PublishMode: 'ingress', HostIP: '127.0.0.1' },
      { Protocol: 'tcp', TargetPort: 80, PublishedPort: 8002, PublishMode: 'ingress', HostIP: '::1' },
      { Protocol: 'tcp', TargetPort: 80, PublishedPort: 8003, PublishMode: 'ingress' },
    ]);
  });

  it('ports: a host range onto one port is every port of it through the mesh for a stack, one host-mode range for the compose verbs', () => {
    const d = mkdtempSync(join(tmpdir(), 'to-stack-ports-'));
    writeFileSync(join(d, 'docker-compose.yml'), 'services:\n  web:\n    image: i\n    ports: ["18000-18001:80", "127.0.0.1:19000-19002:53/udp", "8003:81", "18001:80"]\n');
    const p = loadProject({ workingDir: d, env: {}, projectName: 'p' });
    rmSync(d, { recursive: true, force: true });
    const fixed = { Protocol: 'tcp', TargetPort: 81, PublishedPort: 8003, PublishMode: 'ingress' };
    expect(toStack(p).services[0].EndpointSpec!.Ports).toEqual([
      { Protocol: 'tcp', TargetPort: 80, PublishedPort: 18000, PublishMode: 'ingress' },
      { Protocol: 'tcp', TargetPort: 80, PublishedPort: 18001, PublishMode: 'ingress' },
      ...[19000, 19001, 19002].map((n) => ({ Protocol: 'udp', TargetPort: 53, PublishedPort: n, PublishMode: 'ingress', HostIP: '127.0.0.1' })),
      fixed,
    ]);
    expect(toStack(p, { hostRanges: 'per-container' }).services[0].EndpointSpec!.Ports).toEqual([
      { Protocol: 'tcp', TargetPort: 80, PublishedPort: 18000, PublishedPortEnd: 18001, PublishMode: 'host' },
      { Protocol: 'udp', TargetPort: 53, PublishedPort: 19000, PublishedPortEnd: 19002, PublishMode: 'host', HostIP: '127.0.0.1' },
      fixed,
      { Protocol: 'tcp', TargetPort: 80, PublishedPort: 18001, PublishMode: 'ingress' },
    ]);
  });

  it('container_name: the container\'s name and a network alias for the compose verbs; a stack ignores it, as Swarm\'s', () => {
    const d = mkdtempSync(join(tmpdir(), 'to-stack-name-'));
    writeFileSync(join(d, 'docker-compose.yml'), 'services:\n  db:\n    image: i\n    container_name: my-db\n    networks:\n      back:\n        aliases: [store]\nnetworks:\n  back: {}\n');
    const p = loadProject({ workingDir: d, env: {}, projectName: 'p' });
    rmSync(d, { recursive: true, force: true });
    const named = toStack(p, { containerNames: true }).services[0].TaskTemplate;
    expect(named.ContainerSpec.ContainerName).toBe('my-db');
    expect(named.Networks).toEqual([{ Target: 'p_back', Aliases: ['db', 'store', 'my-db'] }]);
    const stack = toStack(p).services[0].TaskTemplate;
    expect(stack.ContainerSpec.ContainerName).toBeUndefined();
    // start-first cannot hold a name twice: a named container is replaced stop-first.
    const d2 = mkdtempSync(join(tmpdir(), 'to-stack-name-'));
    writeFileSync(join(d2, 'docker-compose.yml'), 'services:\n  db:\n    image: i\n    container_name: my-db\n    deploy:\n      update_config: {order: start-first}\n');
    const p2 = loadProject({ workingDir: d2, env: {}, projectName: 'p' });
    rmSync(d2, { recursive: true, force: true });
    expect(toStack(p2, { containerNames: true }).services[0].UpdateConfig?.Order).toBe('stop-first');
    expect(toStack(p2).services[0].UpdateConfig?.Order).toBe('start-first');
    expect(stack.Networks).toEqual([{ Target: 'p_back', Aliases: ['db', 'store'] }]);
  });

  it('mounts: named volume prefixed, bind absolute, tmpfs', () => {
    const m = byName.demo_web.TaskTemplate.ContainerSpec.Mounts!;
    expect(m[0]).toMatchObject({ Type: 'volume', Source: 'demo_data', Target: '/var/lib/data' });
    expect(m[1]).toMatchObject({ Type: 'bind', Source: resolve(dir, 'html'), Target: '/usr/share/nginx/html', ReadOnly: true });
    expect(m[2]).toMatchObject({ Type: 'tmpfs', Target: '/tmp' });
  });

  it('networks: aliases, default added, none with network_mode', () => {
    expect(byName.demo_web.TaskTemplate.Networks).toEqual([{ Target: 'demo_front', Aliases: ['web', 'www'] }]);
    expect(byName.demo_api.TaskTemplate.Networks).toEqual([{ Target: 'demo_default', Aliases: ['api'] }]);
    expect(byName.demo_worker.TaskTemplate.Networks ?? []).toEqual([]);
    const nets = Object.fromEntries(stack.networks.map((n) => [n.Name, n]));
    expect(Object.keys(nets).sort()).toEqual(['demo_default', 'demo_front']);
    expect(nets.demo_front).toMatchObject({
      DriverConfiguration: { Name: 'overlay' },
      Attachable: true,
      Labels: { 'com.docker.compose.project': 'demo', 'com.docker.compose.network': 'front', 'com.docker.stack.namespace': 'demo' },
    });
  });

  it('volumes: named non-external ones only', () => {
    expect(stack.volumes).toEqual([
      {
        Name: 'demo_data',
        Driver: 'local',
        Labels: { 'com.docker.compose.project': 'demo', 'com.docker.compose.volume': 'data', 'com.docker.stack.namespace': 'demo' },
      },
    ]);
  });

  it.each([
    ['web', { Condition: 'on-failure', MaxAttempts: 3 }],
    ['api', { Condition: 'any' }],
    ['worker', { Condition: 'any' }],
  ])('restart policy of %s', (svc, want) => {
    expect(byName[`demo_${svc}`].TaskTemplate.RestartPolicy).toEqual(want);
  });

  it('build without image: image named PROJECT_SERVICE; resources and placement', () => {
    const api = byName.demo_api.TaskTemplate;
    expect(api.ContainerSpec.Image).toBe('demo_api');
    expect(api.Resources).toEqual({ Limits: { NanoCPUs: 5e8, MemoryBytes: 64 * 1024 * 1024 } });
    expect(api.Placement).toEqual({ Constraints: ['node.role == worker'] });
  });

  it('the ID of a built image labels the containers of the services given it (com.docker.compose.image), and only those', () => {
    const ids = { api: 'sha256:aaa' };
    const specs = Object.fromEntries(toStack(project, { imageIds: ids }).services.map((s) => [s.Name, s]));
    expect(specs.demo_api.TaskTemplate.ContainerSpec.Labels!['com.docker.compose.image']).toBe('sha256:aaa');
    expect(specs.demo_api.Labels!['com.docker.compose.image']).toBeUndefined();
    expect(specs.demo_web.TaskTemplate.ContainerSpec.Labels!['com.docker.compose.image']).toBeUndefined();
    expect(byName.demo_api.TaskTemplate.ContainerSpec.Labels!['com.docker.compose.image']).toBeUndefined();
  });
});

describe('toStack: v1 and extras', () => {
  it('v1 links become network aliases of their target; v1 services join the default network', async () => {
    const { load } = await import('./test-helpers');
    const p = load({ 'docker-compose.yml': 'web:\n  image: x\n  links: [db:database, cache]\ndb:\n  image: y\ncache:\n  image: z\n' });
    const specs = Object.fromEntries(toStack(p).services.map((s) => [s.Name, s]));
    expect(specs.proj_db.TaskTemplate.Networks).toEqual([{ Target: 'proj_default', Aliases: ['db', 'database'] }]);
    expect(specs.proj_cache.TaskTemplate.Networks).toEqual([{ Target: 'proj_default', Aliases: ['cache'] }]);
    expect(toStack(p).services.map((s) => s.Name).indexOf('proj_db')).toBeLessThan(toStack(p).services.map((s) => s.Name).indexOf('proj_web'));
  });

  it('healthcheck disable, update/rollback config in ns, log driver, tmpfs size, external volume and network names', async () => {
    const { load } = await import('./test-helpers');
    const p = load({
      'compose.yml': [
        'services:',
        '  s:',
        '    image: x',
        '    healthcheck: {disable: true}',
        '    logging: {driver: json-file, options: {max-size: 10m}}',
        '    volumes: [{type: tmpfs, target: /t, tmpfs: {size: 1m}}, "ext:/e"]',
        '    networks: [outside]',
        '    deploy:',
        '      update_config: {parallelism: 2, delay: 10s, failure_action: rollback, monitor: 1m, order: start-first}',
        '      rollback_config: {parallelism: 1}',
        'volumes: {ext: {external: true, name: real-ext}}',
        'networks: {outside: {external: true, name: real-net}}',
        '',
      ].join('\n'),
    });
    const st = toStack(p);
    const s = st.services[0];
    expect(s.TaskTemplate.ContainerSpec.Healthcheck).toEqual({ Test: ['NONE'] });
    expect(s.TaskTemplate.LogDriver).toEqual({ Name: 'json-file', Options: { 'max-size': '10m' } });
    expect(s.TaskTemplate.ContainerSpec.Mounts).toEqual([
      { Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1024 * 1024 } },
      { Type: 'volume', Source: 'real-ext', Target: '/e', VolumeOptions: { Labels: { 'com.docker.stack.namespace': 'proj' } } },
    ]);
    expect(s.TaskTemplate.Networks).toEqual([{ Target: 'real-net', Aliases: ['s'] }]);
    expect(s.UpdateConfig).toEqual({ Parallelism: 2, Delay: 10e9, FailureAction: 'rollback', Monitor: 60e9, Order: 'start-first' });
    expect(s.RollbackConfig).toEqual({ Parallelism: 1 });
    expect(st.networks).toEqual([]);
    expect(st.volumes).toEqual([]);
  });
});

describe('toStack on the cases where docker-compose 1.29 and flotilla used to differ, against docker stack deploy', () => {
  const fixtures = resolve(__dirname, '../fixtures/conformance');
  const docker = JSON.parse(readFileSync(resolve(fixtures, 'docker-stack-deploy.json'), 'utf8')) as Record<string, Record<string, unknown>>;
  const load = (name: string, env: Record<string, string> = {}) => loadProject({ workingDir: resolve(fixtures, name), env });

  it('a KEY with no value goes to Docker bare, as docker stack deploy sends it', () => {
    const specs = toStack(load('env-no-value', { FROM_SHELL: 'shell-value' })).services;
    expect(specs).toHaveLength(2);
    for (const s of specs) expect(s.TaskTemplate.ContainerSpec.Env).toEqual(docker['env-no-value']['ContainerSpec.Env']);
  });

  it('a restart condition Swarm lacks is refused before anything is created (Docker refuses it after creating the network)', () => {
    expect(docker['restart-condition-underscore'].answer).toMatch(/invalid RestartCondition: "on_failure"/);
    expect(() => toStack(load('restart-condition-underscore'))).toThrow(/Invalid restart policy "on_failure"/);
  });

  it('d:/data mounts the named volume d, as 1.29 reads it (the docker CLI reads a drive letter, and the task is rejected)', () => {
    expect(docker['volume-one-letter-name']['task error']).toMatch(/must be an absolute path: d:\/data/);
    const mounts = toStack(load('volume-one-letter-name')).services[0].TaskTemplate.ContainerSpec.Mounts;
    expect(mounts).toContainEqual(expect.objectContaining({ Type: 'volume', Source: 'volume-one-letter-name_d', Target: '/data' }));
  });

  it('an empty interpolated image reaches the spec empty (the manager refuses it, as Docker does)', () => {
    expect(toStack(load('image-empty-interpolated')).services[0].TaskTemplate.ContainerSpec.Image).toBe('');
  });
});
