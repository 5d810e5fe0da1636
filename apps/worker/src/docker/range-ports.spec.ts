import { describe, expect, it } from 'vitest';
import type { PortConfig } from '@flotilla/contracts';
import { inspectBindings, listBindings, rangeAddresses, rangePortsGot } from './range-ports';

const range: PortConfig = { Protocol: 'tcp', TargetPort: 80, PublishedPort: 18000, PublishedPortEnd: 18001, PublishMode: 'host' };

describe('range ports', () => {
  it("reads inspect's NetworkSettings.Ports: one binding per address family, none for an unbound port", () => {
    expect(
      inspectBindings({
        '80/tcp': [
          { HostIp: '0.0.0.0', HostPort: '18001' },
          { HostIp: '::', HostPort: '18001' },
        ],
        '53/udp': [{ HostIp: '127.0.0.1', HostPort: '19000' }],
        '81/tcp': null,
      }),
    ).toEqual([
      { target: 80, protocol: 'tcp', hostPort: 18001, hostIp: '0.0.0.0' },
      { target: 80, protocol: 'tcp', hostPort: 18001, hostIp: '::' },
      { target: 53, protocol: 'udp', hostPort: 19000, hostIp: '127.0.0.1' },
    ]);
    expect(inspectBindings(undefined)).toEqual([]);
  });

  it('the port each host range got, once, with its address; fixed ports are not reported', () => {
    const udp: PortConfig = { Protocol: 'udp', TargetPort: 53, PublishedPort: 19000, PublishedPortEnd: 19002, PublishMode: 'host', HostIP: '127.0.0.1' };
    const fixed: PortConfig = { Protocol: 'tcp', TargetPort: 81, PublishedPort: 8081, PublishMode: 'host' };
    const bound = [
      { target: 80, protocol: 'tcp', hostPort: 18001 },
      { target: 80, protocol: 'tcp', hostPort: 18001 },
      { target: 53, protocol: 'udp', hostPort: 19002 },
      { target: 81, protocol: 'tcp', hostPort: 8081 },
    ];
    expect(rangePortsGot([range, udp, fixed], bound)).toEqual([
      { Protocol: 'tcp', TargetPort: 80, PublishedPort: 18001, PublishMode: 'host' },
      { Protocol: 'udp', TargetPort: 53, PublishedPort: 19002, PublishMode: 'host', HostIP: '127.0.0.1' },
    ]);
  });

  it('nothing for a range the container has no binding in (not started, or another protocol)', () => {
    expect(rangePortsGot([range], [])).toEqual([]);
    expect(rangePortsGot([range], [{ target: 80, protocol: 'udp', hostPort: 18000 }])).toEqual([]);
  });

  it("the addresses the engine bound a range on, for ps: both families where the host has IPv6, IPv4's alone where not; none for a range with its own address", () => {
    const v4 = { target: 80, protocol: 'tcp', hostPort: 18000, hostIp: '0.0.0.0' };
    expect(rangeAddresses([range], [v4, { ...v4, hostIp: '::' }])).toEqual(['0.0.0.0', '::']);
    expect(rangeAddresses([range], [v4])).toEqual(['0.0.0.0']);
    expect(rangeAddresses([{ ...range, HostIP: '127.0.0.1' }], [{ ...v4, hostIp: '127.0.0.1' }])).toEqual([]);
    expect(rangeAddresses([{ ...range, PublishedPortEnd: undefined }], [v4])).toEqual([]);
  });

  it("reads a container list's Ports, unbound ones left out", () => {
    expect(
      listBindings([
        { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 18001, Type: 'tcp' },
        { IP: '::', PrivatePort: 80, PublicPort: 18001, Type: 'tcp' },
        { PrivatePort: 443, Type: 'tcp' },
      ]),
    ).toEqual([
      { target: 80, protocol: 'tcp', hostPort: 18001, hostIp: '0.0.0.0' },
      { target: 80, protocol: 'tcp', hostPort: 18001, hostIp: '::' },
    ]);
    expect(listBindings(undefined)).toEqual([]);
  });
});
