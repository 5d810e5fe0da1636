import { Controller, Get, Inject } from '@nestjs/common';
import { FlotillaError, parseJoinToken } from '@flotilla/contracts';
import type { StateStore } from '@flotilla/state';
import { STATE_STORE } from '../tokens';

/** Public facts a joining node checks before it presents its token. */
@Controller('flotilla/v1/cluster')
export class ClusterController {
  constructor(@Inject(STATE_STORE) private readonly store: StateStore) {}

  @Get('fingerprint')
  fingerprint(): { fingerprint: string } {
    const c = this.store.view().cluster;
    if (!c) throw new FlotillaError('unavailable', 'the cluster is not initialised yet');
    return { fingerprint: parseJoinToken(c.JoinTokens.Worker)!.fingerprint };
  }
}
