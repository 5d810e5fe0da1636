import { describe, expect, it } from 'vitest';
import type { AssignmentSet, Task, TaskReport } from '@flotilla/contracts';
import { publishingTasks, withPublished } from './published-tasks';

const task = (ID: string, ServiceID: string) => ({ ID, ServiceID }) as unknown as Task;
const set = (endpoints: AssignmentSet['endpoints']) => ({ tasks: [task('t1', 'web'), task('t2', 'web'), task('t3', 'db')], endpoints });

describe('publishingTasks', () => {
  it.each<[string, AssignmentSet['endpoints'], string[]]>([
    ['a service with an ingress port: its tasks', [{ serviceId: 'web', serviceName: 'p_web', ports: [{ TargetPort: 80, PublishedPort: 8080, Protocol: 'tcp' }] }], ['t1', 't2']],
    ['a port only exposed (no published port): none', [{ serviceId: 'web', serviceName: 'p_web', ports: [{ TargetPort: 80, Protocol: 'tcp' }] }], []],
    ['no endpoints: none', [], []],
  ])('%s', (_name, endpoints, want) => {
    expect([...publishingTasks(set(endpoints))].sort()).toEqual(want);
  });
});

describe('withPublished', () => {
  const running: TaskReport = { taskId: 't1', state: 'running', message: 'started' };
  it('stamps a running report of a publishing task with the addresses bound', () => {
    expect(withPublished(running, new Set(['t1']), ['0.0.0.0'])).toEqual({ ...running, published: ['0.0.0.0'] });
    expect(withPublished(running, new Set(['t1']), ['0.0.0.0', '::']).published).toEqual(['0.0.0.0', '::']);
  });
  it('leaves other tasks and other states as they are', () => {
    expect(withPublished(running, new Set(['t2']), ['0.0.0.0'])).toBe(running);
    const starting: TaskReport = { ...running, state: 'starting' };
    expect(withPublished(starting, new Set(['t1']), ['0.0.0.0'])).toBe(starting);
  });
});
