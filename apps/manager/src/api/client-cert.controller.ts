import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { FlotillaError } from '@flotilla/contracts';
import { issueClientCertificate } from '@flotilla/pki';
import type { StateStore } from '@flotilla/state';
import { CLOCK, STATE_STORE, type Clock } from '../tokens';
import { FORWARDED_HEADER } from '../cluster/manager-auth';
import { isLoopback } from './remote-access.middleware';

export interface ClientCertResponse {
  ca: string;
  certificate: string;
}

/**
 * `flotilla swarm client-cert`: a certificate for a user's own key (made by the CLI, never sent),
 * signed with the cluster's root. Only this host may ask (the local socket's equivalent, as
 * `docker swarm ca` on a manager): a certificate must not mint more. Answered by any manager
 * (each holds the root in its replica), so it is never passed on to the leader.
 */
@Controller('flotilla/v1/client-cert')
export class ClientCertController {
  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(200)
  async issue(@Req() req: Request, @Body() body: { publicKeyPem?: unknown; name?: unknown }): Promise<ClientCertResponse> {
    if (!isLoopback(req.socket.remoteAddress) || req.headers[FORWARDED_HEADER] !== undefined) {
      throw new FlotillaError('unauthorized', 'client certificates are issued to this host only: run `flotilla swarm client-cert` on a manager');
    }
    if (typeof body?.publicKeyPem !== 'string') throw new FlotillaError('invalid_argument', 'client-cert: publicKeyPem must be a string');
    if (body.name !== undefined && typeof body.name !== 'string') throw new FlotillaError('invalid_argument', 'client-cert: name must be a string');
    const c = this.store.view().cluster;
    if (!c?.TLSInfo || !c.CAKey) throw new FlotillaError('unavailable', 'the cluster has no CA yet');
    const certificate = await issueClientCertificate(
      { certPem: c.TLSInfo.TrustRoot, keyPem: c.CAKey },
      { publicKeyPem: body.publicKeyPem, name: body.name ?? 'client', clusterId: c.ID },
      this.clock.now(),
    );
    return { ca: c.TLSInfo.TrustRoot, certificate };
  }
}
