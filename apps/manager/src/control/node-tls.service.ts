import { Inject, Injectable, Logger } from '@nestjs/common';
import type { HeartbeatRequest, HeartbeatResponse, NodeTLSInfo } from '@flotilla/contracts';
import { put, type StateStore } from '@flotilla/state';
import { tlsInfoTag } from '@flotilla/pki';
import { STATE_STORE } from '../tokens';
import { nodeHints } from '../cluster/root-rotation-plan';

/** A PEM bundle of two roots is ~1.3 kB: anything far larger is not a node's TLS state. */
const MAX_FIELD = 16_384;

/** Pure: the TLS state a heartbeat carries, if it is well-formed. */
export function reportedTls(body: HeartbeatRequest | undefined): NodeTLSInfo | undefined {
  const t = body?.tls;
  if (!t || typeof t !== 'object') return undefined;
  const ok = (v: unknown) => typeof v === 'string' && v.length <= MAX_FIELD;
  return ok(t.TrustRoot) && ok(t.CertIssuerSubject) && ok(t.CertIssuerPublicKey)
    ? { TrustRoot: t.TrustRoot, CertIssuerSubject: t.CertIssuerSubject, CertIssuerPublicKey: t.CertIssuerPublicKey }
    : undefined;
}

/**
 * Nodes' TLS state (Node.Description.TLSInfo) from their heartbeats: a node sends the tag of its
 * state each beat and the state itself only when the cluster holds another, so the store is written
 * once per change. The answer carries what a root rotation asks of the node (root-rotation-plan).
 */
@Injectable()
export class NodeTlsService {
  private readonly log = new Logger(NodeTlsService.name);
  /** Nodes whose new state is being proposed: one proposal at a time per node. */
  private readonly writing = new Set<string>();

  constructor(@Inject(STATE_STORE) private readonly store: StateStore) {}

  heard(nodeId: string, body: HeartbeatRequest | undefined): Omit<HeartbeatResponse, 'heartbeatPeriodMs'> {
    const view = this.store.view();
    const c = view.cluster;
    const node = view.nodes.get(nodeId);
    if (!c || !node) return {};
    const held = node.Description.TLSInfo;
    const tag = tlsInfoTag(held);
    const sent = reportedTls(body);
    if (sent && tlsInfoTag(sent) !== tag) void this.record(nodeId, sent);
    // Hints only from a state known to be the node's now: the one it sent, or the held one it agrees with.
    const current = sent ?? (body?.tlsTag === tag ? held : undefined);
    return { tlsTag: tag, ...nodeHints(c, current) };
  }

  private async record(nodeId: string, tls: NodeTLSInfo): Promise<void> {
    if (this.writing.has(nodeId) || !this.store.isWritable()) return;
    this.writing.add(nodeId);
    try {
      const node = this.store.view().nodes.get(nodeId);
      if (!node) return;
      await this.store.propose({ ops: [put('node', { ...node, Description: { ...node.Description, TLSInfo: tls } }, node.Version.Index)] });
    } catch (e) {
      // The node sends it again with its next beat (the tag it is answered still differs).
      this.log.debug({ msg: 'node TLS state not recorded', nodeId, err: (e as Error).message });
    } finally {
      this.writing.delete(nodeId);
    }
  }
}
