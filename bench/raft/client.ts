import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { FrameDecoder, frame, splitAddr } from '../../libs/raft/src/host';

export interface Resp {
  id: number;
  ok: boolean;
  err?: string;
  leader?: string | null;
  index?: number;
  value?: string;
  role?: string;
}

interface Pending {
  resolve(r: Resp): void;
  timer: NodeJS.Timeout;
}

/**
 * A lean client for the multi-process test and the benchmark: one connection
 * per member, many requests in flight on each, JSON frames. `call` retries on
 * another member after a refusal, a timeout or a dead connection, with the
 * same (client, seq) so the state machine applies a write at most once.
 */
export class ClusterClient {
  private readonly conns = new Map<string, { sock: Socket | null; pending: Map<number, Pending> }>();
  private nextId = 1;
  leader: string | null = null;

  constructor(
    private readonly members: Readonly<Record<string, string>>,
    private readonly timeoutMs = 1000,
  ) {}

  private conn(id: string): { sock: Socket | null; pending: Map<number, Pending> } {
    let c = this.conns.get(id);
    if (c && c.sock && !c.sock.destroyed) return c;
    const pending = c?.pending ?? new Map<number, Pending>();
    const [host, port] = splitAddr(this.members[id]);
    const sock = connect({ host, port });
    sock.setNoDelay(true);
    const dec = new FrameDecoder(64 << 20);
    sock.on('data', (chunk: Buffer) =>
      dec.push(chunk, (b) => {
        const r = JSON.parse(b.toString('utf8')) as Resp;
        const p = pending.get(r.id);
        if (p) {
          pending.delete(r.id);
          clearTimeout(p.timer);
          p.resolve(r);
        }
      }),
    );
    const fail = (): void => {
      for (const [rid, p] of pending) {
        clearTimeout(p.timer);
        p.resolve({ id: rid, ok: false, err: 'connection lost' });
      }
      pending.clear();
    };
    sock.on('error', fail);
    sock.on('close', fail);
    c = { sock, pending };
    this.conns.set(id, c);
    return c;
  }

  /** One request to one member; never throws. */
  once(member: string, req: Record<string, unknown>): Promise<Resp> {
    const c = this.conn(member);
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        c.pending.delete(id);
        resolve({ id, ok: false, err: 'timeout' });
      }, this.timeoutMs);
      c.pending.set(id, { resolve, timer });
      (c.sock as Socket).write(frame(Buffer.from(JSON.stringify({ ...req, id }))));
    });
  }

  /** Retries across members until a leader answers or `deadlineMs` passes. */
  async call(req: Record<string, unknown>, deadlineMs = 30_000): Promise<Resp> {
    const ids = Object.keys(this.members);
    const end = Date.now() + deadlineMs;
    let i = 0;
    for (;;) {
      const target = this.leader ?? ids[i++ % ids.length];
      const r = await this.once(target, req);
      if (r.ok) {
        this.leader = target;
        return r;
      }
      this.leader = r.err === 'not_leader' && r.leader ? r.leader : null;
      if (Date.now() > end) return r;
      if (r.err !== 'not_leader' || !r.leader) await new Promise((res) => setTimeout(res, 20));
    }
  }

  close(): void {
    for (const c of this.conns.values()) c.sock?.destroy();
  }
}
