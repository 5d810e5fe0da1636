/**
 * At-most-once application of client commands (thesis §6.3): each client
 * numbers its commands; the state machine remembers the last sequence applied
 * per client and its result, so a retry of a command that did commit is
 * answered from the table instead of being applied twice. Deterministic and
 * part of the state machine's snapshot.
 */
export interface SessionRecord<R> {
  readonly seq: number;
  readonly result: R;
}

export class SessionTable<R> {
  private readonly last = new Map<string, SessionRecord<R>>();

  /** The cached outcome when (client, seq) was already applied; undefined when it must be applied. */
  seen(client: string, seq: number): { result: R | undefined } | undefined {
    const r = this.last.get(client);
    if (!r || seq > r.seq) return undefined;
    // An older seq than the last: the client already moved on; its result is gone.
    return { result: seq === r.seq ? r.result : undefined };
  }

  record(client: string, seq: number, result: R): void {
    this.last.set(client, { seq, result });
  }

  size(): number {
    return this.last.size;
  }

  toJSON(): [string, SessionRecord<R>][] {
    return [...this.last.entries()];
  }

  static fromJSON<R>(rows: [string, SessionRecord<R>][]): SessionTable<R> {
    const t = new SessionTable<R>();
    for (const [k, v] of rows) t.last.set(k, v);
    return t;
  }
}
