import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { StateStore } from '@flotilla/state';
import { STATE_STORE } from '../tokens';
import { AssignmentLog } from './assignment-log';

/** This manager's AssignmentLog, fed every change it applies (leader or not: any manager serves nodes). */
@Injectable()
export class AssignmentLogService implements OnModuleDestroy {
  readonly log: AssignmentLog;
  private readonly unwatch: () => void;

  constructor(@Inject(STATE_STORE) store: StateStore) {
    // From the index this manager holds now: a node that fetched from another manager before that gets its full set.
    this.log = new AssignmentLog(store.view().index);
    this.unwatch = store.watch((e) => {
      this.log.observe(e);
      for (const c of e.changes) if (c.kind === 'node' && !c.after) this.log.forget(c.id);
    });
  }

  onModuleDestroy() {
    this.unwatch();
  }
}
