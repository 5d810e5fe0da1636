import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { FlotillaError, parseJoinToken, type CertificateRequest, type CertificateResponse } from '@flotilla/contracts';
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

  /** The root CA certificate: public; a joining node checks its digest against its token before trusting it. */
  @Get('ca')
  ca(): { ca: string } {
    return { ca: this.cluster.rootCert() };
  }

  /** A certificate for the caller's own key, for a valid join token (reached over TLS without a client certificate). */
  @Post('certificate')
  @HttpCode(200)
  certificate(@Body() body: Partial<CertificateRequest>): Promise<CertificateResponse> {
    if (typeof body?.token !== 'string' || typeof body.publicKeyPem !== 'string') {
      throw new FlotillaError('invalid_argument', 'certificate: token and publicKeyPem must be strings');
    }
    if (body.nodeId !== undefined && (typeof body.nodeId !== 'string' || !/^[a-z0-9]{1,64}$/.test(body.nodeId))) throw new FlotillaError('invalid_argument', 'certificate: bad nodeId');
    if (body.role !== undefined && body.role !== 'worker' && body.role !== 'manager') throw new FlotillaError('invalid_argument', 'certificate: role must be worker or manager');
    const ips = Array.isArray(body.ips) ? body.ips.filter((x): x is string => typeof x === 'string').slice(0, 8) : [];
    const hostname = typeof body.hostname === 'string' ? body.hostname : undefined;
    return this.cluster.issueCertificate({ token: body.token, publicKeyPem: body.publicKeyPem, nodeId: body.nodeId, role: body.role, ips, hostname });
  }

  @Get('fingerprint')
  fingerprint(): { fingerprint: string } {
    const c = this.store.view().cluster;
    if (!c) throw new FlotillaError('unavailable', 'the cluster is not initialised yet');
    return { fingerprint: parseJoinToken(c.JoinTokens.Worker)!.fingerprint };
  }
}
