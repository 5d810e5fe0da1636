import { describe, expect, it } from 'vitest';
import { RELAY_ONEOFF_LABEL } from '@flotilla/contracts';
import { containerVerdict, createVerdict, execVerdict, inPlaceVerdict, startsInPlace } from './relay-policy';

const NODE = 'node1';
const task = { Id: 't'.repeat(64), Labels: {} };
const oneOff = { Id: 'o'.repeat(64), Labels: { [RELAY_ONEOFF_LABEL]: NODE } };
const othersOneOff = { Id: 'x'.repeat(64), Labels: { [RELAY_ONEOFF_LABEL]: 'node2' } };
const stranger = { Id: 's'.repeat(64), Labels: {} };
const isTask = (id: string) => id === task.Id;
const c = (id: string) => ({ kind: 'container' as const, id });

describe('containerVerdict', () => {
  it.each([
    ['exec on a task container', c('web'), 'POST', task],
    ['kill on a task container', c('web'), 'POST', task],
    ['inspect of a relayed one-off', c('run'), 'GET', oneOff],
    ['removal of a relayed one-off', c('run'), 'DELETE', oneOff],
  ])('allows %s', (_what, target, method, container) => {
    expect(containerVerdict(target, method, container, isTask, NODE)).toBeUndefined();
  });

  it.each([
    ['a container that is no task', c('x'), 'POST', stranger, 403],
    ['another node\'s one-off', c('x'), 'POST', othersOneOff, 403],
    ['removal of a task container', c('web'), 'DELETE', task, 403],
    ['a missing container', c('gone'), 'GET', undefined, 404],
    ['a missing exec', { kind: 'exec' as const, id: 'e'.repeat(64) }, 'GET', undefined, 404],
  ])('refuses %s', (_what, target, method, container, status) => {
    expect(containerVerdict(target, method, container, isTask, NODE)?.status).toBe(status);
  });

  it('words a missing container as Docker does', () => {
    expect(containerVerdict(c('gone'), 'GET', undefined, isTask, NODE)?.message).toBe('No such container: gone');
  });
});

describe('createVerdict', () => {
  const body = { Image: 'flotilla/busybox:latest', Labels: { 'com.docker.compose.oneoff': 'True', 'com.docker.compose.project': 'p' }, HostConfig: { NetworkMode: 'p_default' } };

  it('labels the one-off as this node\'s, whatever the caller said', () => {
    const v = createVerdict(JSON.stringify({ ...body, Labels: { ...body.Labels, [RELAY_ONEOFF_LABEL]: 'node2' } }), NODE);
    expect('body' in v && JSON.parse(v.body).Labels[RELAY_ONEOFF_LABEL]).toBe(NODE);
  });
  it.each([
    ['bad JSON', '{', 400],
    ['an array', '[]', 400],
    ['privileged', JSON.stringify({ ...body, HostConfig: { Privileged: true } }), 403],
  ])('refuses %s', (_what, text, status) => {
    expect(createVerdict(text, NODE)).toMatchObject({ status });
  });
});

describe('execVerdict', () => {
  it('lets a command through', () => {
    expect(execVerdict(JSON.stringify({ Cmd: ['sh', '-c', 'true'], User: 'nobody', Env: ['A=1'] }))).toBeUndefined();
  });
  it.each([
    ['a privileged exec', JSON.stringify({ Cmd: ['sh'], Privileged: true }), 403],
    ['no command', JSON.stringify({ Cmd: [] }), 403],
    ['a command that is not strings', JSON.stringify({ Cmd: [1] }), 403],
    ['bad JSON', 'x', 400],
  ])('refuses %s', (_what, text, status) => {
    expect(execVerdict(text)?.status).toBe(status);
  });
});

describe('startsInPlace', () => {
  it.each([
    ['POST', '/containers/web/restart?t=2', true],
    ['POST', '/v1.41/containers/web/restart', true],
    ['post', '/containers/web/start', true],
    ['POST', '/containers/web/kill', false],
    ['POST', '/containers/web/exec', false],
    ['GET', '/containers/web/json', false],
    ['POST', '/containers/create', false],
    ['POST', '/containers/web/restart/x', false],
  ])('%s %s: %s', (method, url, want) => {
    expect(startsInPlace(method, url)).toBe(want);
  });
});

describe('inPlaceVerdict', () => {
  it('lets a task still wanted running be started again in place', () => {
    expect(inPlaceVerdict('web', { id: 't1', desired: 'running' }, NODE)).toBeUndefined();
  });

  it.each([
    ['a container of no task of the node', undefined, 403, /is not a task container of node node1/],
    ['a task being stopped', { id: 't1', desired: 'shutdown' as const }, 409, /task t1, which is being stopped \(desired state shutdown\)/],
    ['a task being removed', { id: 't1', desired: 'remove' as const }, 409, /desired state remove/],
    ['a job\'s task (run to its end, not restarted)', { id: 't1', desired: 'complete' as const }, 409, /desired state complete/],
  ])('refuses %s', (_what, task, status, message) => {
    const r = inPlaceVerdict('web', task, NODE);
    expect(r?.status).toBe(status);
    expect(r?.message).toMatch(message);
  });
});
