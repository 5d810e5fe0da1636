import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Task } from '@flotilla/contracts';
import type { StateStore } from '@flotilla/state';
import { STATE_STORE } from '../tokens';
import { LogsService } from '../api/logs.service';

/** Lines of each task a page gets when it starts following it. */
export const TAIL_LINES = 50;

export interface ConsoleLogLine {
  taskId: string;
  task: string;
  node: string;
  stream: 'stdout' | 'stderr';
  line: string;
}

/** The tasks whose containers exist and should run: the ones a live tail follows. */
export function followable(tasks: readonly Task[]): Task[] {
  return tasks.filter((t) => t.DesiredState === 'running' && t.NodeID && t.Status.ContainerStatus?.ContainerID);
}

/**
 * A live tail of a service's logs for the console, through the same path as
 * `docker service logs -f` (LogsService: each node over Redis). Tasks that
 * start later (a scale up, a replacement) are followed as they appear.
 */
@Injectable()
export class ConsoleLogsService {
  private readonly log = new Logger(ConsoleLogsService.name);

  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    private readonly logs: LogsService,
  ) {}

  has(serviceId: string): boolean {
    return this.store.view().services.has(serviceId);
  }

  follow(serviceId: string, onLine: (l: ConsoleLogLine) => void): () => void {
    const followed = new Set<string>();
    const cancels: (() => void)[] = [];
    let stopped = false;
    const catchUp = () => {
      if (stopped) return;
      const view = this.store.view();
      const fresh = followable(view.tasksOfService(serviceId)).filter((t) => !followed.has(t.ID));
      if (fresh.length === 0) return;
      for (const t of fresh) followed.add(t.ID);
      const names = new Map(fresh.map((t) => [t.ID, { task: `${view.services.get(serviceId)?.Spec.Name ?? t.ServiceName}.${t.Slot || t.NodeID}`, node: view.nodes.get(t.NodeID!)?.Description.Hostname ?? t.NodeID! }]));
      this.logs
        .stream(fresh, { follow: true, tail: TAIL_LINES, timestamps: false }, (f) => {
          if (f.t === 'error') return void this.log.warn({ msg: 'console log stream', err: f.message });
          if (f.t !== 'line') return;
          const n = names.get(f.taskId);
          if (n) onLine({ taskId: f.taskId, ...n, stream: f.stream, line: f.line });
        })
        .then(({ cancel }) => (stopped ? cancel() : cancels.push(cancel)))
        .catch((e: Error) => this.log.warn({ msg: 'console log stream failed', err: e.message }));
    };
    const unwatch = this.store.watch(catchUp);
    catchUp();
    return () => {
      stopped = true;
      unwatch();
      for (const c of cancels) c();
    };
  }
}
