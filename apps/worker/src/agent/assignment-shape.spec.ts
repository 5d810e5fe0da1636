import { describe, expect, it } from 'vitest';
import type { AssignmentSet, Task } from '@flotilla/contracts';
import { assignmentShape } from './assignment-shape';

const task = (id: string, opts: { nets?: string[]; secrets?: boolean; configs?: boolean; desired?: string } = {}) =>
  ({
    ID: id,
    DesiredState: opts.desired ?? 'running',
    Spec: {
      ContainerSpec: {
        Image: 'img',
        ...(opts.secrets ? { Secrets: [{ SecretID: 's', SecretName: 's' }] } : {}),
        ...(opts.configs ? { Configs: [{ ConfigID: 'c', ConfigName: 'c' }] } : {}),
      },
      ...(opts.nets ? { Networks: opts.nets.map((Target) => ({ Target })) } : {}),
    },
  }) as unknown as Task;

const set = (tasks: Task[], extra: Partial<AssignmentSet> = {}): AssignmentSet => ({ nodeId: 'n', index: 1, tasks, networks: [], volumes: [], endpoints: [], ...extra });

describe('assignmentShape', () => {
  it.each([
    ['plain tasks come (a scale up)', [task('a')], [task('a'), task('b'), task('c')]],
    ['plain tasks go (a scale down)', [task('a'), task('b')], [task('a')]],
    ['a plain task is being removed', [task('a')], [task('a', { desired: 'remove' })]],
    ['a second task joins a network already used', [task('a', { nets: ['n1'] })], [task('a', { nets: ['n1'] }), task('b', { nets: ['n1'] })]],
    ['the index moves', [task('a')], [task('a')]],
  ])('is unchanged when %s', (_, before, after) => {
    expect(assignmentShape(set(after, { index: 9 }))).toBe(assignmentShape(set(before)));
  });

  it.each([
    ['the first task on a network comes', [task('a')], [task('a'), task('b', { nets: ['n1'] })]],
    ['the last task on a network is being removed', [task('a', { nets: ['n1'] })], [task('a', { nets: ['n1'], desired: 'remove' })]],
    ['a task with a secret goes', [task('a', { secrets: true })], []],
    ['a task with a config comes', [], [task('a', { configs: true })]],
    ['a task with a secret is replaced by another', [task('a', { secrets: true })], [task('b', { secrets: true })]],
  ])('changes when %s', (_, before, after) => {
    expect(assignmentShape(set(after))).not.toBe(assignmentShape(set(before)));
  });

  it.each([
    ['networks', { networks: [{ ID: 'n1' }] }],
    ['volumes', { volumes: [{ ID: 'v1' }] }],
    ['mesh ports', { mesh: [{ publishedPort: 80, remotes: [] }] }],
    ['overlay peers', { overlay: [{ networkId: 'n1', peers: [] }] }],
  ])("changes with the set's %s", (_, extra) => {
    expect(assignmentShape(set([task('a')], extra as Partial<AssignmentSet>))).not.toBe(assignmentShape(set([task('a')])));
  });

  it('does not depend on the order of tasks', () => {
    const a = task('a', { nets: ['n1'], secrets: true });
    const b = task('b', { nets: ['n2'], configs: true });
    expect(assignmentShape(set([a, b]))).toBe(assignmentShape(set([b, a])));
  });
});
