import { describe, expect, it } from 'vitest';
import type { LogFrame, Task } from '@flotilla/contracts';
import type { ChangeEvent, StateStore, StateView } from '@flotilla/state';
import type { LogsService } from '../api/logs.service';
import { ConsoleLogsService, followable, type ConsoleLogLine } from './console-logs.service';
import { node, rep, service, task, viewOf } from './test-fixtures';

class FakeStore {
  current: StateView = viewOf([], []);
  private readonly listeners = new Set<(e: ChangeEvent) => void>();
  view = () => this.current;
  watch = (l: (e: ChangeEvent) => void) => (this.listeners.add(l), () => this.listeners.delete(l));
  apply(v: StateView) {
    this.current = v;
    for (const l of this.listeners) l({ index: v.index, changes: [] });
  }
}

/** Records each stream asked for; the test sends frames through it. */
class FakeLogs {
  streams: { taskIds: string[]; onFrame: (f: LogFrame) => void; cancelled: boolean }[] = [];
  stream = async (tasks: Task[], _opts: unknown, onFrame: (f: LogFrame) => void) => {
    const s = { taskIds: tasks.map((t) => t.ID), onFrame, cancelled: false };
    this.streams.push(s);
    return { done: new Promise<void>(() => undefined), cancel: () => (s.cancelled = true) };
  };
}

const web = service('web', rep(3));
const withContainer = (t: Task): Task => ({ ...t, Status: { ...t.Status, ContainerStatus: { ContainerID: `c-${t.ID}` } } });
const tick = () => new Promise((r) => setImmediate(r));

describe('ConsoleLogsService', () => {
  it('follows only tasks that should run and have a container', () => {
    const ok = withContainer(task(web, 1, 'running'));
    const noContainer = task(web, 2, 'pending');
    const stopping = withContainer(task(web, 3, 'running', 'shutdown'));
    expect(followable([ok, noContainer, stopping]).map((t) => t.ID)).toEqual([ok.ID]);
  });

  it('streams the running tasks, then each task that appears later (a scale up), each once; stops them all', async () => {
    const store = new FakeStore();
    const logs = new FakeLogs();
    const nodes = new Map([['n1', node('n1', 'host1')]]);
    const first = [1, 2].map((i) => withContainer(task(web, i, 'running')));
    store.apply(viewOf([web], first, { nodes }));
    const lines: ConsoleLogLine[] = [];
    const stop = new ConsoleLogsService(store as unknown as StateStore, logs as unknown as LogsService).follow('web', (l) => lines.push(l));
    await tick();
    expect(logs.streams.map((s) => s.taskIds)).toEqual([first.map((t) => t.ID)]);

    const third = withContainer(task(web, 3, 'running'));
    store.apply(viewOf([web], [...first, third], { nodes }));
    store.apply(viewOf([web], [...first, third], { nodes }));
    await tick();
    expect(logs.streams.map((s) => s.taskIds)).toEqual([first.map((t) => t.ID), [third.ID]]);

    logs.streams[1].onFrame({ t: 'line', taskId: third.ID, stream: 'stdout', line: 'tick' });
    expect(lines).toEqual([{ taskId: third.ID, task: 'web.3', node: 'host1', stream: 'stdout', line: 'tick' }]);

    stop();
    expect(logs.streams.every((s) => s.cancelled)).toBe(true);
    store.apply(viewOf([web], [...first, third, withContainer(task(web, 4, 'running'))], { nodes }));
    await tick();
    expect(logs.streams).toHaveLength(2);
  });
});
