import { SessionTable } from '../core/dedup';

/** A client command as it travels in a log entry. */
export interface KvCommand {
  readonly client: string;
  readonly seq: number;
  readonly op: 'put' | 'append';
  readonly key: string;
  readonly value: string;
}

/**
 * The simulator's state machine: string keys and values, `put` and `append`
 * (append makes a lost or doubled write visible to the checker), with the
 * session table that makes client retries at-most-once.
 */
export class KvStateMachine {
  private data = new Map<string, string>();
  private sessions = new SessionTable<string>();
  appliedIndex = 0;

  apply(index: number, cmd: KvCommand): void {
    this.appliedIndex = index;
    if (this.sessions.seen(cmd.client, cmd.seq)) return;
    const prev = this.data.get(cmd.key) ?? '';
    this.data.set(cmd.key, cmd.op === 'put' ? cmd.value : prev + cmd.value);
    this.sessions.record(cmd.client, cmd.seq, '');
  }

  /** Called for no-ops and conf entries so appliedIndex tracks the log. */
  skip(index: number): void {
    this.appliedIndex = index;
  }

  get(key: string): string {
    return this.data.get(key) ?? '';
  }

  snapshot(): Uint8Array {
    return new TextEncoder().encode(
      JSON.stringify({ data: [...this.data.entries()], sessions: this.sessions.toJSON(), index: this.appliedIndex }),
    );
  }

  restore(image: Uint8Array): void {
    if (image.byteLength === 0) {
      this.data = new Map();
      this.sessions = new SessionTable();
      return;
    }
    const o = JSON.parse(new TextDecoder().decode(image)) as {
      data: [string, string][];
      sessions: [string, { seq: number; result: string }][];
      index: number;
    };
    this.data = new Map(o.data);
    this.sessions = SessionTable.fromJSON(o.sessions);
    this.appliedIndex = o.index;
  }
}

export function encodeKv(c: KvCommand): string {
  return JSON.stringify(c);
}

export function decodeKv(data: Uint8Array | string): KvCommand | null {
  const s = typeof data === 'string' ? data : new TextDecoder().decode(data);
  if (s === '') return null;
  return JSON.parse(s) as KvCommand;
}
