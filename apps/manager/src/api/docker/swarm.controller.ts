import { Body, Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { FlotillaError, type Cluster } from '@flotilla/contracts';
import { put, type StateStore } from '@flotilla/state';
import { CLOCK, STATE_STORE, type Clock } from '../../tokens';
import { newJoinToken, parseJoinToken } from '@flotilla/contracts';
import { clusterSpecView } from './cluster-view';

/** `/swarm`: the cluster object with its join tokens; `/swarm/update` rotates them and changes settings. */
@Controller('swarm')
export class SwarmController {
  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  inspect() {
    const { NodeKey: _secret, RedisURL: _redis, ...c } = this.cluster();
    return { ...c, Spec: clusterSpecView(c.Spec), TLSInfo: {}, RootRotationInProgress: false, DefaultAddrPool: null, SubnetSize: 24, DataPathPort: 4789 };
  }

  /** Autolock is not supported: there is never a key, and the CLI says so ("no unlock key is set"). */
  @Get('unlockkey')
  unlockKey() {
    this.cluster();
    return { UnlockKey: '' };
  }

  /** A flotilla manager always serves a swarm: init says so in Docker's words (503, as dockerd answers). */
  @Post('init')
  init(): never {
    this.cluster();
    throw new FlotillaError('unavailable', 'This node is already part of a swarm. Use "docker swarm leave" to leave this swarm and join another one.');
  }

  /** Leaving ends the manager process's cluster, which only flotilla's own CLI does (it stops the processes). */
  @Post('leave')
  leave(): never {
    throw new FlotillaError('invalid_argument', 'flotilla: leave the swarm with `flotilla swarm leave --force` on this host; the Docker API cannot stop the manager serving it');
  }

  @Post('update')
  @HttpCode(200)
  async update(
    @Query('version') version: string,
    @Query('rotateWorkerToken') rotateWorker: string | undefined,
    @Query('rotateManagerToken') rotateManager: string | undefined,
    @Body() spec: Cluster['Spec'],
  ): Promise<void> {
    const c = this.cluster();
    if (!spec || typeof spec !== 'object') throw new FlotillaError('invalid_argument', 'unexpected EOF');
    const limit = spec.Orchestration?.TaskHistoryRetentionLimit;
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
      throw new FlotillaError('invalid_argument', 'task history retention limit must be a non-negative integer');
    }
    const fp = parseJoinToken(c.JoinTokens.Worker)!.fingerprint;
    // Rotation replaces the secret only: nodes that already joined are not affected.
    const tokens = {
      Worker: rotateWorker === 'true' ? newJoinToken(fp) : c.JoinTokens.Worker,
      Manager: rotateManager === 'true' ? newJoinToken(fp) : c.JoinTokens.Manager,
    };
    const next: Cluster = {
      ...c,
      UpdatedAt: new Date(this.clock.now()).toISOString(),
      Spec: {
        ...c.Spec,
        ...(spec.Labels ? { Labels: spec.Labels } : {}),
        Orchestration: { TaskHistoryRetentionLimit: limit ?? c.Spec.Orchestration.TaskHistoryRetentionLimit },
      },
      JoinTokens: tokens,
    };
    await this.store.propose({ ops: [put('cluster', next, Number(version))] });
  }

  private cluster(): Cluster {
    const c = this.store.view().cluster;
    if (!c) throw new FlotillaError('unavailable', 'This node is not a swarm manager.');
    return c;
  }
}
