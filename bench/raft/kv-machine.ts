import { SessionTable } from '@flotilla/raft';
import type { StateMachine } from '../../libs/raft/src/host';

/**
 * The benchmark's and multi-process test's state machine: put/append on
 * string keys, at-most-once per (client, seq) through the session table.
 * Command text: `op|client|seq|key|value` (value may contain '|').
 */
export class BenchKv implements StateMachine {
  data = new Map<string, string>();
  private sessions = new SessionTable<number>();

  apply(index: number, raw: Uint8Array | string): unknown {
    const s = typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8');
    const [op, client, seqS, key] = s.split('|', 4);
    const value = s.slice(op.length + client.length + seqS.length + key.length + 4);
    const seq = Number(seqS);
    if (this.sessions.seen(client, seq)) return index;
    this.data.set(key, op === 'put' ? value : (this.data.get(key) ?? '') + value);
    this.sessions.record(client, seq, index);
    return index;
  }

  snapshot(): Uint8Array {
    return Buffer.from(JSON.stringify({ d: [...this.data], s: this.sessions.toJSON() }));
  }

  restore(b: Uint8Array): void {
    if (b.byteLength === 0) return;
    const o = JSON.parse(Buffer.from(b).toString('utf8')) as { d: [string, string][]; s: [string, { seq: number; result: number }][] };
    this.data = new Map(o.d);
    this.sessions = SessionTable.fromJSON(o.s);
  }
}
