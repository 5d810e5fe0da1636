import { describe, expect, it } from 'vitest';
import type { Task, TaskStatus } from '@flotilla/contracts';
import { stateText } from './ps';

const t = (status: Partial<TaskStatus>): Task =>
  ({ Status: { Timestamp: '', Message: '', State: 'running', ...status } }) as Task;

describe("compose ps State column, as docker-compose 1.29 prints it", () => {
  it.each<[string, Partial<TaskStatus>, string]>([
    ['a running container without healthcheck', { State: 'running' }, 'Up'],
    ['a healthy one', { State: 'running', ContainerStatus: { Health: 'healthy' } }, 'Up (healthy)'],
    ['one whose healthcheck has not passed yet', { State: 'starting', ContainerStatus: { Health: 'starting' } }, 'Up (health: starting)'],
    ['one being started', { State: 'starting' }, 'Starting'],
    ['a paused one, healthy or not', { State: 'running', ContainerStatus: { Health: 'healthy', Paused: true } }, 'Paused'],
    ['one unpaused again', { State: 'running', ContainerStatus: { Health: 'healthy', Paused: false } }, 'Up (healthy)'],
    ['an exit 0', { State: 'complete', ContainerStatus: { ExitCode: 0 } }, 'Exit 0'],
    ['an exit 3', { State: 'failed', ContainerStatus: { ExitCode: 3 } }, 'Exit 3'],
  ])('%s', (_n, status, want) => {
    expect(stateText(t(status))).toBe(want);
  });
});
