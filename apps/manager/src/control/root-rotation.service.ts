import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { newJoinToken } from '@flotilla/contracts';
import { put, type StateStore } from '@flotilla/state';
import { STATE_STORE } from '../tokens';
import { afterStep, nextStep } from '../cluster/root-rotation-plan';

/** How often the leader looks at a running rotation (nodes report with their heartbeats). */
const TICK_MS = 500;

/**
 * The leader's side of `docker swarm ca --rotate`: while the cluster holds a rotation, it advances
 * its phase from what the nodes recorded of themselves (libs/pki's rotationStep), in one proposal
 * per step against the cluster's version, so two leaders in turn cannot both apply one.
 */
@Injectable()
export class RootRotationService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger(RootRotationService.name);
  private timer?: NodeJS.Timeout;
  private busy = false;
  private waitingOn = '';

  constructor(@Inject(STATE_STORE) private readonly store: StateStore) {}

  onModuleInit() {
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
  }

  onModuleDestroy() {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.busy || !this.store.isWritable()) return;
    const view = this.store.view();
    const c = view.cluster;
    if (!c?.RootRotation) return;
    const step = nextStep(c, view.nodes.values());
    if (!step) return;
    if (step.kind === 'wait') {
      const what = `${step.phase}:${step.pending.join(',')}`;
      if (what !== this.waitingOn) this.log.log({ msg: 'root rotation waiting for nodes', phase: step.phase, pending: step.pending });
      this.waitingOn = what;
      return;
    }
    const next = afterStep(c, step, (digest) => ({ Worker: newJoinToken(digest), Manager: newJoinToken(digest) }));
    if (!next) return;
    this.busy = true;
    try {
      await this.store.propose({ ops: [put('cluster', next, c.Version.Index)] });
      this.log.log({ msg: step.kind === 'finish' ? 'root rotation finished: the new root is the only one' : 'root rotation: certificates now come from the new root', step: step.kind });
    } catch (e) {
      this.log.warn({ msg: 'root rotation step not applied; trying again', err: (e as Error).message });
    } finally {
      this.busy = false;
    }
  }
}
