import { describe, expect, it } from 'vitest';
import { RELAY_ONEOFF_LABEL } from '@flotilla/contracts';
import { containerVerdict, createVerdict, execVerdict } from './relay-policy';

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
