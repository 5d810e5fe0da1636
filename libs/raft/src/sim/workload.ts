import type { SimCluster } from './cluster';
import type { SimNode } from './sim-node';
import { encodeKv } from './kv';
import type { KvInput, KvOutput, Operation } from './linearizability';

interface Current {
  seq: number;
  input: KvInput;
  call: number;
  attempt: number;
}

interface Client {
  id: string;
  seq: number;
  remaining: number;
  target: SimNode | null;
  cur: Current | null;
}

/**
 * Concurrent clients on the simulated cluster: writes (put/append) are
 * proposed, reads go through ReadIndex on whichever member the client talks
 * to (followers too). A client retries a timed-out or refused operation on
 * another member with the same sequence number, so at-most-once application
 * is exercised; the history it records feeds the linearizability checker.
 */
export class Workload {
  readonly history: Operation<KvInput, KvOutput>[] = [];
  private readonly clients: Client[] = [];

  constructor(
    private readonly c: SimCluster,
    clients: number,
    opsPerClient: number,
    private readonly keys: readonly string[],
    private readonly timeoutMs = 200,
  ) {
    for (let i = 0; i < clients; i++) this.clients.push({ id: `c${i}`, seq: 0, remaining: opsPerClient, target: null, cur: null });
  }

  start(): void {
    for (const cl of this.clients) this.c.q.after(this.c.rnd.int(20), () => this.next(cl));
  }

  done(): boolean {
    return this.clients.every((cl) => cl.remaining === 0 && cl.cur === null);
  }

  /** The history with unfinished writes as "may have happened" (return at infinity). */
  finalHistory(): Operation<KvInput, KvOutput>[] {
    const out = [...this.history];
    for (const cl of this.clients) {
      if (cl.cur && cl.cur.input.op !== 'get') out.push({ call: cl.cur.call, ret: Infinity, input: cl.cur.input, output: { value: '' } });
    }
    return out;
  }

  private next(cl: Client): void {
    if (cl.remaining === 0) return;
    cl.remaining--;
    cl.seq++;
    const r = this.c.rnd.next();
    const key = this.c.rnd.pick(this.keys);
    const op = r < 0.4 ? 'get' : r < 0.75 ? 'append' : 'put';
    const value = op === 'get' ? '' : `${cl.id}.${cl.seq};`;
    cl.cur = { seq: cl.seq, input: { op, key, value }, call: this.c.q.now, attempt: 0 };
    this.attempt(cl);
  }

  private pickNode(cl: Client): SimNode {
    if (cl.target && cl.target.up) return cl.target;
    return this.c.rnd.pick([...this.c.nodes.values()]);
  }

  private attempt(cl: Client): void {
    const cur = cl.cur;
    if (!cur) return;
    cur.attempt++;
    const attempt = cur.attempt;
    const node = this.pickNode(cl);
    const retry = (delay: number): void => {
      this.c.q.after(delay, () => {
        if (cl.cur !== cur || cur.attempt !== attempt) return;
        // That member did not answer in time: try another one (it may be removed or cut off).
        cl.target = null;
        this.attempt(cl);
      });
    };
    if (!node.up) {
      retry(5 + this.c.rnd.int(10));
      return;
    }
    try {
      if (cur.input.op === 'get') {
        const ctx = `${cl.id}:${cur.seq}:${attempt}`;
        node.reads.set(ctx, () => this.complete(cl, cur, node, node.kv.get(cur.input.key)));
        node.raft.readIndex(ctx);
      } else {
        node.waiters.set(`${cl.id}:${cur.seq}`, () => this.complete(cl, cur, node, ''));
        node.raft.propose(encodeKv({ client: cl.id, seq: cur.seq, op: cur.input.op, key: cur.input.key, value: cur.input.value }));
      }
    } catch {
      retry(10 + this.c.rnd.int(20));
      return;
    }
    this.c.afterInput(node);
    retry(this.timeoutMs);
    cl.target = node;
  }

  private complete(cl: Client, cur: Current, node: SimNode, value: string): void {
    if (cl.cur !== cur) return;
    this.history.push({ call: cur.call, ret: this.c.q.now, input: cur.input, output: { value } });
    cl.cur = null;
    const lead = node.raft.lead;
    cl.target = lead ? this.c.node(lead) : node;
    this.c.q.after(this.c.rnd.int(15), () => this.next(cl));
  }
}
