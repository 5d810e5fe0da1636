import { describe, expect, it } from 'vitest';
import { hostPortBinding, isHostRange, taskPorts } from './host-range';
import type { PortConfig } from './swarm-types';

const range: PortConfig = { Protocol: 'tcp', TargetPort: 80, PublishedPort: 18000, PublishedPortEnd: 18001, PublishMode: 'host' };

describe('host ranges', () => {
  it.each([
    [range, true, '18000-18001'],
    [{ TargetPort: 80, PublishedPort: 8000 }, false, '8000'],
    [{ TargetPort: 80, PublishedPort: 8000, PublishedPortEnd: 8000 }, false, '8000'],
  ] as [PortConfig, boolean, string][])('%j: range %s, binding %s', (p, isRange, binding) => {
    expect(isHostRange(p)).toBe(isRange);
    expect(hostPortBinding(p)).toBe(binding);
  });

  it("a task's ports: each range replaced by the port its container got, other ports as the service's", () => {
    const fixed: PortConfig = { Protocol: 'tcp', TargetPort: 81, PublishedPort: 8081, PublishMode: 'ingress' };
    const got: PortConfig[] = [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 18001, PublishMode: 'host' }];
    expect(taskPorts([range, fixed], got)).toEqual([{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 18001, PublishMode: 'host' }, fixed]);
  });

  it('keeps the address and protocol apart: a udp range on 127.0.0.1 takes only its own report', () => {
    const udp: PortConfig = { ...range, Protocol: 'udp', HostIP: '127.0.0.1' };
    const got: PortConfig[] = [
      { Protocol: 'tcp', TargetPort: 80, PublishedPort: 18000 },
      { Protocol: 'udp', TargetPort: 80, PublishedPort: 18001, HostIP: '127.0.0.1' },
    ];
    expect(taskPorts([udp], got)).toEqual([{ Protocol: 'udp', TargetPort: 80, PublishedPort: 18001, PublishMode: 'host', HostIP: '127.0.0.1' }]);
  });

  it('not reported yet (or a port outside the range): the container port, unbound', () => {
    expect(taskPorts([range], undefined)).toEqual([{ Protocol: 'tcp', TargetPort: 80, PublishMode: 'host' }]);
    expect(taskPorts([range], [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 9000 }])).toEqual([{ Protocol: 'tcp', TargetPort: 80, PublishMode: 'host' }]);
  });
});
