import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { FlotillaError, parseJoinToken } from '@flotilla/contracts';
import type { StateStore } from '@flotilla/state';
import { STATE_STORE } from '../tokens';
import { ClusterService } from '../cluster/cluster.service';
import { parseBody, tokenRoleSchema } from './schemas';

/** Public facts a joining node checks before it presents its token. */
@Controller('flotilla/v1/cluster')
export class ClusterController {
  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    private readonly cluster: ClusterService,
  ) {}

  /** Which role a join token grants (checked in constant time), so `swarm join` knows what to start. */
  @Post('token-role')
  @HttpCode(200)
  tokenRole(@Body() body: { token?: unknown }): { role: 'worker' | 'manager' } {
    const { token } = parseBody(tokenRoleSchema, body, 'token-role');
    return { role: this.cluster.roleForToken(token) };
  }

  @Get('fingerprint')
  fingerprint(): { fingerprint: string } {
    const c = this.store.view().cluster;
    if (!c) throw new FlotillaError('unavailable', 'the cluster is not initialised yet');
    return { fingerprint: parseJoinToken(c.JoinTokens.Worker)!.fingerprint };
  }
}
