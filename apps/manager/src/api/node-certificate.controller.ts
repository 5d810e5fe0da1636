import { Body, Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { FlotillaError, type CertificateResponse } from '@flotilla/contracts';
import type { StateStore } from '@flotilla/state';
import { MEMBERSHIP, STATE_STORE, type Membership } from '../tokens';
import { ClusterService } from '../cluster/cluster.service';
import { peerOf } from '../tls/peer-access.middleware';

/**
 * A node renews its certificate before it expires (at its renewal time), over its mutual-TLS
 * connection: the certificate it shows names it, so no token is needed. The role is the store's
 * (a demoted manager gets a worker's certificate). Any manager answers: each holds the root.
 */
@Controller('flotilla/v1/nodes/:id/certificate')
export class NodeCertificateController {
  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @Inject(MEMBERSHIP) private readonly membership: Membership,
    private readonly cluster: ClusterService,
  ) {}

  @Post()
  @HttpCode(200)
  async renew(@Param('id') id: string, @Req() req: Request, @Body() body: { publicKeyPem?: unknown; ips?: unknown; hostname?: unknown }): Promise<CertificateResponse> {
    const peer = peerOf(req.socket);
    // peer-access already refused other CAs, removed nodes and client certificates on this path.
    if (!peer.tls || !peer.identity || peer.identity.nodeId !== id) {
      throw new FlotillaError('unauthorized', `node ${id} renews its certificate over mutual TLS with its own current certificate`);
    }
    if (typeof body?.publicKeyPem !== 'string') throw new FlotillaError('invalid_argument', 'certificate renewal: publicKeyPem must be a string');
    const node = this.store.view().nodes.get(id);
    if (!node) throw new FlotillaError('not_found', `node ${id} is not part of the swarm`);
    const role = this.membership.isMember(id) || node.Spec.Role === 'manager' ? 'manager' : 'worker';
    const ips = Array.isArray(body.ips) ? body.ips.filter((x): x is string => typeof x === 'string').slice(0, 8) : [];
    const hostname = typeof body.hostname === 'string' ? body.hostname : undefined;
    const certificate = await this.cluster.sign(body.publicKeyPem, id, role, { ips, dns: hostname ? [hostname] : [] });
    return { nodeId: id, ca: this.cluster.caCert(), certificate };
  }
}
