import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FlotillaError } from '@flotilla/contracts';
import { fieldPath, parseBody } from './parse-body';
import { serviceSpecSchema } from './service-spec.schema';
import { nodeSpecSchema, secretSpecSchema } from './object-specs.schema';
import { statusRequestSchema } from './agent.schema';
import { restartEndedSchema, stackDeploySchema } from './stack.schema';

const message = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FlotillaError);
    expect((e as FlotillaError).code).toBe('invalid_argument');
    return (e as Error).message;
  }
  throw new Error('accepted');
};

describe('parseBody', () => {
  it.each<[unknown, string]>([
    [{ TaskTemplate: { ContainerSpec: { Image: 5 } } }, 'TaskTemplate.ContainerSpec.Image: expected string, received number'],
    [{ TaskTemplate: { ContainerSpec: { Image: 'x', Env: ['A=1', 2] } } }, 'TaskTemplate.ContainerSpec.Env[1]: expected string, received number'],
    [{ TaskTemplate: { ContainerSpec: { Image: 'x', Mounts: [{ Target: [] }] } } }, 'TaskTemplate.ContainerSpec.Mounts[0].Target: expected string, received array'],
    [{ EndpointSpec: { Ports: [{ TargetPort: 1e300 }] } }, 'EndpointSpec.Ports[0].TargetPort: number must be less than or equal to 9007199254740991'],
    [{ EndpointSpec: { Ports: [{ TargetPort: 80, Protocol: 'icmp' }] } }, "EndpointSpec.Ports[0].Protocol: invalid enum value. Expected 'tcp' | 'udp' | 'sctp', received 'icmp'"],
    [[], 'body: expected object, received array'],
    [{ Labels: { a: 1 } }, 'Labels.a: expected string, received number'],
  ])('%j -> %s', (body, want) => {
    expect(message(() => parseBody(serviceSpecSchema, body))).toBe(want);
  });

  it('prefixes what the body is for', () => {
    expect(message(() => parseBody(statusRequestSchema, { reports: [{ taskId: 't', state: 'nope', message: '' }] }, 'status'))).toMatch(/^status: reports\[0\]\.state: invalid enum value/);
  });

  it('checks the addresses a worker and a port name: IPs, nothing else', () => {
    const report = (published: unknown) => ({ reports: [{ taskId: 't', state: 'running', message: 'started', published }] });
    expect(parseBody(statusRequestSchema, report(['0.0.0.0', '::']))).toBeTruthy();
    expect(message(() => parseBody(statusRequestSchema, report(['0.0.0.0; rm -rf /']), 'status'))).toMatch(/^status: reports\[0\]\.published\[0\]: not an IP address/);
    expect(message(() => parseBody(statusRequestSchema, report('0.0.0.0'), 'status'))).toMatch(/published: expected array/);
    const port = (HostIP: unknown) => ({ Name: 'web', EndpointSpec: { Ports: [{ TargetPort: 80, PublishedPort: 8001, HostIP }] } });
    expect(parseBody(serviceSpecSchema, port('127.0.0.1'))).toBeTruthy();
    expect(message(() => parseBody(serviceSpecSchema, port('localhost')))).toMatch(/EndpointSpec\.Ports\[0\]\.HostIP: not an IP address/);
  });

  it("checks the ports a worker says a task's container got: port numbers, an IP, a known protocol", () => {
    const report = (ports: unknown) => ({ reports: [{ taskId: 't', state: 'running', message: 'started', ports }] });
    expect(parseBody(statusRequestSchema, report([{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 18001, PublishMode: 'host', HostIP: '127.0.0.1' }]))).toBeTruthy();
    expect(message(() => parseBody(statusRequestSchema, report([{ TargetPort: 80, PublishedPort: 70000 }]), 'status'))).toMatch(/^status: reports\[0\]\.ports\[0\]\.PublishedPort: /);
    expect(message(() => parseBody(statusRequestSchema, report([{ TargetPort: 80, PublishedPort: 18001, HostIP: 'x' }]), 'status'))).toMatch(/HostIP: not an IP address/);
    expect(message(() => parseBody(statusRequestSchema, report([{ TargetPort: 80, PublishedPort: 18001, Protocol: 'icmp' }]), 'status'))).toMatch(/Protocol: invalid enum value/);
  });

  it('restart-ended takes a list of task IDs, nothing else', () => {
    expect(parseBody(restartEndedSchema, { tasks: ['a', 'b'] }).tasks).toEqual(['a', 'b']);
    expect(message(() => parseBody(restartEndedSchema, { tasks: 'a' }, 'restart-ended'))).toMatch(/^restart-ended: tasks: expected array/);
    expect(message(() => parseBody(restartEndedSchema, { tasks: [1] }, 'restart-ended'))).toMatch(/^restart-ended: tasks\[0\]: expected string/);
  });

  it('keeps unknown fields and accepts the nulls the docker CLI sends', () => {
    const body = { Name: 'web', Labels: null, TaskTemplate: { ContainerSpec: { Image: 'x', Mounts: null }, Networks: null, Future: { x: 1 } }, EndpointSpec: null };
    expect(parseBody(serviceSpecSchema, body)).toBe(body);
    expect(parseBody(secretSpecSchema, { Name: 's', Data: 'eA==', Labels: null, Driver: null })).toBeTruthy();
  });

  it("ContainerName (flotilla's own, compose's container_name): the engine's rule for a name", () => {
    const spec = (ContainerName: unknown) => ({ Name: 'web', TaskTemplate: { ContainerSpec: { Image: 'x', ContainerName } } });
    expect(parseBody(serviceSpecSchema, spec('my-db.1_x'))).toBeTruthy();
    expect(message(() => parseBody(serviceSpecSchema, spec('a/b'), 'service create'))).toMatch(/^service create: TaskTemplate\.ContainerSpec\.ContainerName: not a valid container name/);
    expect(message(() => parseBody(serviceSpecSchema, spec('-db'), 'service create'))).toMatch(/not a valid container name/);
    expect(message(() => parseBody(serviceSpecSchema, spec(3), 'service create'))).toMatch(/ContainerName: expected string/);
  });

  it('names nested paths in stacks', () => {
    const body = { services: [{ Name: 'a' }, { Name: 'b', TaskTemplate: { ContainerSpec: { Args: 'x' } } }], networks: [], volumes: [] };
    expect(message(() => parseBody(stackDeploySchema, body, 'stack deploy'))).toBe('stack deploy: services[1].TaskTemplate.ContainerSpec.Args: expected array, received string');
  });

  it('node roles and availabilities are the known ones', () => {
    expect(message(() => parseBody(nodeSpecSchema, { Role: 'boss' }))).toMatch(/^Role: invalid enum value/);
  });

  it('fieldPath', () => {
    expect(fieldPath([])).toBe('body');
    expect(fieldPath(['a', 0, 'b', 1])).toBe('a[0].b[1]');
    expect(fieldPath([3])).toBe('[3]');
  });

  // Whatever arrives, the answer is a value or a FlotillaError: never another throw.
  it('throws nothing but FlotillaError for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        for (const s of [serviceSpecSchema, stackDeploySchema, statusRequestSchema, nodeSpecSchema]) {
          try {
            parseBody(s, v);
          } catch (e) {
            if (!(e instanceof FlotillaError)) throw e;
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
