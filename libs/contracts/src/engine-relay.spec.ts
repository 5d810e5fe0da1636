import { describe, expect, it } from 'vitest';
import { createRefusal, decodeOneOffResources, encodeOneOffResources, oneOffResources, parseRelayRequest, relayRoute } from './engine-relay';
import type { Network, Volume } from './swarm-types';

const HEX = 'a'.repeat(64);

describe('relayRoute', () => {
  it.each([
    ['GET', '/v1.41/containers/abc/json', { target: { kind: 'container', id: 'abc' }, hijack: false }],
    ['GET', '/containers/web_1/top?ps_args=-ef', { target: { kind: 'container', id: 'web_1' }, hijack: false }],
    ['POST', '/v1.41/containers/abc/exec', { target: { kind: 'container', id: 'abc' }, hijack: false }],
    ['POST', '/containers/abc/kill?signal=TERM', { target: { kind: 'container', id: 'abc' }, hijack: false }],
    ['POST', '/containers/abc/pause', { target: { kind: 'container', id: 'abc' }, hijack: false }],
    ['POST', '/containers/abc/unpause', { target: { kind: 'container', id: 'abc' }, hijack: false }],
    ['POST', '/containers/abc/restart?t=1', { target: { kind: 'container', id: 'abc' }, hijack: false }],
    ['POST', '/containers/abc/attach?stream=1', { target: { kind: 'container', id: 'abc' }, hijack: true }],
    ['DELETE', '/containers/abc?force=true', { target: { kind: 'container', id: 'abc' }, hijack: false }],
    ['POST', `/exec/${HEX}/start`, { target: { kind: 'exec', id: HEX }, hijack: true }],
    ['POST', `/v1.41/exec/${HEX}/resize?h=1&w=2`, { target: { kind: 'exec', id: HEX }, hijack: false }],
    ['GET', `/exec/${HEX}/json`, { target: { kind: 'exec', id: HEX }, hijack: false }],
    ['POST', '/containers/create?name=p_web_run_0123456789ab', { target: { kind: 'create', name: 'p_web_run_0123456789ab' }, hijack: false }],
  ])('%s %s is relayed', (method, url, expected) => {
    expect(relayRoute(method, url)).toEqual(expected);
  });

  it.each([
    ['GET', '/containers/json'],
    ['POST', '/images/create'],
    ['POST', '/build'],
    ['GET', '/containers/../../images/json'],
    ['POST', '/containers/abc/archive'],
    ['PUT', '/containers/abc/archive'],
    ['POST', '/exec/short/start'],
    ['POST', '/swarm/leave'],
    ['POST', '/containers/create?name=../x'],
    ['GET', '/volumes'],
    [undefined, '/containers/abc/json'],
  ])('%s %s is not', (method, url) => {
    expect(relayRoute(method, url)).toBeUndefined();
  });
});

describe('parseRelayRequest', () => {
  const ok = { relayId: 'f'.repeat(32), manager: '10.242.0.1:2377' };
  it('takes a well-formed request', () => {
    expect(parseRelayRequest(JSON.stringify(ok))).toEqual(ok);
    expect(parseRelayRequest(JSON.stringify({ ...ok, manager: '[::1]:2377' }))).toEqual({ ...ok, manager: '[::1]:2377' });
  });
  it.each([
    ['not json', '{'],
    ['null', 'null'],
    ['short id', JSON.stringify({ ...ok, relayId: 'abc' })],
    ['no port', JSON.stringify({ ...ok, manager: 'example.com' })],
    ['a URL', JSON.stringify({ ...ok, manager: 'http://evil:80/x' })],
    ['a number', JSON.stringify({ ...ok, manager: 5 })],
  ])('refuses %s', (_what, msg) => {
    expect(parseRelayRequest(msg)).toBeUndefined();
  });
});

describe('createRefusal', () => {
  const base = { Image: 'flotilla/busybox:latest', Labels: { 'com.docker.compose.oneoff': 'True', 'com.docker.compose.project': 'p' } };
  it('lets a compose one-off on its network through', () => {
    expect(createRefusal({ ...base, HostConfig: { NetworkMode: 'p_default', Mounts: [{ Type: 'volume' }], Privileged: false, CapAdd: [] } })).toBeUndefined();
  });
  it.each([
    ['no image', { ...base, Image: undefined }],
    ['not a one-off', { ...base, Labels: { 'com.docker.compose.project': 'p' } }],
    ['no project', { ...base, Labels: { 'com.docker.compose.oneoff': 'True' } }],
    ['privileged', { ...base, HostConfig: { Privileged: true } }],
    ['capabilities', { ...base, HostConfig: { CapAdd: ['SYS_ADMIN'] } }],
    ['devices', { ...base, HostConfig: { Devices: [{ PathOnHost: '/dev/sda' }] } }],
    ['host pid', { ...base, HostConfig: { PidMode: 'host' } }],
    ['host network', { ...base, HostConfig: { NetworkMode: 'host' } }],
    ['another container network', { ...base, HostConfig: { NetworkMode: 'container:abc' } }],
    ['HostConfig not an object', { ...base, HostConfig: [] as unknown as Record<string, unknown> }],
  ])('refuses %s', (_what, body) => {
    expect(createRefusal(body)).toEqual(expect.any(String));
  });
});

describe('oneOffResources: what of the cluster a one-off create names', () => {
  const net = (name: string) => ({ ID: `id-${name}`, Spec: { Name: name } }) as unknown as Network;
  const vol = (name: string) => ({ ID: `v-${name}`, Spec: { Name: name } }) as unknown as Volume;
  const networks = [net('p_default'), net('p_back'), net('other')];
  const volumes = [vol('p_data'), vol('other')];

  it('its network mode, its endpoints and its volume mounts; binds, unknown names and other projects left out', () => {
    const body = {
      Image: 'i',
      HostConfig: {
        NetworkMode: 'p_default',
        Mounts: [{ Type: 'volume', Source: 'p_data', Target: '/d' }, { Type: 'bind', Source: '/tmp', Target: '/t' }, { Type: 'volume', Source: 'anonymous', Target: '/a' }],
      },
      NetworkingConfig: { EndpointsConfig: { p_default: {}, p_back: {}, elsewhere: {} } },
    };
    const r = oneOffResources(body, networks, volumes);
    expect(r.networks.map((n) => n.Spec.Name)).toEqual(['p_default', 'p_back']);
    expect(r.volumes.map((v) => v.Spec.Name)).toEqual(['p_data']);
    expect(oneOffResources({ Image: 'i' }, networks, volumes)).toEqual({ networks: [], volumes: [] });
  });

  it('travels as base64url JSON; anything else in the header is ignored', () => {
    const r = { networks: [net('p_default')], volumes: [vol('p_data')] };
    expect(decodeOneOffResources(encodeOneOffResources(r))).toEqual(r);
    for (const bad of [undefined, '', 'not-base64-json', Buffer.from('{"networks":[{}],"volumes":[]}').toString('base64url'), Buffer.from('[1]').toString('base64url')]) {
      expect(decodeOneOffResources(bad)).toBeUndefined();
    }
  });
});
