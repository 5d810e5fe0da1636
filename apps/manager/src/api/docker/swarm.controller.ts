import { Body, Controller, Get, HttpCode, Inject, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { FlotillaError, type Cluster } from '@flotilla/contracts';
import { put, type StateStore } from '@flotilla/state';
import { CLOCK, MANAGER_CONFIG, STATE_STORE, type Clock } from '../../tokens';
import type { ManagerConfig } from '../../config';
import { markLeaving } from '../../boot/leaving';
import { countManagers, leaveRefusal, newJoinToken, parseJoinToken } from '@flotilla/contracts';
import { clusterSpecView } from './cluster-view';
import { autolockChange } from './autolock-update';
import { minCertExpiryMs, nodeCertExpiry } from './cert-expiry';
import { clusterSpecSchema, parseBody } from '../schemas';
import { createRootCA, rotationRequested } from '@flotilla/pki';
import { clusterTlsInfo, startRotation } from '../../cluster/root-rotation-plan';

/** `/swarm`: the cluster object with its join tokens; `/swarm/update` rotates them and changes settings. */
@Controller('swarm')
export class SwarmController {
  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(MANAGER_CONFIG) private readonly config: ManagerConfig,
  ) {}

  @Get()
  inspect() {
    const full = this.cluster();
    const { NodeKey: _secret, RedisURL: _redis, UnlockKey: _unlock, CAKey: _caKey, RemovedNodes: _removed, RootRotation: rotation, ...c } = full;
    return { ...c, Spec: clusterSpecView(c.Spec), TLSInfo: clusterTlsInfo(full), RootRotationInProgress: !!rotation, DefaultAddrPool: null, SubnetSize: 24, DataPathPort: 4789 };
  }

  /** The cluster's unlock key; empty with autolock off (the CLI then says "no unlock key is set"). */
  @Get('unlockkey')
  unlockKey() {
    return { UnlockKey: this.cluster().UnlockKey ?? '' };
  }

  /** Only a locked manager (boot/unlock.ts) takes a key; this one is serving, as dockerd's "not locked" conflict. */
  @Post('unlock')
  unlock(): never {
    this.cluster();
    throw new FlotillaError('conflict', 'swarm is not locked');
  }

  /** A flotilla manager always serves a swarm: init says so in Docker's words (503, as dockerd answers). */
  @Post('init')
  init(): never {
    this.cluster();
    throw new FlotillaError('unavailable', 'This node is already part of a swarm. Use "docker swarm leave" to leave this swarm and join another one.');
  }

  /**
   * `docker swarm leave [--force]` against this manager: without force, Docker's
   * refusal (503, as dockerd); with it, the answer goes out, then this process
   * stops and its node leaves as `flotilla swarm leave --force` does.
   */
  @Post('leave')
  @HttpCode(200)
  leave(@Query('force') force: string | undefined, @Res({ passthrough: true }) res: Response): void {
    this.cluster();
    if (force !== 'true' && force !== '1') throw new FlotillaError('unavailable', leaveRefusal(countManagers(this.store.view().nodes.values())));
    markLeaving(this.config.dataDir);
    res.on('finish', () => process.kill(process.pid, 'SIGTERM'));
  }

  @Post('update')
  @HttpCode(200)
  async update(
    @Query('version') version: string,
    @Query('rotateWorkerToken') rotateWorker: string | undefined,
    @Query('rotateManagerToken') rotateManager: string | undefined,
    @Query('rotateManagerUnlockKey') rotateUnlock: string | undefined,
    @Body() spec: Cluster['Spec'],
  ): Promise<void> {
    const c = this.cluster();
    if (!spec || typeof spec !== 'object') throw new FlotillaError('invalid_argument', 'unexpected EOF');
    parseBody(clusterSpecSchema, spec);
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
    const lock = autolockChange(c, spec.EncryptionConfig?.AutoLockManagers, rotateUnlock === 'true');
    const certExpiry = nodeCertExpiry(spec.CAConfig?.NodeCertExpiry, minCertExpiryMs());
    const forceRotate = spec.CAConfig?.ForceRotate ?? undefined;
    const rotate = rotationRequested(c.Spec.CAConfig?.ForceRotate, forceRotate);
    if (rotate && c.RootRotation) {
      // swarmkit would replace the running rotation; nodes already holding the first new root's certificates would then be cut off here.
      throw new FlotillaError('conflict', 'a root CA rotation is already in progress: wait for it to finish (docker swarm ca shows its progress)');
    }
    // The new root is made here, once, and travels in the proposal: every manager holds the same one.
    const rotating = rotate ? startRotation(c, forceRotate!, await createRootCA(this.clock.now())) : c;
    const { UnlockKey: _old, ...rest } = rotating;
    const next: Cluster = {
      ...rest,
      ...(lock.UnlockKey ? { UnlockKey: lock.UnlockKey } : {}),
      UpdatedAt: new Date(this.clock.now()).toISOString(),
      Spec: {
        ...c.Spec,
        ...(spec.Labels ? { Labels: spec.Labels } : {}),
        Orchestration: { TaskHistoryRetentionLimit: limit ?? c.Spec.Orchestration.TaskHistoryRetentionLimit },
        EncryptionConfig: { AutoLockManagers: lock.AutoLockManagers },
        ...(certExpiry !== undefined || c.Spec.CAConfig || rotate
          ? { CAConfig: { NodeCertExpiry: certExpiry ?? c.Spec.CAConfig?.NodeCertExpiry, ...(rotate || c.Spec.CAConfig?.ForceRotate ? { ForceRotate: rotate ? forceRotate : c.Spec.CAConfig?.ForceRotate } : {}) } }
          : {}),
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
