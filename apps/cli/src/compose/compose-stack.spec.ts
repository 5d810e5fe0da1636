import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProject, toStack } from '@flotilla/compose';
import { composeStack } from './compose-stack';

describe('composeStack', () => {
  const dir = mkdtempSync(join(tmpdir(), 'compose-stack-'));
  writeFileSync(
    join(dir, 'docker-compose.yml'),
    [
      'version: "3.8"',
      'services:',
      '  plain: {image: i}',
      '  always: {image: i, restart: always}',
      '  failing: {image: i, restart: "on-failure:2"}',
      '  swarm: {image: i, restart: "no", deploy: {restart_policy: {condition: any, delay: 2s}}}',
      '  ranged: {image: i, ports: ["18000-18001:80"]}',
      '',
    ].join('\n'),
  );
  const project = loadProject({ workingDir: dir, env: {}, projectName: 'p' });
  rmSync(dir, { recursive: true, force: true });
  const policies = (s: ReturnType<typeof toStack>) => Object.fromEntries(s.services.map((x) => [x.Name, x.TaskTemplate.RestartPolicy]));

  it('a service without restart: stays down once it exits (1.29), where the same file as a stack restarts (Swarm)', () => {
    expect(policies(composeStack(project)).p_plain).toEqual({ Condition: 'none' });
    expect(policies(toStack(project)).p_plain).toEqual({ Condition: 'any' });
  });

  it('what the file says is kept: restart: always, on-failure:N, deploy.restart_policy', () => {
    const p = policies(composeStack(project));
    expect(p.p_always).toEqual({ Condition: 'any' });
    expect(p.p_failing).toEqual({ Condition: 'on-failure', MaxAttempts: 2 });
    expect(p.p_swarm).toEqual({ Condition: 'any', Delay: 2e9 });
  });

  it('a host range onto one port: one host-mode port carrying the range (1.29: a free port of it per container), every port through the mesh for a stack', () => {
    const ports = (s: ReturnType<typeof toStack>) => s.services.find((x) => x.Name === 'p_ranged')?.EndpointSpec?.Ports;
    expect(ports(composeStack(project))).toEqual([{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 18000, PublishedPortEnd: 18001, PublishMode: 'host' }]);
    expect(ports(toStack(project))?.map((p) => [p.PublishedPort, p.PublishMode])).toEqual([
      [18000, 'ingress'],
      [18001, 'ingress'],
    ]);
  });

  it('the same specs otherwise, and --scale still applies', () => {
    const a = composeStack(project, { scale: { plain: 3 } });
    const b = toStack(project, { scale: { plain: 3 } });
    const strip = (s: typeof a) => s.services.filter((x) => x.Name !== 'p_ranged').map((x) => ({ ...x, TaskTemplate: { ...x.TaskTemplate, RestartPolicy: undefined } }));
    expect(strip(a)).toEqual(strip(b));
    expect(a.services.find((s) => s.Name === 'p_plain')?.Mode).toEqual({ Replicated: { Replicas: 3 } });
  });
});
