import { nodeSecret } from '@flotilla/contracts';

/** More entries than any cluster has nodes: past it the memo starts again (removed nodes do not pile up). */
const MAX_ENTRIES = 100_000;

/**
 * Node secrets, each derived once per node key: every node call is authenticated, and an HMAC per
 * call was ~2 % of a busy leader's CPU. A new node key (rotation) forgets them all.
 */
export class NodeSecrets {
  private key: string | undefined;
  private readonly secrets = new Map<string, string>();

  constructor(private readonly derive: (key: string, nodeId: string) => string = nodeSecret) {}

  of(key: string, nodeId: string): string {
    if (key !== this.key || this.secrets.size >= MAX_ENTRIES) {
      this.secrets.clear();
      this.key = key;
    }
    let s = this.secrets.get(nodeId);
    if (s === undefined) this.secrets.set(nodeId, (s = this.derive(key, nodeId)));
    return s;
  }
}
